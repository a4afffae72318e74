"""Fleet build speed: `netdata build` of N leaves like examples/fabric's, with two peers.

For each size (default 100, 1,000, 5,000) a network repository is generated
(bench/fleet.py: 48-port leaves, a LACP port-channel, 4 BGP neighbours, VLANs,
SVIs, system, LLDP; group values shared, host values distinct) and built:

- **netdata**: ``netdata.build`` from a cold start (no previous output; the
  compiled schema is cached, as after ``netdata schema build``): inventory,
  group variables, the CUE transforms, validation (``netdata validate``'s
  checks) and the RFC 7951 files with build.json.
- **naive**: one ``cue export`` per device of the same transforms and group
  files unified with the compiled ``#Root`` (cue's checks only: no leafref or
  ``when``), timed on a sample of devices and *extrapolated* to N.
- **Jinja2 + libyang**: a Jinja2 template (bench/leaf.json.j2) rendering the
  same RFC 7951 JSON from the host and group variables, then libyang
  (conformance/oracle.py) validating every document. Its output is checked
  against netdata's on a sample (decoded, the two must be equal).

Then, in the 1,000-device repository, one device's host variables change and
the build runs again (incremental), and once more with nothing changed.

Each measured run is a child process: wall time from the parent, peak memory
as the largest sum of the resident sets of the child and all its descendants
(every ``cue``), sampled every 20 ms from /proc, and the largest single
process (getrusage RUSAGE_CHILDREN). On the shared 2-core machine, numbers are
pessimistic.

CPU time (user + system of the child and every cue it ran) is the honest figure
on a loaded machine; the load average is printed at the start and the end.

Run: python bench/build_fleet.py [--sizes 100,1000,5000] [--naive-sample 5] [--jobs 2] [--no-peers]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fleet  # noqa: E402

ORACLE = HERE.parents[1] / "shared" / "conformance" / "oracle.py"
PAGE = os.sysconf("SC_PAGE_SIZE")
CHECK_SAMPLE = 20
PYAVD = ("Arista's pyavd (the issue's measurement on these 2 cores, not this run's): 6-7 "
         "devices/s on one process, 9-10 on two, for 130 leaves of 48 ports; no YANG check "
         "of its output")


# ---------------------------------------------------------------- the children


def child_netdata(repo: Path, jobs: int) -> dict[str, Any]:
    from netdata.build import build

    start, before = time.perf_counter(), _cpu()
    result = build(repo, jobs=jobs)
    python, cue = (a - b for a, b in zip(_cpu(), before, strict=True))
    return {"seconds": time.perf_counter() - start, "ok": result.ok,
            "python_cpu": python, "cue_cpu": cue,
            "built": sum(d.built for d in result.devices.values()),
            "failed": result.failed[:5], "problems": list(result.problems)[:5]}


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children (every cue)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def child_naive(repo: Path, sample: int) -> dict[str, Any]:
    """One `cue export` per device (of the first ``sample``), in a module with the real #Root."""
    from netdata.build import IMPORT_PATH
    from netdata.build._repository import package_name
    from netdata.cue import Cue
    from netdata.schema import build_schema

    package, _ = package_name(repo / "transforms")
    hosts = _hosts(repo)[:sample]
    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp)
        (module / "transforms").symlink_to(repo / "transforms")
        oc = module / "cue.mod" / "pkg" / IMPORT_PATH
        oc.mkdir(parents=True)
        (module / "cue.mod" / "module.cue").write_text(
            'module: "netdata.example/network@v0"\nlanguage: version: "v0.17.1"\n')
        source = build_schema().cue_source
        (oc / "schema.cue").write_text(source.replace("package netdata", "package oc", 1))
        cue = Cue(workdir=module)
        transforms = sorted(f"transforms/{p.name}" for p in (repo / "transforms").glob("*.cue"))
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        for host in hosts:
            program = fleet.device_program(repo, host, package)
            cue.export_json(transforms, expression="out", files={"device.cue": program})
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"seconds": seconds, "devices": len(hosts), "per_device": seconds / len(hosts),
            "cpu_per_device": cpu / len(hosts)}


def child_jinja(repo: Path) -> dict[str, Any]:
    """Render every device with Jinja2, validate each document with libyang."""
    import importlib.util

    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=False,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(addr=lambda c: c.split("/")[0], plen=lambda c: int(c.split("/")[1]),
                       peer=lambda c: str(ipaddress.ip_address(
                           int(ipaddress.ip_interface(c).ip) ^ 1)))
    template = env.get_template("leaf.json.j2")
    spec = importlib.util.spec_from_file_location("oracle", ORACLE)
    assert spec is not None and spec.loader is not None
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    start = time.perf_counter()
    checker = oracle.Oracle()
    ready = time.perf_counter()
    hosts = _hosts(repo)
    group_vars = _merged_groups(repo, hosts[0])   # every leaf matches the same groups
    loaded = time.perf_counter()
    texts = [template.render(h=h, g=group_vars) for h in hosts]
    rendered = time.perf_counter()
    verdicts = [checker.check_text(t) for t in texts]
    validated = time.perf_counter()
    return {"seconds": validated - start, "libyang_setup": ready - start,
            "load": loaded - ready, "render": rendered - loaded,
            "validate": validated - rendered, "invalid": [v[1] for v in verdicts if not v[0]][:3],
            "same_as_netdata": _same_as_netdata(repo, hosts, texts)}


def _hosts(repo: Path) -> list[dict[str, Any]]:
    """The host variables of the generated repository, in file order."""
    found = []
    for path in sorted((repo / "inventory" / "hosts").glob("*.yaml")):
        found += yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)["hosts"].values()
    return found


def _merged_groups(repo: Path, host: dict[str, Any]) -> dict[str, Any]:
    """The YAML group files of ``host`` merged, one level deep (as Jinja users do)."""
    merged: dict[str, Any] = {}
    for path in fleet.group_files(repo, host):
        if path.suffix == ".yaml":
            for key, value in yaml.safe_load(path.read_text("utf-8")).items():
                both = isinstance(value, dict) and isinstance(merged.get(key), dict)
                merged[key] = {**merged[key], **value} if both else value
    return merged


def _same_as_netdata(repo: Path, hosts: list[dict[str, Any]], texts: list[str]) -> bool | None:
    """Whether the first devices' Jinja2 output decodes to netdata's (None: no netdata output)."""
    from netdata.schema import build_schema, decode_rfc7951

    schema = build_schema().schema
    out = repo / "build"
    for host, text in list(zip(hosts, texts, strict=True))[:CHECK_SAMPLE]:
        built = out / f"{host['name']}.json"
        if not built.is_file():
            return None
        mine, _ = decode_rfc7951(json.loads(text), schema)
        theirs, _ = decode_rfc7951(json.loads(built.read_text()), schema)
        if mine != theirs:
            return False
    return True


# ---------------------------------------------------------------- measuring


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def measure(kind: str, repo: Path, *extra: str) -> dict[str, Any]:
    """Run a child, return its report plus wall time and peak memory."""
    command = [sys.executable, __file__, "--child", kind, "--repo", str(repo), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{kind} child failed (exit {process.returncode})")
    report: dict[str, Any] = json.loads(stdout)
    report.update(wall=wall, peak_mb=peak / 2**20,
                  cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
    return report


def _touch_one_device(repo: Path) -> None:
    """Change one port description of one device (its host-variable file)."""
    path = sorted((repo / "inventory" / "hosts").glob("*.yaml"))[len(list(
        (repo / "inventory" / "hosts").glob("*.yaml"))) // 2]
    text = path.read_text("utf-8")
    path.write_text(text.replace(" eth0\n", " eth0 (moved)\n", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--naive-sample", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-peers", action="store_true", help="measure netdata build only")
    parser.add_argument("--child", choices=("netdata", "naive", "jinja"))
    parser.add_argument("--repo", type=Path)
    args = parser.parse_args()
    if args.child:
        report = {"netdata": lambda: child_netdata(args.repo, args.jobs),
                  "naive": lambda: child_naive(args.repo, args.naive_sample),
                  "jinja": lambda: child_jinja(args.repo)}[args.child]()
        largest = max(resource.getrusage(who).ru_maxrss
                      for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        print(json.dumps({**report, "largest_mb": largest / 1024}))
        return
    from netdata.schema import build_schema

    build_schema()  # compile once (cached), so no run below pays for it
    print(f"load average {os.getloadavg()[0]:.1f} at start (2 shared cores: pessimistic)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            repo = Path(tmp) / f"fleet{size}"
            start = time.perf_counter()
            fleet.write_fleet(repo, size)
            print(f"\n{size} leaves generated in {time.perf_counter() - start:.1f} s ({repo})")
            ours = measure("netdata", repo, "--jobs", str(args.jobs))
            _show("netdata build (cold)", size, ours)
            naive_total = jinja_seconds = float("nan")
            if not args.no_peers:
                naive = measure("naive", repo, "--naive-sample", str(args.naive_sample))
                naive_total = naive["per_device"] * size
                print(f"  {'naive: cue export per device':34} {naive['per_device'] * 1000:7.0f} ms"
                      f"/device on {naive['devices']} devices -> {naive_total:7.1f} s for {size}"
                      f" (extrapolated; cue cpu {naive['cpu_per_device'] * size:.1f} s)"
                      f"  peak {naive['peak_mb']:.0f} MB")
                jinja = measure("jinja", repo)
                jinja_seconds = jinja["seconds"]
                _show("Jinja2 + libyang", size, jinja)
                print(f"    libyang context {jinja['libyang_setup']:.1f} s, "
                      f"load {jinja['load']:.1f} s, render {jinja['render']:.1f} s, "
                      f"libyang {jinja['validate']:.1f} s, "
                      f"invalid {jinja['invalid'] or 'none'}, same JSON as netdata on "
                      f"{CHECK_SAMPLE} devices: {jinja['same_as_netdata']}")
                print(f"  in-process: netdata {ours['seconds']:.1f} s, Jinja2+libyang "
                      f"{jinja_seconds:.1f} s; ratios to netdata: naive (extrapolated) "
                      f"{naive_total / ours['seconds']:.1f}x, Jinja2+libyang "
                      f"{jinja_seconds / ours['seconds']:.2f}x; by CPU time: naive "
                      f"{naive['cpu_per_device'] * size / ours['cpu']:.1f}x, "
                      f"Jinja2+libyang {jinja['cpu'] / ours['cpu']:.2f}x")
            rows.append((size, ours, naive_total, jinja_seconds))
            if size == 1000:
                _touch_one_device(repo)
                one = measure("netdata", repo, "--jobs", str(args.jobs))
                _show("incremental: one device changed", size, one)
                same = measure("netdata", repo, "--jobs", str(args.jobs))
                _show("incremental: nothing changed", size, same)
    print("\nsize   netdata s  dev/s  cpu s  cpu ms/dev  peak MB   naive s (extrap.)"
          "  Jinja2+libyang s")
    for size, ours, naive_total, jinja_seconds in rows:
        print(f"{size:5}  {ours['wall']:9.1f}  {size / ours['wall']:5.0f}  {ours['cpu']:5.0f}"
              f"  {ours['cpu'] / size * 1000:10.0f}  {ours['peak_mb']:7.0f}"
              f"  {naive_total:17.1f}  {jinja_seconds:16.1f}")
    print("linear growth: CPU per device should stay flat across the sizes (wall time on a "
          "shared machine moves with its load)")
    print(f"for scale, {PYAVD}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def _show(label: str, size: int, report: dict[str, Any]) -> None:
    status = "ok" if report.get("ok", not report.get("invalid")) else f"FAILED {report}"
    built = f", built {report['built']}" if "built" in report else ""
    print(f"  {label:34} {report['wall']:7.1f} s  {size / report['wall']:6.0f} dev/s  "
          f"peak {report['peak_mb']:5.0f} MB (largest process {report['largest_mb']:.0f} MB)"
          f"  cpu {report['cpu']:.1f} s{built}  {status}")
    if "cue_cpu" in report:
        cue, python = report["cue_cpu"], report["python_cpu"]
        print(f"    of which cue {cue:.1f} s ({cue / size * 1000:.1f} ms/device), Python "
              f"{python:.1f} s ({python / size * 1000:.1f} ms/device); "
              f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
