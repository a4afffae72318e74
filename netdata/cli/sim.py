"""`netdata sim`: serve simulated gNMI devices until interrupted."""

from __future__ import annotations

import argparse
import os
import threading
from typing import Any

from netdata._exceptions import UsageError
from netdata.cli._common import EXIT_OK, models_option

PASSWORD_ENV = "NETDATA_SIM_PASSWORD"


def register(subparsers: Any) -> None:
    """Add the ``sim`` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sim",
        help="serve simulated OpenConfig devices over gNMI",
        description=(
            "Serve simulated OpenConfig devices over gNMI until interrupted. Each device "
            "listens on its own port; --gateway-port also serves all of them on one port, "
            "selected by the gNMI prefix target. Prints one line per device: name host:port."
        ),
    )
    parser.add_argument(
        "--devices", type=int, help="number of devices (default: one per startup file, else 1)"
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
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netdata.sim._fleet import SimFleet  # the sim extra is needed only for this command

    password = os.environ.get(PASSWORD_ENV)
    if args.username and not password:
        raise UsageError(f"--username needs the password in ${PASSWORD_ENV}")
    fleet = SimFleet(
        args.devices,
        models=args.models,
        startup=args.startup_dir,
        host=args.host,
        base_port=args.base_port,
        gateway_port=args.gateway_port,
        username=args.username,
        password=password if args.username else None,
        tls=args.tls_dir is not None,
        tls_dir=args.tls_dir,
    )
    with fleet:
        for device in fleet:
            device.set_latency(args.latency)
            print(f"{device.name} {device.host}:{device.port}")
        if fleet.gateway_address is not None:
            host, port = fleet.gateway_address
            print(f"gateway {host}:{port}")
        if fleet.tls_files is not None:
            print(f"tls-cert {fleet.tls_files.cert}")
        print("ready", flush=True)
        threading.Event().wait()  # until KeyboardInterrupt
    return EXIT_OK
