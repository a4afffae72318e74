"""What a build reports: per device its status, digests and errors; for the run its problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._exceptions import BuildError

OK, FAILED = "ok", "failed"


@dataclass(frozen=True)
class DeviceError:
    """One error of one device: data path, message, every ``file:line:col`` cue reported."""

    path: str
    message: str
    positions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "positions": list(self.positions)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceError:
        return cls(str(data["path"]), str(data["message"]), tuple(data.get("positions") or ()))


@dataclass(frozen=True)
class DeviceResult:
    """One device's entry of build.json; ``built`` is False when it was up to date."""

    name: str
    status: str
    file: str | None
    input_digest: str | None
    output_digest: str | None
    built_at: str
    host: dict[str, Any]
    errors: tuple[DeviceError, ...] = ()
    built: bool = True

    @property
    def ok(self) -> bool:
        return self.status == OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "file": self.file,
            "input_digest": self.input_digest,
            "output_digest": self.output_digest,
            "built_at": self.built_at,
            "host": self.host,
            "errors": [e.as_dict() for e in self.errors],
        }

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> DeviceResult:
        return cls(
            name,
            str(data["status"]),
            data.get("file"),
            data.get("input_digest"),
            data.get("output_digest"),
            str(data.get("built_at", "")),
            dict(data.get("host") or {}),
            tuple(DeviceError.from_dict(e) for e in data.get("errors") or ()),
            built=False,
        )

    def text(self) -> str:
        """For people: ``leaf1: ok``, or ``leaf1: failed`` and one line per error."""
        state = self.status if self.built else f"{self.status} (up to date)"
        lines = [f"{self.name}: {state}"]
        for err in self.errors:
            where = "".join(f"\n      at {p}" for p in err.positions)
            lines.append(f"  {err.path}: {err.message}{where}")
        return "\n".join(lines)


@dataclass(frozen=True)
class BuildResult:
    """The outcome of :func:`netdata.build`: the selected devices and the repository's problems."""

    output: Path
    devices: dict[str, DeviceResult]
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems and all(d.ok for d in self.devices.values())

    @property
    def failed(self) -> list[str]:
        return [n for n, d in self.devices.items() if not d.ok]

    def raise_for_status(self) -> BuildResult:
        """Raise :class:`BuildError` naming the repository's problems and every failed
        device with its first error; returns self when everything built."""
        if self.ok:
            return self
        lines = [*self.problems]
        for name in self.failed:
            errors = self.devices[name].errors
            first = f": {errors[0].path}: {errors[0].message}" if errors else ""
            lines.append(f"{name} failed{first}")
        raise BuildError(f"build of {self.output} failed:\n  " + "\n  ".join(lines))

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "ok": self.ok,
            "problems": list(self.problems),
            "devices": {
                n: {**d.as_dict(), "built": d.built} for n, d in self.devices.items()
            },
        }
