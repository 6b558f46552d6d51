"""The golden-file check itself: a regenerating run can never pass as if it had compared."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from golden_files import REGENERATE_VARIABLE, GoldenFiles

TESTS = Path(__file__).resolve().parent


def test_matching_output_passes(tmp_path: Path) -> None:
    golden = tmp_path / "view.txt"
    golden.write_bytes(b"same\n")
    GoldenFiles(regenerate=False).check(golden, b"same\n")


def test_different_output_fails_naming_the_file(tmp_path: Path) -> None:
    golden = tmp_path / "view.txt"
    golden.write_bytes(b"old\n")
    with pytest.raises(AssertionError, match=re.escape("differs from view.txt")):
        GoldenFiles(regenerate=False).check(golden, b"new\n")


def test_a_missing_golden_file_fails_saying_how_to_write_it(tmp_path: Path) -> None:
    with pytest.raises(
        AssertionError, match=f"view.txt is missing: run with {REGENERATE_VARIABLE}"
    ):
        GoldenFiles(regenerate=False).check(tmp_path / "view.txt", b"new\n")


@pytest.mark.parametrize(("before", "change"), [(b"old\n", "changed"), (b"new\n", "unchanged")])
def test_regenerating_writes_the_file_and_reports_a_skip_not_a_pass(
    tmp_path: Path, before: bytes, change: str
) -> None:
    golden = tmp_path / "view.txt"
    golden.write_bytes(before)
    with pytest.raises(pytest.skip.Exception, match=re.escape(f"view.txt regenerated ({change}")):
        GoldenFiles(regenerate=True).check(golden, b"new\n")
    assert golden.read_bytes() == b"new\n"


def test_the_variable_turns_a_golden_test_run_into_skips(tmp_path: Path) -> None:
    # A copy of one golden test module, run by pytest with the variable set: its goldens
    # live in the copy's folder, so the repository's files are never rewritten.
    (tmp_path / "golden_files.py").write_bytes((TESTS / "golden_files.py").read_bytes())
    (tmp_path / "test_one_golden.py").write_text(
        "from pathlib import Path\n"
        "from golden_files import GoldenFiles\n\n"
        "def test_output():\n"
        "    GoldenFiles().check(Path(__file__).parent / 'out.txt', b'output\\n')\n",
        encoding="utf-8",
    )
    environment = {**os.environ, REGENERATE_VARIABLE: "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         str(tmp_path / "test_one_golden.py")],
        cwd=tmp_path, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "1 skipped" in run.stdout, run.stdout
    assert "passed" not in run.stdout
    assert "out.txt regenerated (changed: review the diff)" in run.stdout
    assert (tmp_path / "out.txt").read_bytes() == b"output\n"
