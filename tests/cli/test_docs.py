"""Pages of docs/ that are generated: they must match what the code generates today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_coverage_page_is_the_generated_report(cli_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "netdata", "schema", "coverage", "--markdown"],
        capture_output=True,
        text=True,
        env=cli_env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert page == done.stdout, (
        "docs/coverage.md is stale: run `netdata schema coverage --markdown > docs/coverage.md`"
    )
    assert "| `leafref` |" in page and "| total |" in page
