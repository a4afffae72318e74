"""The public API: `netdata.__all__` and each subpackage's `__all__` are complete and importable."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import netdata

FACES = ["netdata"] + [
    f"netdata.{m.name}"
    for m in pkgutil.iter_modules(netdata.__path__)
    if m.ispkg and not m.name.startswith("_")
]


def test_every_stage_has_a_face() -> None:
    assert {"netdata.cli", "netdata.schema", "netdata.validate", "netdata.sim"} <= set(FACES)


def test_top_level_names_are_sorted() -> None:
    assert netdata.__all__ == sorted(netdata.__all__)


@pytest.mark.parametrize("name", FACES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    for public in module.__all__:
        assert getattr(module, public) is not None, f"{name}.{public}"


@pytest.mark.parametrize("name", FACES)
def test_every_public_name_is_listed(name: str) -> None:
    """Every public name defined in the package's own modules is in its ``__all__``."""
    module: ModuleType = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and _defined_in(getattr(value, "__module__", ""), name)
    }
    assert public <= set(module.__all__), name


def _defined_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
