"""``pyang -f cue``: a thin pyang output plugin over the netdata schema compiler.

Registered through the ``pyang.plugin`` entry point, so after installing
netdata ``pyang -f cue --cue-meta meta.json -p MODELS module.yang ...``
prints the ``#Root`` CUE definitions and writes the schema metadata.
"""

from __future__ import annotations

import json
import optparse
from typing import Any, TextIO

from pyang import error, plugin

from netdata.schema._compile import compile_schema
from netdata.schema._emit_cue import PACKAGE, emit_cue
from netdata.schema._ir import schema_to_json


class CuePlugin(plugin.PyangPlugin):  # type: ignore[misc]
    """Output format ``cue``: authoring-form CUE definitions (+ optional metadata)."""

    def add_output_format(self, fmts: dict[str, Any]) -> None:
        self.multiple_modules = True
        fmts["cue"] = self

    def add_opts(self, optparser: optparse.OptionParser) -> None:
        group = optparser.add_option_group("CUE output specific options")
        group.add_option(
            "--cue-package", dest="cue_package", default=PACKAGE, help="CUE package name"
        )
        group.add_option(
            "--cue-meta", dest="cue_meta", metavar="FILE", help="also write the schema metadata"
        )

    def emit(self, ctx: Any, modules: list[Any], fd: TextIO) -> None:
        for pos, tag, _args in ctx.errors:
            if error.is_error(error.err_level(tag)):
                raise error.EmitError(f"{pos}: the modules have errors; no CUE written")
        schema = compile_schema(ctx, modules)
        fd.write(emit_cue(schema, getattr(ctx.opts, "cue_package", None) or PACKAGE))
        meta = getattr(ctx.opts, "cue_meta", None)
        if meta:
            with open(meta, "w", encoding="utf-8") as out:
                json.dump(schema_to_json(schema), out)


def pyang_plugin_init() -> None:
    """Entry point called by pyang's plugin discovery."""
    plugin.register_plugin(CuePlugin())
