"""The cache of validated store files: correct whatever happens to the store or the cache.

Speed is the benchmark's business (tests/test_benchmark.py); these tests check that the
cache never changes what a user sees.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cache import Cache, content_key, decode_entry
from sahel_timeline.cli.app import app
from sahel_timeline.store import load_store

NOW = dt.date(2024, 6, 1)


def incident(incident_id: str, title: str, summary: str | None = "Armed men attacked.") -> str:
    text = (
        f"  - id: {incident_id}\n"
        f"    title: {title}\n"
        '    date: "2018-03-02"\n'
        "    location: {country: Burkina Faso, place: Ouagadougou, lat: 12.37, lon: -1.53}\n"
        "    perpetrators: [{group: JNIM, status: attributed}]\n"
        "    killed: {low: 8, high: 9}\n"
        "    sources: [{title: A report, publisher: AFP, published: '2018-03', url: null}]\n"
    )
    if summary:
        text += f"    summary: {summary}\n"
    return text


GROUPS = "groups:\n  - {id: jnim, name: Jama'at Nusrat al-Islam wal-Muslimin, short: JNIM}\n"


def write_store(path: Path, *incidents: str, groups: bool = True) -> Path:
    body = "schema_version: 1\n" + (GROUPS if groups else "")
    body += "incidents:\n" + "".join(incidents) if incidents else ""
    path.write_text(body, encoding="utf-8")
    return path


def cache_entries() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "sahel-timeline"
    return sorted(folder.rglob("*.json"))


def run(cli_env: dict, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=cli_env)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.yaml", incident("a-1", "First attack"))


def test_a_warm_load_gives_the_same_store_as_a_cold_one(store: Path) -> None:
    cache = Cache(Path(os.environ["XDG_CACHE_HOME"]) / "sahel-timeline")
    cold = load_store([store], NOW, cache)
    assert len(cache_entries()) == 1
    warm = load_store([store], NOW, cache)
    uncached = load_store([store], NOW)
    assert warm.incidents == cold.incidents == uncached.incidents
    assert warm.registry.groups == uncached.registry.groups
    assert warm.findings == uncached.findings


def test_an_edited_file_is_seen_at_once(store: Path, cli_env: dict) -> None:
    assert "First attack" in run(cli_env, "timeline", "--store", str(store))
    write_store(store, incident("a-1", "Renamed attack"))
    output = run(cli_env, "timeline", "--store", str(store))
    assert "Renamed attack" in output and "First attack" not in output


def test_a_removed_file_disappears_from_a_folder_store(tmp_path: Path, cli_env: dict) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "Kept attack"))
    removed = write_store(folder / "b.yaml", incident("b-1", "Removed attack"), groups=False)
    assert "Removed attack" in run(cli_env, "timeline", "--store", str(folder))
    removed.unlink()
    output = run(cli_env, "timeline", "--store", str(folder))
    assert "Kept attack" in output and "Removed attack" not in output


def test_only_the_edited_file_of_a_folder_store_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "Kept attack"))
    edited = write_store(folder / "b.yaml", incident("b-1", "Old title"), groups=False)
    cache = Cache(tmp_path / "cache")
    load_store([folder], NOW, cache)
    entries = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.json")}
    write_store(edited, incident("b-1", "New title"), groups=False)
    os.utime(folder / "a.yaml")  # touched but not changed: still a hit
    store = load_store([folder], NOW, cache)
    assert [i.title for i in store.incidents] == ["Kept attack", "New title"]
    rewritten = [p for p, mtime in entries.items() if p.stat().st_mtime_ns != mtime]
    assert len(rewritten) == 1 and len(entries) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json at all",
        lambda text: "[]",
        lambda text: text.replace('"version":"', '"version":"0.0.0-other'),
        lambda text: text.replace('"format":1', '"format":999'),
        lambda text: text.replace('"a-1"', "12345"),  # an id of the wrong type
        lambda text: text.replace('"key":"', '"key":"0'),  # an entry for other bytes
    ],
    ids=["truncated", "garbage", "wrong-shape", "other-version", "other-format", "bad-type",
         "other-key"],
)  # fmt: skip
def test_a_corrupt_or_foreign_cache_entry_is_ignored_and_rebuilt(
    store: Path, cli_env: dict, damage
) -> None:
    first = run(cli_env, "timeline", "--store", str(store))
    [entry] = cache_entries()
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert run(cli_env, "timeline", "--store", str(store)) == first
    rebuilt = entry.read_bytes()
    assert decode_entry(rebuilt, str(store), content_key(store.read_bytes())).incidents


class _Payload:
    """Creates a file when unpickled: the proof that a cache entry ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("kind", ["pickle", "yaml-python-object"])
def test_a_crafted_cache_entry_never_runs_code(
    store: Path, cli_env: dict, tmp_path: Path, kind: str
) -> None:
    first = run(cli_env, "timeline", "--store", str(store))
    [entry] = cache_entries()
    marker = tmp_path / "code-ran"
    if kind == "pickle":
        entry.write_bytes(pickle.dumps(_Payload(marker)))
    else:
        entry.write_text(f"!!python/object/apply:pathlib.Path.touch [{marker}]\n")
    assert run(cli_env, "timeline", "--store", str(store)) == first
    assert not marker.exists()
    assert json.loads(entry.read_bytes())["format"] == 1  # replaced by a real entry


def test_no_cache_option_and_variable_give_the_same_output_and_write_nothing(
    store: Path, cli_env: dict
) -> None:
    bypassed = run(cli_env, "--no-cache", "timeline", "--store", str(store))
    by_variable = run({**cli_env, "SAHEL_TIMELINE_NO_CACHE": "1"}, "validate", str(store))
    assert cache_entries() == []
    assert run(cli_env, "timeline", "--store", str(store)) == bypassed
    assert run(cli_env, "validate", str(store)) == by_variable
    assert len(cache_entries()) == 1


def test_warnings_survive_the_cache_so_validate_stays_truthful(
    tmp_path: Path, cli_env: dict
) -> None:
    store = write_store(tmp_path / "store.yaml", incident("a-1", "No summary", summary=None))
    cold = run(cli_env, "validate", str(store))
    assert "warning missing-summary" in cold
    assert cache_entries()
    assert run(cli_env, "validate", str(store)) == cold


def test_an_unwritable_cache_folder_is_not_an_error(
    store: Path, cli_env: dict, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    output = run({**cli_env, "XDG_CACHE_HOME": str(blocked)}, "timeline", "--store", str(store))
    assert "First attack" in output


def test_concurrent_threads_share_the_cache_without_corrupting_it(tmp_path: Path) -> None:
    store = write_store(
        tmp_path / "store.yaml", *(incident(f"a-{n}", f"Attack {n}") for n in range(50))
    )
    cache = Cache(tmp_path / "cache")
    with ThreadPoolExecutor(max_workers=8) as pool:
        stores = list(pool.map(lambda _: load_store([store], NOW, cache), range(16)))
    assert all(s.incidents == stores[0].incidents for s in stores)
    [entry] = (tmp_path / "cache").rglob("*.json")
    assert len(decode_entry(entry.read_bytes(), str(store), content_key(store.read_bytes()))
               .incidents) == 50  # fmt: skip
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_concurrent_processes_share_the_cache_without_corrupting_it(
    tmp_path: Path, cli_env: dict
) -> None:
    store = write_store(
        tmp_path / "store.yaml", *(incident(f"a-{n}", f"Attack {n}") for n in range(200))
    )
    command = [sys.executable, "-m", "sahel_timeline", "timeline", "--store", str(store)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert len({stdout for stdout, _ in outputs}) == 1
    uncached = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "--no-cache", *command[3:]],
        capture_output=True,
        check=True,
    )
    assert outputs[0][0] == uncached.stdout
    [entry] = cache_entries()
    assert decode_entry(entry.read_bytes(), str(store), content_key(store.read_bytes()))
