"""XSD regular expressions (YANG ``pattern``) to anchored RE2 (CUE ``=~``).

YANG patterns are XML Schema regular expressions, implicitly anchored at both
ends; CUE's ``=~`` uses RE2 and matches anywhere. Most XSD syntax is RE2
syntax; the differences handled here:

- ``^`` and ``$`` are ordinary characters in XSD: escaped;
- the whole expression is wrapped as ``^(?:...)$``;
- ``\\i``, ``\\c`` (XML name characters), character-class subtraction
  (``[a-z-[aeiou]]``) and Unicode block escapes (``\\p{IsBasicLatin}``) have
  no RE2 equivalent: the pattern is reported untranslatable (a gap).

``oc-ext:posix-pattern`` values are already anchored POSIX/RE2 expressions and
are used as they are, after an RE2 syntax check.
"""

from __future__ import annotations

import re
import warnings

_UNSUPPORTED_ESCAPES = frozenset("iIcC")


class UntranslatablePattern(ValueError):
    """An XSD pattern that has no faithful RE2 translation."""


def xsd_to_re2(pattern: str) -> str:
    """Translate an XSD pattern to an anchored RE2 expression, or raise UntranslatablePattern."""
    out: list[str] = []
    i, depth = 0, 0  # depth: nesting of character classes
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise UntranslatablePattern("trailing backslash")
            nxt = pattern[i + 1]
            if nxt in _UNSUPPORTED_ESCAPES:
                raise UntranslatablePattern(f"XML name escape \\{nxt}")
            if nxt in "pP" and pattern.startswith("{Is", i + 2):
                raise UntranslatablePattern("Unicode block escape \\p{Is...}")
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if depth == 0 and ch in "^$":
            out.append("\\" + ch)
        elif ch == "[":
            if depth > 0 and out and out[-1] == "-":
                raise UntranslatablePattern("character class subtraction")
            depth += 1
            out.append(ch)
        elif ch == "]" and depth > 0:
            depth -= 1
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    translated = "^(?:" + "".join(out) + ")$"
    check_re2(translated)
    return translated


def check_re2(regex: str) -> None:
    """Reject expressions RE2 cannot compile (Python's re, minus ``\\p{..}``, as a proxy).

    Back-references and look-around do not exist in XSD, so a compile failure
    or a repeat count above RE2's limit is the practical check; cue itself
    compiles every expression when the schema is built.
    """
    probe = re.sub(r"\\[pP]\{\w+\}", "a", regex)  # RE2 Unicode classes; Python lacks them
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(probe)
    except re.error as exc:
        raise UntranslatablePattern(f"not a valid regular expression: {exc}") from exc
    for match in re.finditer(r"\{(\d+)(?:,(\d*))?\}", regex):
        if any(g and int(g) > 1000 for g in match.groups()):
            raise UntranslatablePattern("repeat count above RE2's limit of 1000")
