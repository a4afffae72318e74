"""All public conformance cases get libyang's verdict, for the right reason (error path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdata.schema import SchemaBuild
from netdata.validate import FileResult, validate

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
MANIFEST = PUBLIC / "manifest.json"
CASES = json.loads(MANIFEST.read_text()) if MANIFEST.is_file() else []

# Where each invalid case's defect is: the reported error path must end with this.
EXPECTED_PATH = {
    "p016": "/interfaces/interface[name=Ethernet1]/config/mtu",
    "p017": "/switched-vlan/config/access-vlan",
    "p018": "/config/mtu",
    "p019": "/neighbor[neighbor-address=10.0.0.2]/config/description",
    "p020": "/aggregation/config/lag-type",
    "p021": "/actions/config/policy-result",
    "p022": "/interface[name=Ethernet2]/config/type",
    "p023": "/config/afi-safi-name",
    "p024": "/config/ip",
    "p025": "/system/config/hostname",
    "p026": "/config/masklength-range",
    "p027": "/system/config/hostname",
    "p028": "/config/descripton",
    "p029": "/interfaces/interface[2]",
    "p030": "/interfaces/interface[name=Ethernet2]/config/name",
    "p031": "/interfaces/interface[name=Ethernet1]",
    "p032": "/ethernet/config/aggregate-id",
    "p033": "/neighbor[neighbor-address=10.0.0.2]/config/peer-group",
    "p034": "/afi-safi[afi-safi-name=IPV4_UNICAST]/ipv6-unicast",
    "p035": "/switched-vlan/config/access-vlan",
    "p036": "/interfaces/interface[name=Ethernet2]/config/type",
    "p037": "/switched-vlan/config/trunk-vlans/1",
    "p038": "/interfaces",
    "p039": "/subinterface[index=0]/ipv4",
    "p040": "/lldp/config/hello-timer",
    "p041": "/interfaces/interface[name=Ethernet1]/state",
    "p042": "/neighbor[neighbor-address=10.0.1.4]/config/peer-as",
    "p043": "/acl-entry[sequence-id=20]/actions/config/forwarding-action",
    "p044": "/static[prefix=10.99.0.0/33]/config/prefix",
}


@pytest.fixture(scope="module")
def results(build: SchemaBuild) -> dict[str, FileResult]:
    """The whole corpus validated in one call (as the CLI would)."""
    files = [PUBLIC / case["file"] for case in CASES]
    return {Path(r.file).name: r for r in validate(files, build=build)}


def test_corpus_present() -> None:
    assert len(CASES) == 44, f"expected the 44 public cases in {PUBLIC}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"][:4] for c in CASES])
def test_case_matches_libyang(case: dict[str, Any], results: dict[str, FileResult]) -> None:
    result = results[case["file"]]
    assert result.form == "wire"
    assert result.valid == case["valid"], (case["what"], result.errors)
    if case["valid"]:
        return
    expected = EXPECTED_PATH[case["file"][:4]]
    paths = [e.path for e in result.errors]
    assert any(p.endswith(expected) for p in paths), (expected, result.errors)
