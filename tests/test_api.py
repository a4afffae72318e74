"""The public API: `netdata.__all__` is complete, sorted and importable."""

from __future__ import annotations

import netdata


def test_all_names_exist_and_are_sorted() -> None:
    assert netdata.__all__ == sorted(netdata.__all__)
    for name in netdata.__all__:
        assert getattr(netdata, name) is not None, name


def test_every_public_name_is_listed() -> None:
    public = {
        name
        for name, value in vars(netdata).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("netdata")
    }
    assert public <= set(netdata.__all__)
