"""Benchmark of sahel-timeline on synthetic stores, against baselines measured in the same run.

    python bench/run_benchmark.py                     # sizes 1000, 10000, 100000; 3 runs each
    python bench/run_benchmark.py --sizes 1000 --runs 5
    python bench/run_benchmark.py --quick             # one size, fewer scenarios

Every scenario runs as a fresh process (as a user would run it), several times; the table
gives the median wall time, the peak memory (max RSS of the child) and the ratio to the
scenario's baseline:
- cold validate  vs a bare `yaml.load(..., Loader=yaml.CSafeLoader)` of the same file;
- warm export    (`export --format csv --country Mali --since 2018 --until 2018`, or the
  same filters on `timeline` when export is not available) vs a bare `json.load` of the
  same data as JSON;
- warm export html (the brief, with the same filters) vs the warm csv export above;
- one shard edited in a 100-file store vs the warm query (the target: warm + one file's
  cold time);
- `timeline` on the curated store vs `python -c "import typer, rich.console, yaml"`;
- warm `timeline` of every entry (the analyst's main view, piped) vs a warm `export --format
  json` of the same entries, at --timeline-sizes (5,000 and 100,000 by default); and the
  time to its first screen (40 lines read from the pipe), which should not grow with size;
- `import-acled` of 5,000 synthetic ACLED events into a new file, and the same import
  again (nothing changes), vs a bare `csv.reader` pass over the export;
- `yq` on the same file when it is installed (for scale only).
Scratch files go to a temporary folder (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPOSITORY))

from generate_acled import write as write_acled  # noqa: E402
from generate_store import generate  # noqa: E402

PYTHON = sys.executable
ACLED_EVENTS = 5000
FILTERS = ["--country", "Mali", "--since", "2018", "--until", "2018"]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"


# Runs a command and prints, on stderr, its wall time and the peak RSS (KiB on Linux) of
# that command alone: the wrapper's own start-up is in neither figure.
_PEAK_WRAPPER = (
    "import resource, subprocess, sys, time; "
    "start = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "elapsed = time.perf_counter() - start; "
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


# Runs a command and prints, on stderr, the time until it has written `SCREEN_LINES` lines
# (what a terminal shows first), then closes the pipe as a pager or `head` would.
SCREEN_LINES = 40
_FIRST_SCREEN_WRAPPER = (
    "import subprocess, sys, time; "
    "start = time.perf_counter(); "
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL); "
    f"[child.stdout.readline() for _ in range({SCREEN_LINES})]; "
    "elapsed = time.perf_counter() - start; "
    "child.stdout.close(); child.wait(); "
    "print(elapsed, 0, file=sys.stderr)"
)


def measure(
    command: list[str], env: dict[str, str], runs: int, wrapper: str = _PEAK_WRAPPER
) -> tuple[float, float]:
    """Median seconds and the largest peak RSS (MB) of `runs` runs of `command`."""
    times, peaks = [], []
    for _ in range(runs):
        done = subprocess.run(
            [PYTHON, "-c", wrapper, *command], env=env, capture_output=True, text=True
        )
        elapsed, peak = done.stderr.strip().splitlines()[-1].split()
        times.append(float(elapsed))
        peaks.append(int(peak) / 1024)
    return statistics.median(times), max(peaks)


def cli(*args: str) -> list[str]:
    return [PYTHON, "-m", "sahel_timeline", *args]


def export_available(env: dict[str, str]) -> bool:
    done = subprocess.run(cli("export", "--help"), env=env, capture_output=True)
    return done.returncode == 0


def as_json(store: Path, target: Path) -> None:
    import yaml

    data = yaml.load(store.read_bytes(), Loader=yaml.CSafeLoader)
    target.write_text(json.dumps(data, default=str), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sahel-timeline benchmark")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1000, 10000, 100000])  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeline-sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[5000, 100000])  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="smallest size, fewer scenarios")
    parser.add_argument("--out", type=Path, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    sizes = args.sizes[:1] if args.quick else args.sizes
    timeline_sizes = sizes if args.quick else args.timeline_sizes
    scratch = args.out or Path(tempfile.mkdtemp(prefix="sahel-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache"), "PYTHONPATH": str(REPOSITORY)}
    env.pop("SAHEL_TIMELINE_NO_CACHE", None)
    # An installed package is byte-compiled by pip; the source tree measured here must be
    # too, or every run would pay for compiling it and the start-up figures would be false.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPOSITORY / "sahel_timeline")], env=env)
    query = "export" if export_available(env) else "timeline"
    query_args = ["--format", "csv"] if query == "export" else []
    rows: list[tuple[str, float, float, str]] = []

    def row(name: str, command: list[str], baseline: tuple[float, float] | None = None,
            *, environ: dict[str, str] = env, wrapper: str = _PEAK_WRAPPER,
            ) -> tuple[float, float]:  # fmt: skip
        seconds, peak = measure(command, environ, args.runs, wrapper)
        ratio = f"{seconds / baseline[0]:.2f}x" if baseline else ""
        rows.append((name, seconds, peak, ratio))
        return seconds, peak

    for size in sizes:
        store = scratch / f"store-{size}.yaml"
        generate(size, store)
        data = scratch / f"store-{size}.json"
        as_json(store, data)
        load_yaml = f"import yaml; yaml.load(open({str(store)!r}, 'rb'), Loader=yaml.CSafeLoader)"
        yaml_base = row(f"{size}: bare yaml.load CSafeLoader", [PYTHON, "-c", load_yaml])
        json_base = row(
            f"{size}: bare json.load",
            [PYTHON, "-c", f"import json; json.load(open({str(data)!r}))"],
        )
        if shutil.which("yq") and not args.quick:
            row(f"{size}: yq . (for scale)", ["yq", ".", str(store)], yaml_base)
        no_cache = {**env, "SAHEL_TIMELINE_NO_CACHE": "1"}
        row(f"{size}: cold validate", cli("validate", str(store)), yaml_base, environ=no_cache)
        subprocess.run(cli("validate", str(store)), env=env, capture_output=True)  # warm up
        warm = row(
            f"{size}: warm {query} (filtered)",
            cli(query, "--store", str(store), *query_args, *FILTERS),
            json_base,
        )
        if query == "export":
            row(
                f"{size}: warm export html (filtered)",
                cli("export", "--store", str(store), "--format", "html", *FILTERS),
                warm,
            )
        if not args.quick:
            folder = scratch / f"shards-{size}"
            generate(size, folder, shards=100)
            command = cli(query, "--store", str(folder), *query_args, *FILTERS)
            subprocess.run(command, env=env, capture_output=True)  # warm up
            shard_warm = row(f"{size}: 100 shards, warm {query}", command, warm)
            edited = folder / "shard-0050.yaml"
            times = []
            for run in range(args.runs):
                edited.write_text(edited.read_text() + f"# edit {run} {time.time()}\n")
                times.append(measure(command, env, 1)[0])
            one = statistics.median(times)
            rows.append((f"{size}: 100 shards, one edited", one, 0.0,
                         f"{one / shard_warm[0]:.2f}x warm"))  # fmt: skip
    for size in timeline_sizes:
        store = scratch / f"store-{size}.yaml"
        if not store.exists():
            generate(size, store)
        subprocess.run(cli("validate", str(store)), env=env, capture_output=True)  # warm up
        everything = ["--store", str(store)]
        export_json = row(f"{size}: warm export json (all)", cli("export", "--format", "json",
                                                                 *everything))  # fmt: skip
        row(f"{size}: warm timeline (all)", cli("timeline", *everything), export_json)
        row(f"{size}: timeline first screen", cli("timeline", *everything), export_json,
            wrapper=_FIRST_SCREEN_WRAPPER)  # fmt: skip
    export = write_acled(ACLED_EVENTS, scratch / f"acled-{ACLED_EVENTS}.csv")
    read_csv = f"import csv; list(csv.reader(open({str(export)!r}, newline='')))"
    csv_base = row(f"acled {ACLED_EVENTS}: bare csv.reader", [PYTHON, "-c", read_csv])
    into = scratch / "acled-import.yaml"
    import_command = cli("import-acled", str(export), "--into", str(into))
    times, peaks = [], []
    for _ in range(args.runs):  # the file is removed first, outside the timed command
        into.unlink(missing_ok=True)
        seconds, peak = measure(import_command, env, 1)
        times.append(seconds)
        peaks.append(peak)
    first = statistics.median(times)
    rows.append((f"acled {ACLED_EVENTS}: import-acled (new file)", first, max(peaks),
                 f"{first / csv_base[0]:.2f}x"))  # fmt: skip
    row(f"acled {ACLED_EVENTS}: import-acled again (unchanged)", import_command, csv_base)
    curated = REPOSITORY / "incidents.yaml"
    imports = row("bare import typer, rich, yaml",
                  [PYTHON, "-c", "import typer, rich.console, yaml"])  # fmt: skip
    curated_timeline = cli("timeline", "--store", str(curated))
    subprocess.run(curated_timeline, env=env, capture_output=True)  # warm up the cache
    row("curated: timeline (warm)", curated_timeline, imports)

    print(f"sahel-timeline benchmark: {machine()}; {args.runs} run(s), medians")
    print(f"{'scenario':<44} {'seconds':>9} {'peak MB':>9}  ratio")
    for name, seconds, peak, ratio in rows:
        print(f"{name:<44} {seconds:>9.3f} {peak:>9.0f}  {ratio}")
    if not args.out:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
