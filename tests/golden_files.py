"""Golden files: a command's output compared byte for byte with a file kept in tests/data.

After an intended change, regenerate them and review the diff before committing:

    SAHEL_TIMELINE_REGENERATE_GOLDEN=1 python -m pytest tests/test_export_golden.py \
        tests/test_views_golden.py

A regenerating run writes each file and reports the test as skipped ("regenerated"): it
never passes, since it compared nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REGENERATE_VARIABLE = "SAHEL_TIMELINE_REGENERATE_GOLDEN"
# Read at import, before the tests' own environment (conftest.py) clears SAHEL_TIMELINE_*.
REGENERATING = os.environ.get(REGENERATE_VARIABLE) == "1"


@dataclass(frozen=True)
class GoldenFiles:
    regenerate: bool = REGENERATING

    def check(self, golden: Path, output: bytes) -> None:
        """Fail unless `output` is the golden file's content; when regenerating, write it
        and skip, saying whether it changed."""
        if self.regenerate:
            before = golden.read_bytes() if golden.is_file() else None
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(output)
            change = "unchanged" if before == output else "changed: review the diff"
            pytest.skip(f"{golden.name} regenerated ({change}); nothing was compared")
        assert golden.is_file(), (
            f"{golden.name} is missing: run with {REGENERATE_VARIABLE}=1 to write it"
        )
        assert output == golden.read_bytes(), f"the output differs from {golden.name}"
