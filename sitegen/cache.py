"""The persistent build cache, `.sitegen-cache/build.sqlite`: content hashes, rendered fragments.

- `bodies`: an article's sanitised body HTML keyed by the hash of its Markdown and of the code that
  renders it, so an unchanged article is never converted twice.
- `files`: the content hash of each input file, reused while its size, mtime and inode are the same.
- `outputs`, `spare_outputs`: the hash of every file of the published site and of the spare
  folder the next site is patched into (`sitegen.publish`), so a rebuild writes only the files
  whose bytes changed.
- `units`: for each rendering unit of the published site (a page, a list page, a feed pair…), the
  hash of its declared inputs and the files it made, so a rebuild links an unchanged unit's files
  from the published site instead of rendering it again.
- `memo`: values worked out from one input and reused while it is unchanged, as bytes by a key
  that hashes that input and the version of the code: each article's parsed front matter and body
  (keyed by its file's hash) and its story-detection features (keyed by its text).
- `state`: the digest of all inputs of the last published build and the identity of its output
  folder; when both match, a rebuild has nothing to do.

The cache only ever speeds a build up: a missing, stale or corrupt cache gives the same site.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sitegen

CACHE_FILE = "build.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, hash TEXT)",
    "CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS spare_outputs (path TEXT PRIMARY KEY, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS units (name TEXT PRIMARY KEY, key TEXT NOT NULL, files TEXT)",
    "CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
)
_POOL_MINIMUM = 64  # below this many conversions a process pool costs more than it saves
_CHUNK = 100
_RACY_NS = 3_000_000_000  # files younger than this are always hashed


def digest(*parts: bytes | str) -> str:
    """One sha256 over several parts, each length-prefixed so boundaries cannot shift."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def _renderer_id() -> str:
    """Everything a body's HTML depends on besides its Markdown: the code that converts it."""
    versions = (f"{name} {importlib.metadata.version(name)}" for name in ("markdown", "nh3"))
    return "|".join((f"sitegen {sitegen.__version__}", *versions))


def body_key(markdown_text: str) -> str:
    return digest(_renderer_id(), markdown_text)


def _stamp(stat: os.stat_result) -> str:
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


class Conversion:
    """Markdown bodies being converted: over a process pool that starts at once when there
    are many, so the caller can do other work meanwhile; `result` waits for them, in order."""

    def __init__(self, texts: list[str], workers: int):
        self._texts = texts
        self._pool: ProcessPoolExecutor | None = None
        self._chunks: Iterator[list[str]] | None = None
        if workers >= 2 and len(texts) >= _POOL_MINIMUM:
            chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
            self._pool = ProcessPoolExecutor(max_workers=workers)
            self._chunks = self._pool.map(_render_chunk, chunks)

    def result(self) -> list[str]:
        if self._pool is None or self._chunks is None:
            return _render_chunk(self._texts)
        with self._pool:
            return [html for chunk in self._chunks for html in chunk]


def _render_chunk(texts: list[str]) -> list[str]:
    from sitegen.render.markdown import MarkdownRenderer  # imported only when there is work

    renderer = MarkdownRenderer()  # one instance per chunk: building one is the slow part
    return [renderer.render(text) for text in texts]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class BuildCache:
    """An open cache database; use as a context manager. Writes commit on a clean exit."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self._db = self._open()
        self._known: dict[str, tuple[str, str]] | None = None  # the `files` table, once read

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError:  # a corrupt file is only a lost cache
            self.path.unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            db.execute(statement)
        return db

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if kind is None:
            self._db.commit()
        self._db.close()

    # --- rendered bodies -----------------------------------------------------------------------

    def bodies(self, texts: Mapping[str, str], workers: int) -> dict[str, str]:
        """Body HTML for each name's Markdown: from the cache, the rest converted and stored."""
        return self.start_bodies(texts, workers).result()

    def start_bodies(self, texts: Mapping[str, str], workers: int) -> PendingBodies:
        """`bodies`, with the conversion of the missing ones started and not yet waited for."""
        return PendingBodies(self._db, texts, workers)

    # --- values derived from one input --------------------------------------------------------

    def blobs(self, keys: set[str]) -> dict[str, bytes]:
        """The stored value of each key that has one."""
        return dict(_lookup(self._db, "memo", "value", keys))

    def store_blobs(self, items: Mapping[str, bytes]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)", items.items())
        self._db.commit()  # short transactions: a concurrent build only waits briefly

    # --- input hashes --------------------------------------------------------------------------

    def file_hashes(self, paths: Iterable[Path], changed: set[Path] | None) -> dict[Path, str]:
        """Content hash of each file; an unchanged stat (not in `changed`) reuses the stored one.

        The stored hashes are read from the database once per open cache (once per build).
        """
        if self._known is None:
            rows = self._db.execute("SELECT * FROM files")
            self._known = {row[0]: (row[1], row[2]) for row in rows}
        known = self._known
        forced = {os.path.abspath(path) for path in changed} if changed else set()
        hashes: dict[Path, str] = {}
        updates: list[tuple[str, str, str]] = []
        recent = time.time_ns() - _RACY_NS
        for path in paths:
            name = os.path.abspath(path)
            stat = path.stat()
            stamp = _stamp(stat)
            old = known.get(name)
            # A file written moments ago may change again within the clock's granularity with
            # the same size: its stamp proves nothing, so it is hashed again (as Git does).
            trusted = stat.st_mtime_ns < recent and name not in forced
            if old is not None and old[0] == stamp and trusted:
                hashes[path] = old[1]
                continue
            hashes[path] = digest(path.read_bytes())
            known[name] = (stamp, hashes[path])
            updates.append((name, stamp, hashes[path]))
        self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", updates)
        self._db.commit()  # short transactions: a concurrent build only waits briefly
        return hashes

    # --- the last published site ---------------------------------------------------------------

    def state(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set_state(self, name: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (name, value))
        self._db.commit()  # short transactions: a concurrent build only waits briefly

    def manifest(self, folder: str) -> dict[str, str]:
        """The files (path -> hash) of the `live` (published) or the `spare` folder."""
        return dict(self._db.execute(f"SELECT path, hash FROM {_MANIFESTS[folder]}"))

    def replace_manifest(self, folder: str, hashes: Mapping[str, str]) -> None:
        table = _MANIFESTS[folder]
        self._db.execute(f"DELETE FROM {table}")
        self._db.executemany(f"INSERT INTO {table} VALUES (?, ?)", hashes.items())
        self._db.commit()

    def update_manifest(
        self, folder: str, changed: Mapping[str, str], removed: Iterable[str]
    ) -> None:
        table = _MANIFESTS[folder]
        self._db.executemany(f"DELETE FROM {table} WHERE path = ?", ((p,) for p in removed))
        self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", changed.items())
        self._db.commit()

    def swap_manifests(self) -> None:
        """The two folders were exchanged: so are their records."""
        self._db.commit()
        with self._db:  # one transaction: sqlite3 opens none by itself for ALTER TABLE
            self._db.execute("BEGIN")
            self._db.execute("ALTER TABLE outputs RENAME TO swapping")
            self._db.execute("ALTER TABLE spare_outputs RENAME TO outputs")
            self._db.execute("ALTER TABLE swapping RENAME TO spare_outputs")

    def update_units(
        self, units: Mapping[str, tuple[str, str]], known: Mapping[str, tuple[str, str]]
    ) -> None:
        """Record the published site's units (input key and files each) in place of `known`
        (`unit_keys()` as read earlier in this build); others are dropped."""
        gone = [(name,) for name in known if name not in units]
        fresh = [(n, k, f) for n, (k, f) in units.items() if known.get(n) != (k, f)]
        self._db.executemany("DELETE FROM units WHERE name = ?", gone)
        self._db.executemany("INSERT OR REPLACE INTO units VALUES (?, ?, ?)", fresh)
        self._db.commit()

    def unit_keys(self) -> dict[str, tuple[str, str]]:
        """Each published unit's input key and files (`kind path` lines)."""
        rows = self._db.execute("SELECT name, key, files FROM units")
        return {name: (key, files or "") for name, key, files in rows}


_MANIFESTS = {"live": "outputs", "spare": "spare_outputs"}


def folder_identity(folder: Path) -> str | None:
    """Who a published folder is: a swapped-in folder is a new inode."""
    try:
        stat = folder.stat()
    except OSError:
        return None
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_mtime_ns}"


class PendingBodies:
    """Body HTML by name: the cached ones looked up, the missing ones being converted."""

    def __init__(self, db: sqlite3.Connection, texts: Mapping[str, str], workers: int):
        self._db = db
        self._keys = {name: body_key(text) for name, text in texts.items()}
        self._found = dict(_lookup(db, "bodies", "html", set(self._keys.values())))
        todo = {key: texts[name] for name, key in self._keys.items() if key not in self._found}
        self._missing = sorted(todo.items())
        self._conversion = Conversion([text for _key, text in self._missing], workers)

    def result(self) -> dict[str, str]:
        """Wait for the conversions, store them, and give every name's HTML."""
        converted = self._conversion.result()
        fresh = {key: html for (key, _text), html in zip(self._missing, converted, strict=True)}
        self._db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", fresh.items())
        self._db.commit()  # short transactions: a concurrent build only waits briefly
        self._found.update(fresh)
        return {name: self._found[key] for name, key in self._keys.items()}


def _lookup(
    db: sqlite3.Connection, table: str, column: str, keys: set[str]
) -> Iterator[tuple[str, str]]:
    """The rows of `keys` in a key/value table, looked up 500 keys at a time."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        batch = ordered[start : start + 500]
        marks = ",".join("?" * len(batch))
        query = f"SELECT key, {column} FROM {table} WHERE key IN ({marks})"
        yield from db.execute(query, batch)
