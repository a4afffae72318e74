"""`netdata inventory fetch` and `netdata inventory default-query`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netdata._exceptions import UsageError
from netdata.cli._common import EXIT_OK, add_command, console
from netdata.inventory import (
    DEFAULT_QUERY,
    NETBOX_DEFAULT_QUERY,
    Filters,
    fetch_inventory,
    hosts_document,
    open_source,
    write_host_files,
)
from netdata.inventory._http import limits_problem
from netdata.inventory._output import dumps

_SOURCES = ["nautobot-graphql", "nautobot-rest", "netbox", "netbox-graphql", "file"]
_DEFAULT_QUERIES = {"nautobot-graphql": DEFAULT_QUERY, "netbox-graphql": NETBOX_DEFAULT_QUERY}


class _RefuseSecret(argparse.Action):
    """``--token VALUE`` is refused without echoing VALUE (argv is visible to every user)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.error(
            "secrets are not accepted on the command line: set NETDATA_NAUTOBOT_TOKEN / "
            "NETDATA_NETBOX_TOKEN or use --token-file"
        )


def register(subparsers: Any) -> None:
    """Add the ``inventory`` command."""
    parser = add_command(
        subparsers,
        "inventory",
        help="read devices from the source of truth as host variables",
        examples=[
            "netdata inventory fetch --source file --file inventory/lab.yaml -o host_vars",
            "netdata inventory default-query",
        ],
        output=False,
    )
    commands = parser.add_subparsers(dest="inventory_command", metavar="ACTION", required=True)

    fetch = add_command(
        commands,
        "fetch",
        allow_abbrev=False,
        help="fetch host variables (one file per device, or one JSON document on stdout)",
        examples=[
            "NETDATA_NAUTOBOT_TOKEN=... netdata inventory fetch --url https://nautobot.lab "
            "--role leaf -o host_vars",
            "netdata inventory fetch --source file --file inventory/lab.yaml --json",
        ],
        description=(
            "Credentials come from NETDATA_NAUTOBOT_TOKEN / NETDATA_NETBOX_TOKEN or "
            "--token-file, never from the command line; the URL from --url or "
            "NETDATA_NAUTOBOT_URL / NETDATA_NETBOX_URL."
        ),
    )
    fetch.add_argument(
        "--token", "--password", nargs="?", action=_RefuseSecret, help=argparse.SUPPRESS
    )
    fetch.add_argument("--source", choices=_SOURCES, default="nautobot-graphql")
    fetch.add_argument("--url", help="base URL of the server (https://nautobot.example.com)")
    fetch.add_argument("--file", type=Path, help="YAML/JSON inventory file (--source file)")
    fetch.add_argument("--token-file", type=Path, help="file holding the API token")
    fetch.add_argument("--query", type=Path, help="GraphQL query file (the -graphql sources)")
    fetch.add_argument("--ca-bundle", help="PEM file of CAs to trust instead of the system's")
    fetch.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    fetch.add_argument("--retries", type=int, default=3)
    fetch.add_argument("--page-size", type=int, default=500)
    fetch.add_argument("--concurrency", type=int, default=4, help="REST pages in parallel")
    for flag, help_ in (
        ("role", "device role"),
        ("location", "location (NetBox: site slug)"),
        ("tag", "tag"),
        ("name", "device name"),
    ):
        fetch.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar=flag.upper(),
            help=f"only devices with this {help_} (repeatable)",
        )
    out = fetch.add_mutually_exclusive_group()
    out.add_argument("-o", "--output-dir", type=Path, help="write one file per device here")
    out.add_argument(
        "--stdout", action="store_true", help="print one {hosts: {...}} JSON document (the default)"
    )
    fetch.add_argument(
        "--format", choices=["yaml", "json"], default="yaml", help="file format with --output-dir"
    )
    fetch.add_argument(
        "--prune", action="store_true", help="remove other *.FORMAT files from --output-dir"
    )
    fetch.set_defaults(func=_fetch)

    query = add_command(
        commands,
        "default-query",
        help="print a GraphQL source's default query",
        examples=["netdata inventory default-query --source netbox-graphql > query.graphql"],
    )
    query.add_argument("--source", choices=list(_DEFAULT_QUERIES), default="nautobot-graphql")
    query.set_defaults(func=_default_query)


def _fetch(args: argparse.Namespace) -> int:
    problem = limits_problem(args.timeout, args.retries)
    if problem:
        raise UsageError(f"--timeout/--retries: {problem}")
    source = open_source(
        args.source,
        url=args.url,
        path=args.file,
        token_file=args.token_file,
        query=args.query,
        ca_bundle=args.ca_bundle,
        insecure=args.insecure,
        timeout=args.timeout,
        retries=args.retries,
        page_size=args.page_size,
        concurrency=args.concurrency,
    )
    filters = Filters(
        roles=tuple(args.role),
        locations=tuple(args.location),
        tags=tuple(args.tag),
        names=tuple(args.name),
    )
    out = console(args)
    with out.progress("fetching the inventory"):
        hosts = fetch_inventory(source, filters)
    written = []
    if args.output_dir is not None:
        written = write_host_files(hosts, args.output_dir, args.format, prune=args.prune)
        out.info(f"wrote {len(written)} host files to {args.output_dir}")
    if args.json:
        out.json({**hosts_document(hosts), "files": [str(p) for p in written]})
    elif args.output_dir is None:
        out.stdout.write(dumps(hosts_document(hosts), "json"))
    return EXIT_OK


def _default_query(args: argparse.Namespace) -> int:
    out = console(args)
    query = _DEFAULT_QUERIES[args.source]
    if args.json:
        out.json({"query": query})
    else:
        out.stdout.write(query)
    return EXIT_OK
