"""Helpers of the push tests: build output folders in the build contract's format, targets files."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netdata.inventory import safe_filename
from netdata.sim import SimFleet

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "conformance" / "public"
MODELS = Path(os.environ.get("NETDATA_YANG_PATH") or SHARED / "yang" / "openconfig")


def corpus(name: str) -> dict[str, Any]:
    """A valid document of the conformance corpus (``p015`` or its full file name)."""
    matches = sorted(CORPUS.glob(f"{name}*.json"))
    assert len(matches) == 1, f"{name}: {matches}"
    document: dict[str, Any] = json.loads(matches[0].read_text(encoding="utf-8"))
    return document


def write_build(
    directory: Path,
    configs: Mapping[str, dict[str, Any]],
    *,
    failed: Mapping[str, str] = (),  # type: ignore[assignment]
    hosts: Mapping[str, dict[str, Any]] | None = None,
) -> Path:
    """A build output folder as `netdata build` writes it (per the team's build contract):
    ``<file>.json`` (RFC 7951, sorted keys, 2-space indent) and ``build.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    devices: dict[str, Any] = {}
    for name in sorted({*configs, *dict(failed)}):
        file_name = f"{safe_filename(name)}.json"
        entry: dict[str, Any] = {
            "file": file_name,
            "input_digest": "sha256:" + "0" * 64,
            "built_at": now,
            "host": (hosts or {}).get(name, {"role": "leaf", "primary_ip4": "127.0.0.1/32"}),
            "errors": [],
        }
        if name in dict(failed):
            entry["status"] = "failed"
            entry["output_digest"] = None
            entry["errors"] = [{"path": "/", "message": dict(failed)[name], "positions": []}]
        else:
            text = json.dumps(configs[name], sort_keys=True, indent=2) + "\n"
            (directory / file_name).write_text(text, encoding="utf-8")
            entry["status"] = "ok"
            entry["output_digest"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        devices[name] = entry
    manifest = {
        "format": 1,
        "netdata_version": "0.1.0",
        "schema_digest": "sha256:" + "0" * 64,
        "devices": devices,
    }
    (directory / "build.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return directory


def write_targets(path: Path, fleet: SimFleet, **defaults: Any) -> Path:
    """A targets file for the simulated devices (plaintext, commit-confirmed)."""
    document = {
        "defaults": {"plaintext": True, "commit_confirmed": True, **defaults},
        "devices": {d.name: {"address": d.host, "port": d.port} for d in fleet},
    }
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def with_hostname(document: dict[str, Any], hostname: str) -> dict[str, Any]:
    """``document`` with system/config/hostname set (a per-device difference)."""
    out = json.loads(json.dumps(document))
    system = out.setdefault("openconfig-system:system", {})
    system.setdefault("config", {})["hostname"] = hostname
    return out
