"""The CLI path both source-of-truth test suites check: token file -> stdout / files -> cue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdata.cli import main
from netdata.cue import Cue


def check_cli_files_feed_cue_export(
    url: str, token: str, env_prefix: str, sources: tuple[str, str], expected: dict[str, Any],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """``inventory fetch --stdout`` with the first source gives ``{hosts: expected}``;
    ``-o DIR`` with the second writes one file per device, which ``cue export`` unifies
    into the same document.  The URL and token come from ``<env_prefix>_URL`` and a
    token file."""
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    monkeypatch.delenv(f"{env_prefix}_TOKEN", raising=False)
    monkeypatch.setenv(f"{env_prefix}_URL", url)
    common = ["inventory", "fetch", "--token-file", str(token_file)]
    assert main([*common, "--source", sources[0], "--stdout"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {"hosts": expected}
    out = tmp_path / "hosts"
    assert main([*common, "--source", sources[1], "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"{name}.yaml" for name in sorted(expected)]
    merged = Cue(workdir=tmp_path).export_json(sorted(out.iterdir()))
    assert merged == document
