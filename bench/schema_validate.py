"""Validation speed: the 48-port leaf (public p015) once, and 1,000 such documents in one
call, with libyang (conformance/oracle.py) on the same 1,000 documents for comparison.

Three fleets: identical copies of p015 (as the issue states it); 1,000 distinct
leaves (hostname, LLDP system name, router-id and one port description differ per
device: no top-level subtree repeats, most interface entries do); and the worst
case, where every interface entry differs too, so no whole piece (top-level
subtree, entry of a top-level list) repeats between devices and only the
de-duplication of leaf values within pieces of the same shape helps.

CPU times (this process, and the cue runs) are printed too: on a shared machine
they vary much less than wall times.

Run: python bench/schema_validate.py [COUNT]   (default 1000; needs the models and corpus)
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from netdata.schema import build_schema
from netdata.validate import validate

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
P015 = SHARED / "conformance" / "public" / "p015-large-leaf-switch.json"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    models = Path(os.environ.get("NETDATA_YANG_PATH") or SHARED / "yang" / "openconfig")
    build = build_schema(models)
    start = time.perf_counter()
    [one] = validate([P015], build=build)
    single = time.perf_counter() - start
    assert one.valid, one.errors
    text = P015.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        copies = _write(Path(tmp) / "copies", [text] * count)
        distinct = _write(Path(tmp) / "distinct", [_variant(text, i) for i in range(count)])
        unique = _write(Path(tmp) / "unique", [_variant(text, i, True) for i in range(count)])
        timings = {}
        cpu = {}
        fleets = (
            ("identical copies", copies),
            ("distinct leaves", distinct),
            ("all ports differ", unique),
        )
        for label, files in fleets:
            start, before = time.perf_counter(), os.times()
            results = validate(files, build=build)
            timings[label] = time.perf_counter() - start
            after = os.times()
            cpu[label] = (
                after.user + after.system - before.user - before.system,
                after.children_user
                + after.children_system
                - before.children_user
                - before.children_system,
            )
            assert all(r.valid for r in results), [r.errors for r in results if not r.valid][:1]
        spec = importlib.util.spec_from_file_location(
            "oracle", SHARED / "conformance" / "oracle.py"
        )
        assert spec is not None and spec.loader is not None
        oracle_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(oracle_module)
        oracle = oracle_module.Oracle(root=str(models))
        start = time.perf_counter()
        verdicts = [oracle.check_text(p.read_text()) for p in unique]
        libyang = time.perf_counter() - start
        assert all(v for v, _ in verdicts)
    print(f"p015 ({len(text) // 1024} KiB) once: {single:6.2f} s")
    for label, seconds in timings.items():
        print(
            f"{count} x p015, {label:<16} in one call: {seconds:6.2f} s "
            f"({seconds / count * 1000:.1f} ms/doc; goal <= 10 s for 1000 on 2 cores; "
            f"{seconds / libyang:.1f}x libyang); CPU: python {cpu[label][0]:.2f} s, "
            f"cue {cpu[label][1]:.2f} s"
        )
    print(f"libyang, {count} x p015 (all ports differ)  : {libyang:6.2f} s")


def _write(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"leaf{i:04d}.json"
        path.write_text(text)
        paths.append(path)
    return paths


def _variant(text: str, i: int, every_port: bool = False) -> str:
    """p015 with per-device values in every top-level subtree (and every port)."""
    doc = json.loads(text)
    doc["openconfig-system:system"]["config"]["hostname"] = f"leaf{i:04d}"
    doc["openconfig-lldp:lldp"]["config"]["system-name"] = f"leaf{i:04d}"
    interfaces = doc["openconfig-interfaces:interfaces"]["interface"]
    for interface in interfaces if every_port else interfaces[:1]:
        interface["config"]["description"] = f"{interface['name']} of leaf{i:04d}"
    instance = doc["openconfig-network-instance:network-instances"]["network-instance"][0]
    bgp = instance["protocols"]["protocol"][0]["bgp"]
    bgp["global"]["config"]["router-id"] = f"10.{i // 250}.{i % 250}.1"
    return json.dumps(doc)


if __name__ == "__main__":
    main()
