"""Publishing: patch the spare folder into the new site, then swap it with the output in one step.

A build keeps two folders on the same file system: the output (the published site) and a spare
(the site published before it, kept in the cache folder). The cache remembers which file hashes
each folder holds, so a build writes into the spare only the files whose bytes differ from what
the spare holds (linking them from the output when the output has them), deletes the files the
new site no longer has, and exchanges the two folders (`renameat2`): the output is never missing
nor half-written, and the old site becomes the next spare. An edit costs the files it changes,
not a copy of the whole site.

While the spare is being patched the cache marks it unknown, so a build killed half-way is
followed by one that starts the spare afresh (every file linked or written).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import BuildCache, folder_identity
from sitegen.fsswap import exchange

OLD = ".old-"
TEMP = ".tmp-"
SPARE_SUFFIX = ".spare"


@dataclass(frozen=True, slots=True)
class Folders:
    """The two folders of a build and the file hashes each holds (empty when not known)."""

    output: Path
    spare: Path
    published: Mapping[str, str]  # the output's files: path -> content hash
    present: Mapping[str, str]  # the spare's files
    known: bool  # whether `published` is known to be what the output holds


def spare_folder(cache_folder: Path, output: Path) -> Path:
    """Inside the cache when that is on the output's file system, else beside the output."""
    try:
        same = cache_folder.stat().st_dev == output.parent.stat().st_dev
    except OSError:
        same = False
    if same:
        return cache_folder / "spare" / output.name
    return output.with_name(output.name + SPARE_SUFFIX)


def _identity(folder: Path) -> str:
    return f"{folder}|{folder_identity(folder)}"


def is_published(cache: BuildCache, output: Path) -> bool:
    """Whether `output` is still the folder the cache's last publish left there."""
    return cache.state("output") == _identity(output)


def open_folders(cache: BuildCache, output: Path, spare: Path) -> Folders:
    """The output and a spare ready to be patched; a spare the cache cannot vouch for is emptied."""
    output.parent.mkdir(parents=True, exist_ok=True)
    live = is_published(cache, output)
    published = cache.manifest("live") if live else {}
    known = spare.is_dir() and cache.state("spare") == _identity(spare)
    present = cache.manifest("spare") if known else {}
    cache.set_state("spare", "")  # unknown until the patch is complete
    if not known:
        _remove(spare)
        spare.mkdir(parents=True)
        spare.chmod(0o755)  # readable like any published site
        cache.replace_manifest("spare", {})
    return Folders(output, spare, published, present, live)


def finish(
    cache: BuildCache,
    folders: Folders,
    manifest: Mapping[str, str],
    units: Mapping[str, tuple[str, str]],
    recorded: Mapping[str, tuple[str, str]],
    *,
    publish: bool,
) -> None:
    """Delete the spare's files the new site lacks, record it, and swap it in when `publish`.

    `manifest` is every file of the new site (path -> hash), `units` each rendering unit's input
    key and files, recorded for the published site in place of `recorded` (the cache's rows).
    """
    stale = [path for path in folders.present if path not in manifest]
    _delete(folders.spare, stale)
    changed = {p: h for p, h in manifest.items() if folders.present.get(p) != h}
    cache.update_manifest("spare", changed, stale)
    if not publish:
        cache.set_state("spare", _identity(folders.spare))
        return
    output, spare = folders.output, folders.spare
    # Unknown until the exchange is recorded: a build killed in between must not leave a record
    # that vouches for the folder now in place (the next build would trust or even skip it).
    cache.set_state("output", "")
    if output.is_dir() and not output.is_symlink() and exchange(spare, output):
        cache.swap_manifests()  # the old site is now the spare
        if folders.known:
            cache.set_state("spare", _identity(spare))
    else:
        _replace(spare, output)
        cache.swap_manifests()
    cache.update_units(units, recorded)
    cache.set_state("output", _identity(output))  # last: what vouches for all of the above


def _delete(folder: Path, paths: Iterable[str]) -> None:
    """Delete files, then the folders they leave empty."""
    parents: set[Path] = set()
    for path in paths:
        target = folder / path
        target.unlink(missing_ok=True)
        parents.update(p for p in target.parents if p != folder and p.is_relative_to(folder))
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: other files still live there
            parent.rmdir()


def _replace(new: Path, output: Path) -> None:
    """Where folders cannot be exchanged: old aside, new in, old deleted (`recover` repairs)."""
    old = output.with_name(f"{output.name}{OLD}{os.getpid()}-publish")
    if output.exists() or output.is_symlink():
        output.rename(old)
    try:
        new.rename(output)
    except OSError:
        if old.exists() and not output.exists():
            old.rename(output)
        raise
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def recover(output: Path) -> None:
    """Tidy up after builds that were killed: their process is gone, their folders remain.

    A build killed between the two renames of `_replace` leaves no output but the previous site
    set aside; that site is put back. Unfinished temporary folders are deleted.
    """
    if not output.parent.is_dir():
        return
    for marker in (OLD, TEMP):
        for path in sorted(output.parent.glob(f"{output.name}{marker}*")):
            pid = path.name[len(output.name) + len(marker) :].split("-", 1)[0]
            if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
                continue
            if marker == OLD and not output.exists():
                path.rename(output)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
