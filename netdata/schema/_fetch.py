"""``netdata models fetch``: get the pinned OpenConfig models into the cache.

From the internet (the tag's archive, stdlib urllib + tarfile) or from a local
copy of the same tag (``--from DIR``, for machines without internet).
"""

from __future__ import annotations

import contextlib
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from netdata._exceptions import SetupError
from netdata.schema._manifest import Manifest, fetched_models_dir

TIMEOUT = 60.0


def archive_url(manifest: Manifest) -> str:
    """The GitHub tarball URL of the pinned tag."""
    return f"{manifest.repository.rstrip('/')}/archive/refs/tags/{manifest.tag}.tar.gz"


def fetch_models(manifest: Manifest, dest: Path | None = None, url: str | None = None) -> Path:
    """Download the tag and unpack the manifest's model folders into ``dest``.

    ``dest`` defaults to ``${XDG_CACHE_HOME:-~/.cache}/netdata/models/<tag>``;
    nothing is left there if the download or unpacking fails.
    """
    target = dest or fetched_models_dir(manifest)
    source = url or archive_url(manifest)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as tmp:
        archive = Path(tmp) / "models.tar.gz"
        try:
            with (
                urllib.request.urlopen(source, timeout=TIMEOUT) as response,
                archive.open("wb") as out,
            ):
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise SetupError(f"could not download {source}: {reason}") from None
        unpacked = Path(tmp) / "unpacked"
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(unpacked, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise SetupError(f"{source} is not a readable tar.gz archive: {exc}") from None
        tops = [p for p in unpacked.iterdir() if p.is_dir()]
        if len(tops) != 1:
            raise SetupError(f"{source}: unexpected archive layout")
        return install_models(manifest, tops[0], target, source_name=source)


def install_models(
    manifest: Manifest, source: Path, dest: Path | None = None, *, source_name: str | None = None
) -> Path:
    """Copy the manifest's model folders from a checkout of the tag at ``source``.

    ``dest`` defaults to the cache folder that :func:`find_models` falls back to;
    an existing copy there is replaced only once the new one is complete.
    """
    target = dest or fetched_models_dir(manifest)
    shown = source_name or str(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".install-") as tmp:
        staged = Path(tmp) / "models"
        for folder in manifest.paths:
            found = source / folder
            if not found.is_dir():
                raise SetupError(f"{shown}: has no folder {folder!r} of {manifest.repository}")
            shutil.copytree(found, staged / folder)
        _replace(target, staged, Path(tmp) / "replaced")
    return target


def _replace(target: Path, staged: Path, aside: Path) -> None:
    """Put the complete folder ``staged`` at ``target``, each step one rename.

    Installs may run at once (two ``scripts/setup.sh``): the old copy is moved
    aside (removed with the temporary folder), never deleted in place; when
    another install's copy lands first, that complete copy of the same manifest
    is kept.
    """
    with contextlib.suppress(FileNotFoundError):
        target.rename(aside)
    try:
        staged.rename(target)
    except OSError:
        if not target.is_dir():
            raise
