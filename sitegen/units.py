"""Writing a site's rendering units into the new site folder, in one process or over a pool.

A unit (`sitegen.render.pages.Unit`) is a page, a list page, a feed pair… with a key hashing its
declared inputs. Units are written into the spare folder (`sitegen.publish`), which already holds
an older site: a file whose bytes it already has is left alone, one the published site has is
hard-linked from there, and only the rest is written. When the published site holds a unit's
files made from the same key, the unit is not even rendered. The others are rendered here, or
over forked worker processes that share the renderer (its Jinja2 environment and article views
are built once, before the fork); each worker writes its files itself and reports their hashes,
and the results are put back in unit order, so the site is the same bytes however many processes
made it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import sitegen.errors
from sitegen.cache import digest
from sitegen.errors import SitegenError, StaleOutput
from sitegen.render.pages import Output, Unit

# One written file: (path inside the site, content hash, kind, whether its bytes were written).
Written = tuple[str, str, str, bool]
Files = tuple[tuple[str, str], ...]  # a reused unit's files: (kind, path)


@dataclass(frozen=True, slots=True)
class Target:
    """Where units are written, and the published site whose unchanged files may be linked."""

    folder: Path  # the spare folder being patched into the new site
    present: Mapping[str, str]  # what `folder` holds already: path -> content hash
    output: Path
    previous: Mapping[str, str]  # published path -> content hash


def reusable(
    unit: Unit, published: Mapping[str, tuple[str, str]], previous: Mapping[str, str]
) -> Files | None:
    """The published files of `unit` when they were made from the same inputs, else None."""
    if unit.key is None:
        return None
    found = published.get(unit.name)
    if found is None or found[0] != unit.key:
        return None
    files = tuple(_kind_path(line) for line in found[1].splitlines())
    if not files or not all(path in previous for _kind, path in files):
        return None
    return files


def _kind_path(line: str) -> tuple[str, str]:
    kind, _space, path = line.partition(" ")
    return kind, path


def describe(written: Sequence[Written]) -> str:
    """A unit's files as the cache stores them: one `kind path` line each."""
    return "\n".join(f"{kind} {path}" for path, _hash, kind, _wrote in written)


def write_units(
    units: Sequence[Unit], plans: Sequence[Files | None], target: Target, workers: int
) -> list[list[Written]]:
    """Each unit's written files, in unit order; over `workers` forked processes when > 1."""
    if workers < 2 or len(units) < 2:
        made: set[Path] = set()
        return [_emit(unit, plan, target, made) for unit, plan in zip(units, plans, strict=True)]
    return _over_pool(units, plans, target, workers)


def _over_pool(
    units: Sequence[Unit], plans: Sequence[Files | None], target: Target, workers: int
) -> list[list[Written]]:
    context = multiprocessing.get_context("fork")
    shares: list[tuple[Connection, multiprocessing.process.BaseProcess]] = []
    for share in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        args = (units, plans, target, share, workers, sender)
        process = context.Process(target=_share, args=args, daemon=True)
        process.start()
        sender.close()
        shares.append((receiver, process))
    results: list[list[Written] | None] = [None] * len(units)
    try:
        for receiver, _process in shares:
            _collect(receiver, results)
    finally:
        for receiver, process in shares:
            receiver.close()
            process.join()
    return [written if written is not None else [] for written in results]


def _collect(receiver: Connection, results: list[list[Written] | None]) -> None:
    try:
        message = receiver.recv()
    except EOFError:
        raise SitegenError("a rendering process died before it finished") from None
    if message[0] == "error":
        raise _error(*message[1:])
    for index, written in message[1]:
        results[index] = written


def _share(
    units: Sequence[Unit],
    plans: Sequence[Files | None],
    target: Target,
    share: int,
    workers: int,
    sender: Connection,
) -> None:
    """A worker: every `workers`-th unit from `share` on, written, reported in one message."""
    made: set[Path] = set()
    parent = os.getppid()
    try:
        done: list[tuple[int, list[Written]]] = []
        for index in range(share, len(units), workers):
            if os.getppid() != parent:  # the build was killed: stop writing into its folder
                os._exit(1)
            done.append((index, _emit(units[index], plans[index], target, made)))
    except BaseException as error:  # reported to the parent, which raises it there
        sender.send(("error", *_described(error)))
    else:
        sender.send(("done", done))
    finally:
        sender.close()


def _described(error: BaseException) -> tuple[str, str, str | None, int | None]:
    if isinstance(error, SitegenError):
        path = str(error.path) if error.path is not None else None
        return type(error).__name__, error.message, path, error.line
    return "", f"{type(error).__name__}: {error}", None, None


def _error(kind: str, message: str, path: str | None, line: int | None) -> Exception:
    cls = getattr(sitegen.errors, kind, None) if kind else None
    if isinstance(cls, type) and issubclass(cls, SitegenError):
        return cls(message, path, line)
    return RuntimeError(f"rendering failed: {message}")


def _emit(unit: Unit, plan: Files | None, target: Target, made: set[Path]) -> list[Written]:
    if plan is not None:
        return _link_all(plan, target, made)
    return [_write(item, target, made) for item in unit.render()]


def _link_all(files: Files, target: Target, made: set[Path]) -> list[Written]:
    """Link a reused unit's published files into the spare (where it lacks their bytes)."""
    done: list[Written] = []
    for kind, path in files:
        hashed = target.previous[path]
        done.append((path, hashed, kind, False))
        if target.present.get(path) == hashed:
            continue  # the spare has these bytes already
        parts = _parts(path)
        if not _link(target.output, parts, _destination(target.folder, parts, made)):
            raise StaleOutput(f"a published file is missing: {path}", target.output)
    return done


def _write(item: Output, target: Target, made: set[Path]) -> Written:
    """Write one rendered file, unless the spare has its bytes or the published site does."""
    hashed = digest(item.data)
    if target.present.get(item.path) == hashed:
        return item.path, hashed, item.kind, False
    parts = _parts(item.path)
    destination = _destination(target.folder, parts, made)
    if target.previous.get(item.path) == hashed and _link(target.output, parts, destination):
        return item.path, hashed, item.kind, False
    # Never write through an existing file: it may be a link into the published site.
    destination.unlink(missing_ok=True)
    destination.write_bytes(item.data)
    return item.path, hashed, item.kind, True


def _parts(path: str) -> list[str]:
    parts = path.split("/")
    # Paths come from validated slugs, but check anyway: nothing may land outside.
    if any(part in ("", ".", "..") or "\\" in part for part in parts):
        raise SitegenError(f"refusing to write outside the output folder: {path}")
    return parts


def _destination(folder: Path, parts: list[str], made: set[Path]) -> Path:
    destination = folder.joinpath(*parts)
    if destination.parent not in made:
        destination.parent.mkdir(parents=True, exist_ok=True)
        made.add(destination.parent)
    return destination


def _link(output: Path, parts: list[str], destination: Path) -> bool:
    try:
        destination.unlink(missing_ok=True)  # never write through a link into the published site
        destination.hardlink_to(output.joinpath(*parts))
    except OSError:
        return False
    return True
