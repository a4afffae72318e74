"""Validation speed: the 48-port leaf (public p015) once, and 1,000 copies in one call,
with libyang (conformance/oracle.py) on the same 1,000 documents for comparison.

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

from netdata.schema import build_schema, validate

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
    with tempfile.TemporaryDirectory() as tmp:
        text = P015.read_text()
        files = []
        for i in range(count):
            path = Path(tmp) / f"leaf{i:04d}.json"
            path.write_text(text)
            files.append(path)
        start = time.perf_counter()
        results = validate(files, build=build)
        many = time.perf_counter() - start
        assert all(r.valid for r in results)
        spec = importlib.util.spec_from_file_location("oracle", SHARED / "conformance" / "oracle.py")
        assert spec is not None and spec.loader is not None
        oracle_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(oracle_module)
        oracle = oracle_module.Oracle(root=str(models))
        start = time.perf_counter()
        verdicts = [oracle.check_text(p.read_text()) for p in files]
        libyang = time.perf_counter() - start
        assert all(v for v, _ in verdicts)
    size = json.dumps(json.loads(text)).count("\n") or len(text)
    print(f"p015 ({len(text) // 1024} KiB, {size} bytes compact) once : {single:6.2f} s")
    print(f"{count} x p015 in one call              : {many:6.2f} s  "
          f"({many / count * 1000:.1f} ms/doc; goal <= 10 s for 1000 on 2 cores)")
    print(f"libyang, same {count} documents         : {libyang:6.2f} s  "
          f"(netdata / libyang = {many / libyang:.1f}x)")


if __name__ == "__main__":
    main()
