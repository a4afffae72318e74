"""The one JSON/YAML reader: cue's YAML 1.2 meaning, hostile input, properties (hypothesis)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdata._documents import (
    MAX_DEPTH,
    display_name,
    parse_data,
    parse_json,
    read_data,
    read_text,
)
from netdata._exceptions import DocumentError
from netdata.cue import Cue
from netdata.inventory._output import dumps

BOUNDED = settings(
    max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Plain scalars whose meaning cue gives; the reader must give the same.
AGREED = [
    "yes", "no", "on", "off", "y", "0o17", "017", "0x1F", "0X1F", "-0x1F", "+0o7", "0b101",
    "1_000", "0x_1F", "1_0.5", "09", "00", "-0", "+12", "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "~", "null", "Null", "NULL", "true", "True", "TRUE", "tRue", "false", "1e3", "1E3",
    "12e03", "1.0e+3", "1.", ".5", "-.5", "0.", "+1.5e-3", "1:20", "_1", "0o", "1e", "=", "0o8",
]
# What cue refuses, and so does the reader (with a message naming the line).
REFUSED = [".inf", "-.Inf", "+.inf", ".nan", ".NaN", "!foo x"]


def _cue_reads(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return Cue().export_json([str(path)])


def test_plain_scalars_mean_what_cue_reads(tmp_path: Path) -> None:
    text = "".join(f"k{i}: {s}\n" for i, s in enumerate(AGREED))
    ours, cues = parse_data(text, "t.yaml"), _cue_reads(tmp_path, text)
    pairs = {s: (ours[f"k{i}"], cues[f"k{i}"]) for i, s in enumerate(AGREED)}
    assert {s: p for s, p in pairs.items() if p[0] != p[1] or (type(p[0]) is not type(p[1])
            and not {type(p[0]), type(p[1])} <= {int, float})} == {}


def test_keys_are_labelled_as_cue_labels_them(tmp_path: Path) -> None:
    text = "~: 1\nTRUE: 2\n0x10: 3\n1.50: 4\n'q': 5\n"
    assert parse_data(text, "t.yaml") == _cue_reads(tmp_path, text)


def test_merge_keys_as_cue_merges_them(tmp_path: Path) -> None:
    text = "a: &x {p: 1, q: 1}\nb:\n  <<: *x\n  q: 2\n"
    assert parse_data(text, "t.yaml") == _cue_reads(tmp_path, text)


@pytest.mark.parametrize("scalar", REFUSED)
def test_what_cue_refuses_is_refused_with_the_line(tmp_path: Path, scalar: str) -> None:
    with pytest.raises(DocumentError, match=r"^t\.yaml:2:4: "):
        parse_data(f"a: 1\nb: {scalar}\n", "t.yaml")
    from netdata._exceptions import CueError

    with pytest.raises(CueError):
        _cue_reads(tmp_path, f"a: 1\nb: {scalar}\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"mtu": 70000,\n "mtu": 9100}', 'x:2:2: duplicate key "mtu" (first at line 1, column 2)'),
        ("a:\n  mtu: 1\n  mtu: 2\n", 'x:3:3: duplicate key "mtu" (first at line 2, column 3)'),
        ("~: 1\nnull: 2\n", 'x:2:1: duplicate key "null" (first at line 1'),
        ("a: &a [*a]\n", "x:1:8: the alias *a refers to a node that holds it"),
        ("a: *b\n", "has no anchor before it"),
        ("a: !!binary aGk=\n", "x:1:4: the tag !!binary is not supported"),
        ("a: !!set {x}\n", "the tag !!set is not supported"),
        ("a: !!timestamp 2020-01-01\n", "the tag !!timestamp is not supported"),
        ("a: !!int x\n", "'x' is not a !!int"),
        ('a: "x\\0y"\n', "x:1:4: a string holds U+0000"),
        ('{"a": "x\\u0000"}', "at /a: a string holds U+0000"),
        ('{"a\\u0000": 1}', "a member name holds U+0000"),
        ('{"a": NaN}', "at /a: nan is not a finite number"),
        ('{"a": [1e400]}', "at /a/0: inf is not a finite number"),
        ("a: 1e400\n", "1e400 is out of range of a double"),
        ('{"a": ' + "9" * 5000 + "}", "at /a: an integer longer than 4300 digits"),
        ("a: " + "9" * 5000 + "\n", "x:1:4: an integer longer than 4300 digits"),
        ("[" * 100_000 + "]" * 100_000, f"nested deeper than {MAX_DEPTH} levels"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"nested deeper than {MAX_DEPTH}"),
        ("- " * 100_000 + "x\n", f"nested deeper than {MAX_DEPTH} levels"),
        ("a: &a [x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 40)}]\n"
            for p, c in zip("abcd", "bcde", strict=True)
        ), "aliases expand to more than 100000 nodes"),
        ("? [a]\n: 1\n", "a mapping key must be a scalar"),
        ("a: 1\n---\nb: 2\n", "holds 2 YAML documents"),
    ],
)
def test_hostile_documents_give_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_data(text, "x")
    assert message in str(caught.value)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(("text", "value"), [("5", 5), ('"x"', "x"), ("null", None), ("1.5", 1.5)])
def test_json_scalars_read_as_json(text: str, value: Any) -> None:
    assert parse_json(text, "answer") == value


@pytest.mark.parametrize("text", ["NaN", "\"\\u0000\"", "1e999"])
def test_json_scalars_the_reader_refuses(text: str) -> None:
    with pytest.raises(DocumentError):
        parse_json(text, "answer")


def test_deep_but_allowed_nesting_and_aliases_read(tmp_path: Path) -> None:
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_data(deep, "x") is not None
    assert parse_data("a: &a {p: 1}\nb: *a\nc: [*a, *a]\n", "x")["c"] == [{"p": 1}] * 2


def test_files_that_are_not_documents(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    (tmp_path / "dir").mkdir()
    for path, message in [
        (tmp_path / "missing", "No such file"),
        (tmp_path / "dir", "is a directory"),
        (Path("/dev/null"), "not a regular file"),
        (loop, "Too many levels of symbolic links"),
    ]:
        with pytest.raises(DocumentError, match=message):
            read_text(path)


def test_size_limit_message_says_mib(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2049)
    with pytest.raises(DocumentError, match=r"too large \(the limit is 0 MiB\)"):
        read_text(path, max_bytes=2048)
    from netdata._documents import MAX_DOCUMENT_BYTES

    assert MAX_DOCUMENT_BYTES == 32 * 2**20  # docs/schema.md says 32 MiB


def test_byte_order_mark_is_dropped_and_json_stays_json(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": "yes", "b": 1}')
    assert read_data(path) == {"a": "yes", "b": 1}
    path.write_bytes(b'\xef\xbb\xbf{"a": 1, "a": 2}')
    with pytest.raises(DocumentError, match="duplicate key"):
        read_data(path)


def test_unprintable_file_names_are_escaped_in_messages(tmp_path: Path) -> None:
    assert display_name("a\nb.json") == "a\\nb.json"
    with pytest.raises(DocumentError) as caught:
        parse_data("", "a\nb\x1b.json")
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


# --- properties ---------------------------------------------------------------------------------


@BOUNDED
@given(st.binary(max_size=400))
def test_any_bytes_give_data_or_a_document_error(tmp_path: Path, raw: bytes) -> None:
    for name in ("x.json", "x.yaml"):
        path = tmp_path / name
        path.write_bytes(raw)
        try:
            read_data(path)
        except DocumentError as exc:
            assert str(exc).startswith(str(path))


YAML_ISH = st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!? \n\"'#|>~.0x1e_<")), max_size=80)


@BOUNDED
@given(YAML_ISH)
def test_yaml_like_text_gives_data_or_a_document_error(text: str) -> None:
    for name in ("x", "x.yaml"):
        with contextlib.suppress(DocumentError):
            parse_data(text, name)


SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
)
TREES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
    ), inner, max_size=4), max_leaves=20,
)


@BOUNDED
@given(TREES)
def test_what_the_writers_write_reads_back(tree: Any) -> None:
    assert parse_data(dumps(tree, "yaml"), "x.yaml") == tree
    if isinstance(tree, dict | list):  # JSON text of a document
        assert parse_data(json.dumps(tree), "x.json") == tree
        assert parse_data(dumps(tree, "json"), "x.json") == tree
