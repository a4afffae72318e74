"""Compile time of the pinned module set vs `pyang -f tree` on the same modules.

Run: python bench/schema_compile.py [MODELS...]
(MODELS defaults to $NETDATA_YANG_PATH, else ../shared/yang/openconfig; every module
of the folders is compiled unless the manifest lists modules; a vendor set, e.g.
../shared/yang/vendor/arista-eos-4.36.1F/{openconfig/public/release/models,release/openconfig/models}
plus ../shared/yang/openconfig/third_party/ietf, is measured the same way)
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
from netdata.schema._yang import folder_modules, module_dirs

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    pinned = REPO.parent / "shared" / "yang" / "openconfig"
    default = os.environ.get("NETDATA_YANG_PATH") or str(pinned)
    models = [Path(p) for p in (sys.argv[1:] or default.split(os.pathsep))]
    modules = tuple(load_manifest().modules or folder_modules(models))
    path = ":".join(map(str, module_dirs(models)))
    files = [str(_module_file(models, m)) for m in modules]
    pyang = Path(sys.executable).with_name("pyang")
    runs = []
    for _ in range(int(os.environ.get("BENCH_ROUNDS", "3"))):  # best of N
        start = time.perf_counter()
        subprocess.run(
            [str(pyang), "-f", "tree", "-p", path, *files],
            check=False,  # a vendor set has defects: pyang reports them and exits 1
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        tree = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            build_schema(models, load_manifest().modules, cache_dir=cache)
            ours = time.perf_counter() - start
            start = time.perf_counter()
            build_schema(models, load_manifest().modules, cache_dir=cache)
            cached = time.perf_counter() - start
        runs.append((tree, ours, cached))
    tree, ours, cached = (min(r[i] for r in runs) for i in range(3))
    print(f"models: {', '.join(map(str, models))}")
    print(f"modules: {len(modules)} (every module of the folders, or the manifest's list)")
    print(f"pyang -f tree        : {tree:6.2f} s")
    print(f"netdata schema build : {ours:6.2f} s   ratio {ours / tree:4.2f}x  (goal <= 2x)")
    print(f"cached rebuild       : {cached:6.3f} s")


def _module_file(models: list[Path], name: str) -> Path:
    for root in models:
        found = sorted(root.rglob(f"{name}.yang")) + sorted(root.rglob(f"{name}@*.yang"))
        if found:
            return found[0]
    raise SystemExit(f"module {name} not found")


if __name__ == "__main__":
    main()
