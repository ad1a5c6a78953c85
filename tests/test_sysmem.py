"""Freed heap memory goes back to the system (glibc's malloc_trim), as the build relies on."""

from __future__ import annotations

import sys

import pytest

from sitegen.sysmem import release_free_memory


def _resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS line")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, trims glibc")
def test_freed_scattered_memory_is_returned() -> None:
    blocks = [bytes([n % 251]) * 4000 for n in range(40_000)]  # ~160 MB on the heap
    kept = blocks[::64]  # a few survivors keep the heap from shrinking by itself
    del blocks
    before = _resident_kb()
    release_free_memory()
    after = _resident_kb()
    assert len(kept) == 625
    assert before - after > 80_000, (before, after)
