"""YANG to CUE schema compiler, RFC 7951 encoder/decoder and validator."""

from netdata.schema._build import SchemaBuild, build_schema
from netdata.schema._ir import Schema
from netdata.schema._validate import FileResult, ValidationError, validate, validate_documents
from netdata.schema._wire import Problem, decode_rfc7951, encode_rfc7951

__all__ = [
    "FileResult",
    "Problem",
    "Schema",
    "SchemaBuild",
    "ValidationError",
    "build_schema",
    "decode_rfc7951",
    "encode_rfc7951",
    "validate",
    "validate_documents",
]
