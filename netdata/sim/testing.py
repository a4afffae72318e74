"""pytest fixtures that start simulated devices on free loopback ports.

Use them from a ``conftest.py``::

    from netdata.sim.testing import sim_fleet, sim_fleet_factory  # noqa: F401

``sim_fleet`` is a started fleet of three devices (parametrize it indirectly
with a device count or a dict of :class:`~netdata.sim.SimFleet` options);
``sim_fleet_factory(devices, **options)`` starts more. Every fleet is stopped
when the test ends. The YANG models come from ``$NETDATA_YANG_PATH`` unless
``models=`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from netdata.sim._fleet import SimFleet, start_fleet


@pytest.fixture
def sim_fleet_factory() -> Iterator[Callable[..., SimFleet]]:
    """A function starting fleets: ``factory(devices=1, **SimFleet options)``."""
    fleets: list[SimFleet] = []

    def make(devices: Any = 1, **options: Any) -> SimFleet:
        fleet = start_fleet(devices, **options)
        fleets.append(fleet)
        return fleet

    yield make
    for fleet in fleets:
        fleet.stop()


@pytest.fixture
def sim_fleet(
    request: pytest.FixtureRequest, sim_fleet_factory: Callable[..., SimFleet]
) -> SimFleet:
    """A started fleet: three devices, or ``request.param`` (a count or SimFleet options)."""
    param = getattr(request, "param", 3)
    if isinstance(param, dict):
        return sim_fleet_factory(**param)
    return sim_fleet_factory(param)
