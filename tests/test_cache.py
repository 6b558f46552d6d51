"""The cache of validated store files: correct whatever happens to the store or the cache.

Speed is the benchmark's business (tests/test_benchmark.py); these tests check that the
cache never changes what a user sees, and that it recovers from every fault it can meet.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.engine.cache import Cache, default_cache_folder
from sahel_timeline.store import load as store_module
from sahel_timeline.store.load import load_store

NOW = dt.date(2024, 6, 1)
SECOND = 1_000_000_000


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


def cache_folder() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "sahel-timeline"


def databases() -> list[Path]:
    """The store databases of the test's cache folder."""
    return sorted((cache_folder() / "stores").glob("*.sqlite"))


def run(cli_env: dict, *args: str, code: int | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=cli_env)
    if code is None:
        assert result.exit_code in (0, 1), result.output
    else:
        assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


def age(path: Path, seconds: float) -> None:
    """Set a file's times to `seconds` ago (a file written long before it was cached)."""
    then = time.time_ns() - int(seconds * SECOND)
    os.utime(path, ns=(then, then))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = write_store(tmp_path / "store.yaml", incident("a-1", "First attack"))
    age(path, 60)
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read cold (parsed and validated) from now on."""
    names: list[str] = []
    real = store_module.stream_into_database

    def counting(connection: object, file_id: int, data: bytes, name: str, *rest: object) -> None:
        names.append(name)
        real(connection, file_id, data, name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "stream_into_database", counting)
    return names


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the files whose bytes were hashed from now on."""
    sizes: list[int] = []
    real = store_module.content_hash
    monkeypatch.setattr(
        store_module, "content_hash", lambda data: sizes.append(len(data)) or real(data)
    )
    return sizes


def test_a_warm_load_gives_the_same_store_as_a_cold_one(store: Path) -> None:
    cache = Cache(cache_folder())
    cold = load_store([store], NOW, cache)
    assert len(databases()) == 1
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


def test_only_the_edited_file_of_a_folder_store_is_read_again(
    tmp_path: Path, parsed: list[str]
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    kept = write_store(folder / "a.yaml", incident("a-1", "Kept attack"))
    edited = write_store(folder / "b.yaml", incident("b-1", "Old title"), groups=False)
    cache = Cache(tmp_path / "cache")
    load_store([folder], NOW, cache)
    assert sorted(parsed) == [str(kept), str(edited)]
    parsed.clear()
    write_store(edited, incident("b-1", "New title"), groups=False)
    os.utime(kept)  # touched but not changed: hashed, not read again
    store = load_store([folder], NOW, cache)
    assert [i.title for i in store.incidents] == ["Kept attack", "New title"]
    assert parsed == [str(edited)]


# --- faults of the store's files ------------------------------------------------------------


def test_a_same_size_rewrite_within_the_timestamp_granularity_is_seen(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filesystem with one-second timestamps: a rewrite in the same second as the cached
    read keeps the file's size, times and inode. Simulated by setting the file's times back
    and reporting them to the second."""
    real_status = store_module.file_status

    def coarse(path: Path) -> os.stat_result | None:
        status = real_status(path)
        if status is None:
            return None
        values = list(status)
        second = status.st_mtime_ns // SECOND
        values[7] = values[8] = values[9] = second  # atime, mtime, ctime in seconds
        return os.stat_result(values, {"st_mtime_ns": second * SECOND,
                                       "st_ctime_ns": second * SECOND})  # fmt: skip

    monkeypatch.setattr(store_module, "file_status", coarse)
    whole_second = time.time_ns() // SECOND * SECOND
    os.utime(store, ns=(whole_second, whole_second))
    cache = Cache(cache_folder())
    assert load_store([store], NOW, cache).incidents[0].title == "First attack"
    write_store(store, incident("a-1", "Other attack"))  # same length
    os.utime(store, ns=(whole_second, whole_second))
    assert load_store([store], NOW, cache).incidents[0].title == "Other attack"


def test_a_file_untouched_for_a_while_is_trusted_from_its_stat_and_a_touch_is_hashed_once(
    store: Path, hashed: list[int], parsed: list[str]
) -> None:
    cache = Cache(cache_folder())
    load_store([store], NOW, cache)
    assert parsed == [str(store)]
    hashed.clear()
    load_store([store], NOW, cache)
    assert hashed == []
    age(store, 30)  # a touch (or a copy that keeps the bytes): the stat changed
    assert load_store([store], NOW, cache).incidents[0].title == "First attack"
    assert len(hashed) == 1 and parsed == [str(store)]  # hashed, not read again
    load_store([store], NOW, cache)
    assert len(hashed) == 1  # the new stat was recorded


def test_a_file_written_just_before_it_was_cached_is_hashed_until_its_time_is_safely_past(
    tmp_path: Path, hashed: list[int]
) -> None:
    fresh = write_store(tmp_path / "store.yaml", incident("a-1", "First attack"))
    cache = Cache(cache_folder())
    load_store([fresh], NOW, cache)
    hashed.clear()
    load_store([fresh], NOW, cache)
    assert len(hashed) == 1  # modified less than two seconds before its rows were written


# --- faults of the cache ----------------------------------------------------------------------


def _damage_file(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "zeroed-pages":
        path.write_bytes(data[:100] + bytes(len(data) - 100))
    elif how == "pickle":
        path.write_bytes(pickle.dumps(_Payload(path.parent / "code-ran")))


def _damage_rows(path: Path, sql: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute(sql)
    connection.commit()
    connection.close()


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty", "zeroed-pages", "pickle"])
def test_a_corrupt_database_is_rebuilt(store: Path, cli_env: dict, how: str) -> None:
    first = run(cli_env, "timeline", "--store", str(store))
    [database] = databases()
    _damage_file(database, how)
    assert run(cli_env, "timeline", "--store", str(store)) == first
    assert run(cli_env, "validate", str(store)).endswith("valid\n")
    assert not (database.parent / "code-ran").exists()
    [rebuilt] = databases()
    assert sqlite3.connect(rebuilt).execute("SELECT count(*) FROM incidents").fetchone() == (1,)


@pytest.mark.parametrize(
    "sql",
    [
        # Same length as the good record: found only when the record is decoded.
        "UPDATE incidents SET record = replace(record, '\"First attack\"', '12345678901234')",
        "UPDATE incidents SET record = 'not json'",
        "UPDATE incidents SET record = NULL",
        "UPDATE incidents SET record = replace(record, '[2018,3,2]', '[99999999999,3,2]')",
        "UPDATE incidents SET record = replace(record, '[2018,3,2]', "
        "'[2018,3,' || replace(hex(zeroblob(100000)), '00', '[') || ']')",
        "UPDATE groups SET record = '{}'",
        "UPDATE findings SET record = '[1]'",
        "DROP TABLE perpetrators",
        "UPDATE meta SET value = 'another version'",
        "DROP TABLE meta",
        "UPDATE store_findings SET records = 'not json'",
    ],
    ids=["record-type", "record-garbage", "record-missing", "year-overflow", "deep-nesting",
         "group", "finding", "missing-table", "other-version", "foreign", "store-findings"],
)  # fmt: skip
def test_a_damaged_row_or_table_is_rebuilt_never_a_crash(
    store: Path, cli_env: dict, sql: str
) -> None:
    write_store(store, incident("a-1", "First attack", summary=None))  # one finding too
    age(store, 60)
    first = run(cli_env, "timeline", "--store", str(store))
    validated = run(cli_env, "validate", str(store))
    exported = run(cli_env, "--no-cache", "export", "--format", "json", "--store", str(store))
    [database] = databases()
    _damage_rows(database, sql)
    assert run(cli_env, "timeline", "--store", str(store)) == first
    _damage_rows(database, sql) if databases() else None
    assert run(cli_env, "validate", str(store)) == validated
    assert run(cli_env, "export", "--format", "json", "--store", str(store)) == exported


class _Payload:
    """Creates a file when unpickled: the proof that a cache entry ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("what", ["fifo", "folder", "symlink", "fifo-wal"])
def test_anything_but_a_regular_file_at_the_database_path_is_left_alone(
    store: Path, cli_env: dict, tmp_path: Path, what: str
) -> None:
    first = run(cli_env, "--no-cache", "timeline", "--store", str(store))
    database = Cache(cache_folder()).database_path([store])
    database.parent.mkdir(parents=True)
    target = tmp_path / "elsewhere.sqlite"
    if what == "fifo":
        os.mkfifo(database)
    elif what == "fifo-wal":
        os.mkfifo(f"{database}-wal")
    elif what == "folder":
        database.mkdir()
    else:
        database.symlink_to(target)
    command = [sys.executable, "-m", "sahel_timeline", "timeline", "--store", str(store)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == first
    assert not target.exists()  # a link is not followed
    if what != "fifo-wal":
        assert not database.is_file() or database.is_symlink()


def test_no_cache_option_and_variable_give_the_same_output_and_write_nothing(
    store: Path, cli_env: dict
) -> None:
    bypassed = run(cli_env, "--no-cache", "timeline", "--store", str(store))
    by_variable = run({**cli_env, "SAHEL_TIMELINE_NO_CACHE": "1"}, "validate", str(store))
    assert databases() == []
    assert run(cli_env, "timeline", "--store", str(store)) == bypassed
    assert run(cli_env, "validate", str(store)) == by_variable
    assert len(databases()) == 1


def test_warnings_survive_the_cache_so_validate_stays_truthful(
    tmp_path: Path, cli_env: dict
) -> None:
    store = write_store(tmp_path / "store.yaml", incident("a-1", "No summary", summary=None))
    cold = run(cli_env, "validate", str(store))
    assert "warning missing-summary" in cold
    assert databases()
    assert run(cli_env, "validate", str(store)) == cold


def test_an_unwritable_cache_folder_is_not_an_error(
    store: Path, cli_env: dict, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    output = run({**cli_env, "XDG_CACHE_HOME": str(blocked)}, "timeline", "--store", str(store))
    assert "First attack" in output


def test_without_home_and_an_unknown_user_there_is_no_cache_and_no_crash(
    store: Path, cli_env: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pwd

    def unknown(uid: int) -> object:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", unknown)
    environ = {"HOME": None, "XDG_CACHE_HOME": None}
    assert default_cache_folder({}) is None
    monkeypatch.chdir(tmp_path)
    output = run({**cli_env, **environ}, "timeline", "--store", str(store))
    assert "First attack" in output
    assert run({**cli_env, **environ}, "validate", str(store)).endswith("valid\n")
    assert not list(tmp_path.rglob("*.sqlite")) and not (tmp_path / "~").exists()


def test_a_process_without_home_whose_uid_passwd_does_not_know_runs(
    store: Path, tmp_path: Path
) -> None:
    # As a process of a uid missing from /etc/passwd sees it: pwd has no entry for it.
    prelude = (
        "import pwd, sys\n"
        "def unknown(uid):\n"
        "    raise KeyError(f'getpwuid(): uid not found: {uid}')\n"
        "pwd.getpwuid = unknown\n"
        "sys.argv[0] = 'sahel-timeline'\n"
        "from sahel_timeline.cli.entry import main\n"
        "main()\n"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    for command in (["timeline", "--store", str(store)], ["validate", str(store)]):
        done = subprocess.run(
            [sys.executable, "-c", prelude, *command],
            capture_output=True, text=True, timeout=60, env=environ, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert "First attack" not in done.stdout and done.stdout.endswith("valid\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.yaml"]


# --- concurrent runs --------------------------------------------------------------------------


def test_concurrent_threads_share_the_cache_without_corrupting_it(tmp_path: Path) -> None:
    store = write_store(
        tmp_path / "store.yaml", *(incident(f"a-{n}", f"Attack {n}") for n in range(50))
    )
    cache = Cache(tmp_path / "cache")
    with ThreadPoolExecutor(max_workers=8) as pool:
        stores = list(pool.map(lambda _: load_store([store], NOW, cache), range(16)))
    assert all(s.incidents == stores[0].incidents for s in stores)
    assert len(load_store([store], NOW, cache).incidents) == 50


def test_twenty_concurrent_processes_on_one_cache_agree(tmp_path: Path, cli_env: dict) -> None:
    store = write_store(
        tmp_path / "store.yaml", *(incident(f"a-{n}", f"Attack {n}") for n in range(200))
    )
    command = [sys.executable, "-m", "sahel_timeline", "timeline", "--store", str(store)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(20)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    uncached = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "--no-cache", *command[3:]],
        capture_output=True,
        check=True,
    )
    assert {stdout for stdout, _ in outputs} == {uncached.stdout}
    assert all(stderr == b"" for _, stderr in outputs)
    warm = subprocess.run(command, capture_output=True, check=True)
    assert warm.stdout == uncached.stdout


# --- one engine, warm or cold ----------------------------------------------------------------


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

    from sahel_timeline.engine.query import Query, build_filter

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


def test_a_warm_query_selects_what_a_store_loaded_without_the_cache_selects(
    tmp_path: Path,
) -> None:
    path = varied_store(tmp_path / "store.yaml")
    cache = Cache(tmp_path / "cache")
    load_store([path], NOW, cache)
    warm = load_store([path], NOW, cache)  # answered from the cache's database
    reference = load_store([path], NOW)  # an in-memory database of the objects just read
    assert not reference.errors
    for query in _queries():
        expected = [i.id for i in reference.select(query)]
        assert [i.id for i in warm.select(query)] == expected, query
        lazy = warm.select_lazily(query)
        assert len(lazy) == len(expected)
        assert [i.id for i in lazy] == expected, query
        assert [i.id for i in lazy[2:5]] == expected[2:5]
    assert warm.incident_count == len(reference.incidents)


def test_every_query_keeps_what_its_filter_says_in_the_order_its_sort_says(
    tmp_path: Path,
) -> None:
    reference = load_store([varied_store(tmp_path / "store.yaml")], NOW)
    everything = {i.id: i for i in reference.incidents}
    for query in _queries():
        chosen = reference.select(query)
        flt = query.filter
        for item in chosen:
            assert flt.since is None or item.end >= flt.since
            assert flt.until is None or item.start <= flt.until
            assert flt.min_killed is None or (item.killed and item.killed.high >= flt.min_killed)
            assert not flt.kinds or item.kind in flt.kinds
            assert not flt.tags or set(flt.tags) & {t.casefold() for t in item.tags}
        if query.sort == "date":
            keys = [(i.start, i.end, i.id) for i in chosen]
            assert keys == sorted(keys, reverse=query.reverse)
        if query.sort == "killed":
            known = [i.killed.high for i in chosen if i.killed is not None]
            assert known == sorted(known, reverse=query.reverse)
            assert all(i.killed is None for i in chosen[len(known) :])
        if query.limit is None and not flt.text:
            dropped = set(everything) - {i.id for i in chosen}
            assert len(dropped) + len(chosen) == len(everything)


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
    output = run(cli_env, "validate", str(folder), code=1)
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
    assert "duplicate-id" in run(cli_env, "validate", str(folder), code=1)
    removed.unlink()
    assert "duplicate-id" not in run(cli_env, "validate", str(folder))


def test_the_future_date_warning_follows_today_on_a_warm_cache(tmp_path: Path) -> None:
    store = write_store(tmp_path / "store.yaml", incident("a-1", "First attack"))
    cache = Cache(tmp_path / "cache")
    assert not load_store([store], NOW, cache).findings
    early = load_store([store], dt.date(2018, 3, 1), cache)
    assert [f.rule for f in early.findings] == ["future-date"]
    assert early.findings == load_store([store], dt.date(2018, 3, 1)).findings


def test_a_past_now_builds_only_the_incidents_a_query_shows(
    tmp_path: Path, cli_env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = [incident(f"a-{n}", f"Attack {n}") for n in range(30)]
    path = write_store(tmp_path / "store.yaml", *entries)
    past = {**cli_env, "SAHEL_TIMELINE_NOW": "2015-01-01"}  # every incident in its future
    cold = run(past, "export", "--format", "csv", "--limit", "2", "--store", str(path))
    warnings = run(past, "validate", str(path))
    assert warnings.count("warning future-date") == 30
    built: list[str] = []
    real = store_module.decode_incident
    monkeypatch.setattr(
        store_module, "decode_incident", lambda text, file: built.append(file) or real(text, file)
    )
    assert run(past, "export", "--format", "csv", "--limit", "2", "--store", str(path)) == cold
    assert len(built) == 2
    built.clear()
    assert run(past, "validate", str(path)) == warnings
    assert built == []


def test_a_warm_validate_of_a_folder_store_reads_no_yaml(
    tmp_path: Path, cli_env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "First"), incident("a-1", "Again"))
    write_store(folder / "b.yaml", incident("b-1", "Other") + "    related: [zz]\n", groups=False)
    for file in folder.iterdir():
        age(file, 60)
    cold = run(cli_env, "validate", str(folder))
    assert "duplicate-id" in cold and "unknown-related" in cold

    def refuse(*args: object) -> None:
        raise AssertionError("a store file was read")

    monkeypatch.setattr(store_module, "read_store_bytes", refuse)
    monkeypatch.setattr(store_module, "decode_incident", refuse)
    result = CliRunner().invoke(app, ["validate", str(folder)], env=cli_env)
    assert result.output == cold and not isinstance(result.exception, AssertionError)


def test_a_tag_holding_any_character_is_still_found() -> None:
    from sahel_timeline.engine.database import run_query
    from sahel_timeline.engine.query import Query, build_filter
    from sahel_timeline.model import FuzzyDate, Incident, Location
    from sahel_timeline.registry import GroupRegistry

    incidents = [
        Incident("a-1", "One", FuzzyDate(2018), location=Location("Mali"), tags=("x|y", "x")),
        Incident("a-2", "Two", FuzzyDate(2019), location=Location("Mali"), tags=("y", "'; --")),
    ]
    for tag, expected in (("x|y", ["a-1"]), ("x", ["a-1"]), ("y", ["a-2"]), ("'; --", ["a-2"])):
        query = Query(build_filter(tags=[tag]))
        assert [i.id for i in run_query(incidents, query, GroupRegistry())] == expected


def test_a_long_incident_added_to_a_warm_store_still_matches_a_late_window(
    tmp_path: Path,
) -> None:
    from sahel_timeline.engine.query import Query, build_filter

    folder = tmp_path / "stores"
    folder.mkdir()
    write_store(folder / "a.yaml", incident("a-1", "Short attack"))
    cache = Cache(tmp_path / "cache")
    late = Query(build_filter(since=dt.date(2019, 6, 1)))
    assert load_store([folder], NOW, cache).select(late) == []
    long_one = (
        "  - id: b-1\n    title: Years of sieges\n    date: '2012'\n    end_date: '2019-07'\n"
        "    location: {country: Mali}\n    summary: A long campaign.\n"
        "    sources: [{title: A report, url: null}]\n"
    )
    write_store(folder / "b.yaml", long_one, groups=False)
    warm = load_store([folder], NOW, cache)
    assert [i.id for i in warm.select(late)] == ["b-1"]
    assert [i.id for i in load_store([folder], NOW, cache).select(late)] == ["b-1"]
