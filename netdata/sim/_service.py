"""The gNMI service of the simulator: Capabilities, Get and Set for one or many devices.

A service bound to a device (its own port) serves that device; a ``target``
in the request prefix must then be empty or the device's name. The gateway
service (one port for the whole fleet) picks the device by ``target``.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc

from netdata.sim._commit import commit_action
from netdata.sim._datastore import answer_get, apply_set
from netdata.sim._errors import GnmiError, status_error
from netdata.sim._schema import Schema

if TYPE_CHECKING:
    from netdata.sim._device import SimDevice

GNMI_VERSION = "0.8.0"


class GnmiService(gnmi_pb2_grpc.gNMIServicer):  # type: ignore[misc]
    """gNMI for ``device``, or for the device a request's target names (``device`` None)."""

    def __init__(
        self,
        schema: Schema,
        devices: Mapping[str, SimDevice],
        device: SimDevice | None,
        credentials: tuple[str, str] | None,
        capabilities: Any,
    ) -> None:
        self._schema = schema
        self._devices = devices
        self._device = device
        self._credentials = credentials
        self._capabilities = capabilities

    async def Capabilities(self, request: Any, context: Any) -> Any:
        # CapabilityRequest has no target: the gateway answers for the fleet,
        # whose devices all share one schema.
        if self._device is None:
            try:
                self._authenticate(context)
            except Exception as exc:
                error = status_error(exc)
                await context.abort(error.code, error.message)
            return self._capabilities
        return await self._serve(context, None, lambda _dev: self._capabilities)

    async def Get(self, request: Any, context: Any) -> Any:
        def get(dev: SimDevice) -> Any:
            dev.faults.check_get(request.type == gnmi_pb2.GetRequest.DataType.CONFIG)
            return answer_get(self._schema, dev.running, request)

        return await self._serve(context, _target(request), get)

    async def Set(self, request: Any, context: Any) -> Any:
        def set_(dev: SimDevice) -> Any:
            dev.faults.raise_rejection()
            action = commit_action(request)
            if action is not None and action.action != "commit":
                if request.delete or request.replace or request.update:
                    raise GnmiError(
                        grpc.StatusCode.INVALID_ARGUMENT,
                        f"commit {action.action} carries no changes",
                    )
                dev.settle_commit(action)
                return gnmi_pb2.SetResponse(timestamp=time.time_ns())
            dev.check_commit(action)
            new, response = apply_set(self._schema, dev.running, request)
            if dev.faults.take_drop():
                return _DROP
            dev.commit(dev.faults.held_after_set(dev.running, new), action)
            return _DROP if dev.faults.after_commit() else response

        response = await self._serve(context, _target(request), set_)
        if response is _DROP:
            await self._drop(context)
        return response

    async def _serve(
        self, context: Any, target: str | None, work: Callable[[SimDevice], Any]
    ) -> Any:
        try:
            self._authenticate(context)
            dev = self._select(target)
            if dev.faults.latency:
                await asyncio.sleep(dev.faults.latency)
            if dev.faults.refusing:  # only reached through the gateway
                raise GnmiError(grpc.StatusCode.UNAVAILABLE, f"device {dev.name} is unreachable")
            return work(dev)
        except Exception as exc:  # every failure becomes a status: never UNKNOWN
            error = status_error(exc)
            await context.abort(error.code, error.message)

    async def _drop(self, context: Any) -> None:
        """Drop the connection of the device in the middle of a Set (nothing committed)."""
        if self._device is not None:
            self._device.drop_connections()
            await asyncio.sleep(3600)  # cancelled when the server stops
        await context.abort(grpc.StatusCode.UNAVAILABLE, "connection dropped during Set")

    def _select(self, target: str | None) -> SimDevice:
        if self._device is not None:
            if target and target != self._device.name:
                raise GnmiError(
                    grpc.StatusCode.NOT_FOUND,
                    f"target {target!r} is not this device ({self._device.name})",
                )
            return self._device
        if not target:
            raise GnmiError(
                grpc.StatusCode.INVALID_ARGUMENT,
                "this port serves many devices: name one in the prefix target",
            )
        dev = self._devices.get(target)
        if dev is None:
            raise GnmiError(grpc.StatusCode.NOT_FOUND, f"unknown target {target!r}")
        return dev

    def _authenticate(self, context: Any) -> None:
        if self._credentials is None:
            return
        metadata = dict(context.invocation_metadata() or ())
        user, password = self._credentials
        ok = hmac.compare_digest(
            str(metadata.get("username", "")).encode(), user.encode()
        ) & hmac.compare_digest(str(metadata.get("password", "")).encode(), password.encode())
        if not ok:
            raise GnmiError(grpc.StatusCode.UNAUTHENTICATED, "bad username or password")


def capability_response(schema: Schema) -> Any:
    """The CapabilityResponse every simulated device sends (models of the shared schema)."""
    return gnmi_pb2.CapabilityResponse(
        supported_models=[
            gnmi_pb2.ModelData(name=m.name, organization=m.organization, version=m.version)
            for m in schema.models()
        ],
        supported_encodings=[gnmi_pb2.Encoding.JSON, gnmi_pb2.Encoding.JSON_IETF],
        gNMI_version=GNMI_VERSION,
    )


_DROP = object()


def _target(request: Any) -> str | None:
    return request.prefix.target if request.HasField("prefix") else None
