"""Golden files: output that must stay byte-identical. SITEGEN_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, data: bytes) -> None:
    golden = GOLDEN / name
    if os.environ.get("SITEGEN_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(data)
    assert golden.is_file(), f"missing golden {golden}; run with SITEGEN_UPDATE_GOLDEN=1"
    assert data == golden.read_bytes(), f"{name} differs from its golden file"
