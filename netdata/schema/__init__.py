"""YANG to CUE schema compiler, the schema IR (the model rules) and the RFC 7951 encoder/decoder."""

from netdata._exceptions import Problem
from netdata.schema._build import SchemaBuild, build_schema
from netdata.schema._ir import Schema
from netdata.schema._manifest import YANG_PATH_ENV, find_models
from netdata.schema._wire import decode_rfc7951, encode_rfc7951

__all__ = [
    "YANG_PATH_ENV",
    "Problem",
    "Schema",
    "SchemaBuild",
    "build_schema",
    "decode_rfc7951",
    "encode_rfc7951",
    "find_models",
]
