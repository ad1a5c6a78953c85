"""Give memory the process has freed back to the system.

Story detection allocates many short-lived arrays and lists; once it is done, glibc keeps the
freed heap pages mapped, so the build's resident size stays at its high-water mark while it goes
on to render. `malloc_trim` hands them back. Elsewhere (no glibc) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():  # type: ignore[no-untyped-def] - a ctypes function or None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
