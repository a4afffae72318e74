"""Helpers of the simulator tests (a module: --import-mode=importlib cannot import conftest)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from pygnmi.client import gNMIclient, gNMIException

from netdata.sim import MODELS_ENV, SimDevice

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "conformance" / "public"
MODELS = Path(os.environ.get(MODELS_ENV) or SHARED / "yang" / "openconfig")


def corpus_text(name: str) -> str:
    """A document of the conformance corpus (p001-...) as text."""
    return (CORPUS / name).read_text(encoding="utf-8")


P001 = "p001-interfaces-ethernet-loopback.json"


@contextmanager
def client(device: SimDevice | tuple[str, int], **options: Any) -> Iterator[Any]:
    """A connected pygnmi client (insecure unless told otherwise)."""
    target = device.address if isinstance(device, SimDevice) else device
    options.setdefault("insecure", True)
    options.setdefault("gnmi_timeout", 5)
    with gNMIclient(target=target, **options) as gc:
        yield gc


def status_of(call: Callable[[], Any]) -> tuple[grpc.StatusCode, str]:
    """Run a pygnmi call that must fail; its gRPC status code and details."""
    with pytest.raises(gNMIException) as info:
        call()
    orig = info.value.orig_exc
    assert isinstance(orig, grpc.RpcError), f"not a gRPC error: {info.value!r}"
    return orig.code(), orig.details()


IFACE = "openconfig-interfaces:interfaces/interface[name={}]"


def iface_config(name: str, **config: Any) -> dict[str, Any]:
    """An interface entry as RFC 7951 JSON."""
    return {
        "name": name,
        "config": {"name": name, "type": "iana-if-type:ethernetCsmacd", **config},
    }
