"""API tokens come from an environment variable or a token file, never from the command line."""

from __future__ import annotations

import os
from pathlib import Path

from netdata._exceptions import InventoryError
from netdata.inventory._http import usable_token


def load_token(env_var: str, token_file: str | Path | None = None) -> str | None:
    """The token from ``token_file`` when given, else from ``env_var``; None when neither is set.

    The file holds the token alone (surrounding whitespace is ignored).  Error
    messages name the file or variable, never the token.
    """
    if token_file is not None:
        path = Path(token_file)
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InventoryError(
                f"cannot read the token file {path}: {reason}", path=str(path)
            ) from None
        if not token:
            raise InventoryError(f"the token file {path} is empty", path=str(path))
        return usable_token(token, f"the token in {path}")
    token = os.environ.get(env_var, "").strip()
    return usable_token(token, f"the token in {env_var}") if token else None
