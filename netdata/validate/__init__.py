"""The validator: config documents (RFC 7951 or authoring form) against the compiled schema.

Few cue runs vet many documents together (:mod:`netdata.validate._batch`); the
leafref and ``when`` post-checks run in Python meanwhile
(:mod:`netdata.validate._checks`); errors get ``file:line:column`` positions
(:mod:`netdata.validate._positions`). See docs/schema.md.
"""

from netdata.validate._validate import (
    FORMS,
    FileResult,
    ValidationError,
    ValidationResults,
    detect_form,
    validate,
    validate_documents,
)

__all__ = [
    "FORMS",
    "FileResult",
    "ValidationError",
    "ValidationResults",
    "detect_form",
    "validate",
    "validate_documents",
]
