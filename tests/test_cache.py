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

from sahel_timeline.cache import CACHE_FORMAT, Cache, content_key, decode_entry
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
    """The per-file entries (the store-level entries live in `stores/`)."""
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "sahel-timeline" / "files"
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
    entries = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "files").rglob("*.json")}
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
        lambda text: text.replace(f'"format":{CACHE_FORMAT}', '"format":999'),
        lambda text: text.replace('"a-1"', "12345"),  # an id of the wrong type
        # an entry for other bytes (written, then, for another state of the file)
        lambda text: text.replace('"key":"', '"key":"0').replace(
            '"fingerprint":[', '"fingerprint":[7,'
        ),
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
    header = entry.read_bytes().split(b"\n", 1)[0]
    assert json.loads(header)["format"] == CACHE_FORMAT  # replaced by a real entry


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
    [entry] = (tmp_path / "cache" / "files").rglob("*.json")
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


# --- the index and the store-level entry -----------------------------------------------------


def varied_store(path: Path, size: int = 160, seed: int = 7) -> Path:
    """A store with every case a filter or a sort treats apart: milestones, entries without a
    country or with a code only, unknown tolls, ranges, end dates, month and year dates, ties,
    several perpetrators, tags."""
    import random

    rng = random.Random(seed)
    groups = (
        "groups:\n"
        "  - {id: aqim, name: Al-Qaeda in the Islamic Maghreb, short: AQIM}\n"
        "  - {id: jnim, name: Jama'at Nusrat al-Islam wal-Muslimin, short: JNIM, "
        "affiliation: aqim}\n"
        "  - {id: macina, name: Katiba Macina, merged_into: jnim}\n"
        "  - {id: isgs, name: Islamic State in the Greater Sahara, short: ISGS}\n"
    )
    locations = [
        "{country: Mali, place: Gao}",
        "{country: Burkina Faso, place: Djibo}",
        "{country: NE, place: Ayorou}",
        "{country: Niger}",
        "{place: Somewhere}",
        "{}",
    ]
    lines = ["schema_version: 1\n", groups, "incidents:\n"]
    for n in range(size):
        year = rng.choice((2016, 2017, 2018, 2019))
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice((f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"))
        milestone = rng.random() < 0.15
        entry = [f"  - id: e-{n:04d}", f"    title: Entry {n}", f'    date: "{date}"']
        if milestone:
            entry.append("    kind: milestone")
        elif rng.random() < 0.2:
            entry.append(f'    end_date: "{year + 1}"')
        # Only a milestone may go without a country.
        entry.append(f"    location: {rng.choice(locations if milestone else locations[:4])}")
        if not milestone:
            perpetrators = [
                f"{{group: {rng.choice(('JNIM', 'aqim', 'Katiba Macina', 'ISGS'))}, "
                f"status: {rng.choice(('claimed', 'attributed', 'suspected'))}}}"
                for _ in range(rng.choice((0, 1, 1, 2)))
            ]
            entry.append(f"    perpetrators: [{', '.join(perpetrators)}]")
            entry.append(f"    tactics: [{rng.choice(('ambush', 'ied', 'raid'))}]")
            entry.append(f"    targets: [{rng.choice(('civilians', 'military'))}]")
            figure = rng.choice(("null", "5", "{low: 3, high: 9}", "0", "12"))
            entry.append(f"    killed: {figure}")
        entry.append(f"    tags: [{rng.choice(('a', 'b', 'a, b'))}]")
        entry.append("    summary: Something happened.")
        entry.append("    sources: [{title: A report, url: null}]")
        lines.append("\n".join(entry) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _queries() -> list:
    import itertools

    from sahel_timeline.query import Query, build_filter

    filters = [
        {},
        {"since": dt.date(2018, 1, 1)},
        {"until": dt.date(2017, 6, 30)},
        {"since": dt.date(2017, 3, 1), "until": dt.date(2018, 2, 28)},
        {"countries": ["Mali"]},
        {"countries": ["NER", "burkina faso"]},
        {"groups": ["aqim"]},
        {"groups": ["Katiba Macina"], "statuses": ["claimed"]},
        {"statuses": ["unknown"]},
        {"statuses": ["suspected", "unknown"]},
        {"tactics": ["ambush"], "targets": ["military"]},
        {"tags": ["B"]},
        {"kinds": ["milestone"]},
        {"min_killed": 5},
        {"min_killed": 0, "countries": ["Mali"], "since": dt.date(2018, 1, 1)},
        {"text": "entry 1"},
    ]
    orders = [("date", False), ("date", True), ("killed", False), ("killed", True),
              ("country", False), ("country", True), ("id", True)]  # fmt: skip
    return [
        Query(build_filter(**flt), sort=sort, reverse=reverse, limit=limit)  # type: ignore[arg-type]
        for flt, (sort, reverse), limit in itertools.product(filters, orders, (None, 7))
    ]


def test_the_index_selects_exactly_what_run_query_selects(tmp_path: Path) -> None:
    from sahel_timeline.query import run_query

    path = varied_store(tmp_path / "store.yaml")
    cache = Cache(tmp_path / "cache")
    load_store([path], NOW, cache)
    warm = load_store([path], NOW, cache)  # the index from the cache entry
    reference = load_store([path], NOW)
    assert not reference.errors
    for query in _queries():
        expected = [i.id for i in run_query(reference.incidents, query, reference.registry)]
        assert [i.id for i in warm.select(query)] == expected, query
        lazy = warm.select_lazily(query)
        assert len(lazy) == len(expected)
        assert [i.id for i in lazy] == expected, query
        assert [i.id for i in lazy[2:5]] == expected[2:5]
    assert warm.incident_count == len(reference.incidents)


def test_an_edited_file_updates_the_cross_record_findings_at_once(
    tmp_path: Path, cli_env: dict
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "First attack"))
    other = incident("b-1", "Second attack") + "    related: [a-1]\n"
    write_store(folder / "b.yaml", other, groups=False)
    assert "unknown-related" not in run(cli_env, "validate", str(folder))
    write_store(folder / "a.yaml", incident("a-2", "First attack"))
    output = run(cli_env, "validate", str(folder))
    assert "unknown-related" in output and "'a-1'" in output
    write_store(folder / "a.yaml", incident("a-1", "First attack"))
    assert "unknown-related" not in run(cli_env, "validate", str(folder))


def test_a_removed_file_takes_its_ids_out_of_the_cross_record_rules(
    tmp_path: Path, cli_env: dict
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "First attack"))
    removed = write_store(folder / "b.yaml", incident("a-1", "Same id"), groups=False)
    assert "duplicate-id" in run(cli_env, "validate", str(folder))
    removed.unlink()
    assert "duplicate-id" not in run(cli_env, "validate", str(folder))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"starts":[', '"starts":["x",', 1),
        lambda text: text.replace('"ids":["a-1"]', '"ids":[]', 1),
        lambda text: text.replace('"offsets":[0,', '"offsets":[1,', 1),
        # Same length, so the offsets still add up: found only when the record is decoded.
        lambda text: text.replace('"First attack"', "12345678901234"),
    ],
    ids=["index-type", "index-shape", "offsets", "record-type"],
)
def test_a_corrupt_index_or_record_is_ignored(store: Path, cli_env: dict, damage) -> None:
    first = run(cli_env, "timeline", "--store", str(store))
    [entry] = cache_entries()
    header, records = entry.read_text(encoding="utf-8").split("\n", 1)
    if "First attack" in damage("First attack"):  # damages the header
        entry.write_text(damage(header) + "\n" + records, encoding="utf-8")
    else:
        entry.write_text(header + "\n" + damage(records), encoding="utf-8")
    assert run(cli_env, "timeline", "--store", str(store)) == first
    assert run(cli_env, "export", "--format", "json", "--store", str(store)) == run(
        cli_env, "--no-cache", "export", "--format", "json", "--store", str(store)
    )


def test_a_corrupt_store_level_entry_is_ignored(tmp_path: Path, cli_env: dict) -> None:
    store = write_store(tmp_path / "store.yaml", incident("a-1", "First"), incident("a-1", "Again"))
    cold = run(cli_env, "validate", str(store))
    assert "duplicate-id" in cold
    [entry] = (Path(os.environ["XDG_CACHE_HOME"]) / "sahel-timeline" / "stores").rglob("*.json")
    for damage in (f'{{"format":{CACHE_FORMAT},"findings":[[1,2]]}}', "[]", "not json"):
        entry.write_text(damage, encoding="utf-8")
        assert run(cli_env, "validate", str(store)) == cold


def test_the_future_date_warning_follows_today_on_a_warm_cache(tmp_path: Path) -> None:
    store = write_store(tmp_path / "store.yaml", incident("a-1", "First attack"))
    cache = Cache(tmp_path / "cache")
    assert not load_store([store], NOW, cache).findings
    early = load_store([store], dt.date(2018, 3, 1), cache)
    assert [f.rule for f in early.findings] == ["future-date"]
    assert early.findings == load_store([store], dt.date(2018, 3, 1)).findings


def test_a_warm_validate_builds_no_incident(
    tmp_path: Path, cli_env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sahel_timeline.cache

    store = write_store(tmp_path / "store.yaml", incident("a-1", "First"), incident("a-1", "Again"))
    cold = run(cli_env, "validate", str(store))

    def refuse(*args: object) -> None:
        raise AssertionError("an incident was built")

    monkeypatch.setattr(sahel_timeline.cache, "_incident", refuse)
    result = CliRunner().invoke(app, ["validate", str(store)], env=cli_env)
    assert result.output == cold and not isinstance(result.exception, AssertionError)


def test_a_value_holding_the_index_separator_is_still_found() -> None:
    from sahel_timeline.model import FuzzyDate, Incident, Location
    from sahel_timeline.query import Query, build_filter, run_query
    from sahel_timeline.registry import GroupRegistry
    from sahel_timeline.store_index import IncidentIndex, select_rows

    incidents = [
        Incident("a-1", "One", FuzzyDate(2018), location=Location("Mali"), tags=("x|y", "x")),
        Incident("a-2", "Two", FuzzyDate(2019), location=Location("Mali"), tags=("y",)),
    ]
    index = IncidentIndex.from_data(
        json.loads(json.dumps(IncidentIndex.from_incidents(incidents).to_data()))
    )
    assert index.separator != "|"
    for tag in ("x|y", "x", "y"):
        query = Query(build_filter(tags=[tag]))
        expected = [i.id for i in run_query(incidents, query, GroupRegistry())]
        assert [
            incidents[row].id for row in select_rows(index, query, GroupRegistry()) or []
        ] == expected


def test_an_untouched_file_is_not_hashed_again_and_a_rewritten_one_is(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sahel_timeline import store as store_module
    from sahel_timeline.cache import Cache

    cache = Cache.from_environment(os.environ)
    first = store_module.load_store([store], NOW, cache=cache)
    hashed: list[int] = []
    real_key = store_module.content_key
    monkeypatch.setattr(
        store_module, "content_key", lambda data: hashed.append(len(data)) or real_key(data)
    )
    again = store_module.load_store([store], NOW, cache=cache)
    assert hashed == []
    assert [i.id for i in again.incidents] == [i.id for i in first.incidents]
    text = store.read_text(encoding="utf-8")
    store.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    edited = store_module.load_store([store], NOW, cache=cache)
    assert hashed, "a rewritten file must be hashed again"
    assert any(i.title.startswith("Edited ") for i in edited.incidents)
