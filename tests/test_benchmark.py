"""The benchmark runs in the test suite at its smallest size, so that it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run_benchmark.py"
GENERATE = BENCH.with_name("generate_store.py")


def test_the_benchmark_completes_and_prints_its_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "200", "--runs", "1", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("sahel-timeline benchmark:")
    for scenario in ("bare yaml.load CSafeLoader", "bare json.load", "cold validate",
                     "cold validate: peak / file size", "(empty cache)", "warm",
                     "--now 2020-01-01", "curated: timeline",
                     "import-acled (new file)"):  # fmt: skip
        assert any(scenario in line for line in lines), scenario


def test_a_generated_store_is_valid_so_the_benchmark_times_a_clean_load(tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    subprocess.run([sys.executable, str(GENERATE), "300", str(store)], check=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "validate", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"300 incidents, 0 milestones, \d+ groups: valid", done.stdout + done.stderr)
