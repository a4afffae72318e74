"""`netdata sim`: serve simulated gNMI devices until interrupted."""

from __future__ import annotations

import argparse
import json
import math
import os
import threading
from pathlib import Path
from typing import Any

from netdata._documents import read_data
from netdata._exceptions import DocumentError, UsageError
from netdata.cli._common import EXIT_OK, add_command, console, models_option

PASSWORD_ENV = "NETDATA_SIM_PASSWORD"
USERNAME_ENV = "NETDATA_SIM_USERNAME"


def register(subparsers: Any) -> None:
    """Add the ``sim`` command."""
    parser = add_command(
        subparsers,
        "sim",
        help="serve simulated OpenConfig devices over gNMI",
        examples=[
            "netdata sim --devices 4 --base-port 50051",
            "netdata sim --startup-dir build --json",
        ],
        description=(
            "Serve simulated OpenConfig devices over gNMI until interrupted. Each device "
            "listens on its own port; --gateway-port also serves all of them on one port, "
            "selected by the gNMI prefix target. Prints one line per device: name host:port, "
            "then 'ready' (with --json: one JSON line when ready)."
        ),
    )
    names = parser.add_mutually_exclusive_group()
    names.add_argument(
        "--devices", type=int, help="number of devices (default: one per startup file, else 1)"
    )
    names.add_argument(
        "--device", action="append", metavar="NAME", help="a device of this name (repeatable)"
    )
    names.add_argument(
        "--devices-from",
        metavar="BUILD_DIR",
        help="one device (started empty) per device of a build output folder's build.json",
    )
    parser.add_argument(
        "--write-targets",
        metavar="FILE",
        help="write a push targets file for the served devices (address, port, TLS, "
        "commit-confirmed)",
    )
    parser.add_argument(
        "--base-port", type=int, default=0, help="device i listens on BASE+i (default: free ports)"
    )
    parser.add_argument(
        "--gateway-port", type=int, help="also serve every device on this port, by target"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--startup-dir", help="directory of <device>.json RFC 7951 startup configurations"
    )
    models_option(parser)
    parser.add_argument(
        "--username", help=f"require this username; the password comes from ${PASSWORD_ENV}"
    )
    parser.add_argument(
        "--tls-dir",
        help="serve TLS with cert.pem/key.pem from this directory (generated if missing)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every RPC")
    parser.add_argument(
        "--refuse-config-gets",
        action="store_true",
        help="answer a Get of datatype CONFIG with UNIMPLEMENTED (a target serving ALL only)",
    )
    parser.add_argument(
        "--max-message-mb",
        type=int,
        default=256,
        help="largest gRPC message a device takes or sends, in MiB (default 256)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netdata.sim._fleet import SimFleet  # the sim extra is needed only for this command

    password = os.environ.get(PASSWORD_ENV)
    if args.username and not password:
        raise UsageError(f"--username needs the password in ${PASSWORD_ENV}")
    if not 1 <= args.max_message_mb <= 2047:  # gRPC lengths are 32-bit signed
        raise UsageError("--max-message-mb must be 1-2047")
    if not (args.latency >= 0 and math.isfinite(args.latency)):
        raise UsageError("--latency must be 0 or more seconds")
    if args.models and len(args.models) > 1:
        raise UsageError("sim takes one --models folder (its libyang context is one folder)")
    fleet = SimFleet(
        args.devices or args.device or _build_devices(args.devices_from),
        models=args.models[0] if args.models else None,
        startup=args.startup_dir,
        host=args.host,
        base_port=args.base_port,
        gateway_port=args.gateway_port,
        username=args.username,
        password=password if args.username else None,
        tls=args.tls_dir is not None,
        tls_dir=args.tls_dir,
        max_message_bytes=args.max_message_mb * 2**20,
    )
    out = console(args)
    with fleet:
        for device in fleet:
            device.set_latency(args.latency)
            if args.refuse_config_gets:
                device.refuse_config_gets()
        gateway = fleet.gateway_address
        tls_cert = str(fleet.tls_files.cert) if fleet.tls_files is not None else None
        if args.write_targets:
            fleet.write_targets(
                args.write_targets, (USERNAME_ENV, PASSWORD_ENV) if args.username else None
            )
        if args.json:
            devices = [{"name": d.name, "host": d.host, "port": d.port} for d in fleet]
            out.stdout.write(
                json.dumps(
                    {
                        "devices": devices,
                        "gateway": {"host": gateway[0], "port": gateway[1]} if gateway else None,
                        "tls_cert": tls_cert,
                        "targets": args.write_targets,
                    }
                )
                + "\n"
            )
            out.stdout.flush()
        else:
            for device in fleet:
                out.out(f"{device.name} {device.host}:{device.port}")
            if gateway is not None:
                out.out(f"gateway {gateway[0]}:{gateway[1]}")
            if tls_cert is not None:
                out.out(f"tls-cert {tls_cert}")
            if args.write_targets:
                out.out(f"targets {args.write_targets}")
            out.out("ready")
        threading.Event().wait()  # until KeyboardInterrupt
    return EXIT_OK


def _build_devices(build_dir: str | None) -> list[str] | None:
    """The device names of a build output folder's ``build.json``."""
    if build_dir is None:
        return None
    index = Path(build_dir) / "build.json"
    manifest = read_data(index)
    devices = manifest.get("devices") if isinstance(manifest, dict) else None
    if not isinstance(devices, dict) or not devices:
        raise DocumentError(f"{index}: no devices")
    return sorted(devices)
