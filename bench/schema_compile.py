"""Compile time of the pinned module set vs `pyang -f tree` on the same modules.

Run: python bench/schema_compile.py [MODELS]
(MODELS defaults to $NETDATA_YANG_PATH, else ../shared/yang/openconfig)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netdata.schema import build_schema
from netdata.schema._manifest import load_manifest
from netdata.schema._yang import module_dirs

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    models = Path(
        sys.argv[1]
        if len(sys.argv) > 1
        else os.environ.get("NETDATA_YANG_PATH") or REPO.parent / "shared" / "yang" / "openconfig"
    )
    modules = load_manifest().modules
    path = ":".join(map(str, module_dirs(models)))
    files = [str(next(models.rglob(f"{m}.yang"))) for m in modules]
    pyang = Path(sys.executable).with_name("pyang")
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [str(pyang), "-f", "tree", "-p", path, *files], check=True, stdout=subprocess.DEVNULL
        )
        tree = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            build_schema(models, modules, cache_dir=cache)
            ours = time.perf_counter() - start
            start = time.perf_counter()
            build_schema(models, modules, cache_dir=cache)
            cached = time.perf_counter() - start
        runs.append((tree, ours, cached))
    tree, ours, cached = (min(r[i] for r in runs) for i in range(3))
    print(f"modules: {len(modules)} requested ({', '.join(modules)})")
    print(f"pyang -f tree        : {tree:6.2f} s")
    print(f"netdata schema build : {ours:6.2f} s   ratio {ours / tree:4.2f}x  (goal <= 2x)")
    print(f"cached rebuild       : {cached:6.3f} s")


if __name__ == "__main__":
    main()
