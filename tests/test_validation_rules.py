"""Every validation rule, one fixture store each: the rule code, severity, line and column.

Each store under tests/data/invalid breaks one rule and starts with
`# expect: <rule-code> at <line>:<column>` (the first finding of that rule). A folder
fixture is a multi-file store; its header sits in the file the finding must name.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import sahel_timeline
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import ERROR, WARNING, Finding
from sahel_timeline.store import files
from sahel_timeline.store.load import Store, load_store

INVALID = Path(__file__).parent / "data" / "invalid"
NOW = dt.date(2025, 1, 1)
HEADER = re.compile(rb"# expect: ([a-z0-9-]+) at ([0-9]+):([0-9]+)\r?\n")
# The data model's warnings; every other rule is an error.
WARNING_RULES = {
    "future-date", "claim-date-missing", "possible-duplicate", "missing-summary",
    "bidi-mark", "one-line-text",
}  # fmt: skip
# Rules that need the file system to misbehave: tested below without a fixture file.
RULES_WITHOUT_FIXTURE = {"unreadable-file", "file-too-large"}


@dataclass(frozen=True)
class Case:
    store: Path  # the file or folder to load
    file: Path  # the file that holds the header and the expected finding
    rule: str
    line: int
    column: int

    @property
    def severity(self) -> str:
        return WARNING if self.rule in WARNING_RULES else ERROR


def _header(file: Path) -> re.Match[bytes] | None:
    return HEADER.match(file.read_bytes())


def _case(store: Path) -> Case:
    files = [store] if store.is_file() else sorted(store.rglob("*.y*ml"))
    headed = [(file, match) for file in files if (match := _header(file))]
    assert len(headed) == 1, f"{store.name}: needs exactly one '# expect:' header"
    file, match = headed[0]
    rule = match.group(1).decode()
    return Case(store, file, rule, int(match.group(2)), int(match.group(3)))


CASES = [_case(path) for path in sorted(INVALID.iterdir()) if not path.name.startswith(".")]


def _load(case: Case) -> Store:
    return load_store([case.store], NOW)


def _first(findings: list[Finding], rule: str) -> Finding:
    matching = [finding for finding in findings if finding.rule == rule]
    assert matching, f"no {rule} finding; found: {[str(f) for f in findings]}"
    return matching[0]


@pytest.mark.parametrize("case", CASES, ids=[case.store.name for case in CASES])
def test_fixture_reports_its_rule_with_severity_at_the_line_and_column_of_its_header(
    case: Case,
) -> None:
    finding = _first(_load(case).findings, case.rule)
    assert (finding.file, finding.line, finding.column) == (str(case.file), case.line, case.column)
    assert finding.severity == case.severity
    assert finding.message.strip()


@pytest.mark.parametrize("case", CASES, ids=[case.store.name for case in CASES])
def test_fixture_breaks_no_other_rule(case: Case) -> None:
    # One broken rule must not drag misleading follow-on findings along.
    assert {finding.rule for finding in _load(case).findings} == {case.rule}


@pytest.mark.parametrize("case", CASES, ids=[case.store.name for case in CASES])
def test_fixture_is_named_after_its_rule(case: Case) -> None:
    assert case.store.name.removesuffix(".yaml").startswith(case.rule)


# --- every rule the code can emit has a fixture -------------------------------------------

# (function name, position of the rule argument, keyword that may carry it instead)
_RULE_ARGUMENTS = {
    "error": (1, None),
    "warning": (1, None),
    "report": (2, None),
    "report_markup": (2, None),
    "Finding": (4, "rule"),
    "record_finding": (3, None),
    "Choice": (1, "rule"),
    "Number": (2, "range_rule"),
    "Text": (None, "pattern_rule"),
    "Integer": (None, "rule_below_minimum"),
    "CharacterRule": (2, "rule"),
}
_CORE_MODULES = (
    "store/files.py",
    "store/loader.py",
    "store/schema.py",
    "store/validate.py",
    "store/load.py",
    "engine/database.py",
)


def rule_codes_in_source() -> set[str]:
    """Rule codes passed as literals to the functions that report findings."""
    codes: set[str] = set()
    package = Path(sahel_timeline.__file__).parent
    for module in _CORE_MODULES:
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in _RULE_ARGUMENTS:
                continue
            position, keyword = _RULE_ARGUMENTS[name]
            values = [k.value for k in node.keywords if k.arg == keyword]
            if position is not None and len(node.args) > position:
                values.append(node.args[position])
            codes |= {
                value.value
                for value in values
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
            }
    return codes


def test_rule_scan_sees_rules_of_every_core_module() -> None:
    # Guards the scan itself: an empty or partial result would let a rule go untested.
    assert {"yaml-alias", "encoding", "unknown-tactic", "missing-summary", "group-cycle"} <= (
        rule_codes_in_source()
    )


def test_every_rule_the_code_can_emit_has_a_fixture() -> None:
    with_fixture = {case.rule for case in CASES}
    assert rule_codes_in_source() == with_fixture | RULES_WITHOUT_FIXTURE


def test_every_rule_is_kebab_case() -> None:
    for code in rule_codes_in_source():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code


# --- rules that need more than the header says --------------------------------------------


def _fixture(name: str) -> Case:
    return next(case for case in CASES if case.store.name == name)


def test_unknown_group_suggests_the_group_with_the_same_letters() -> None:
    finding = _first(_load(_fixture("unknown-group.yaml")).findings, "unknown-group")
    assert "'JMIN'" in finding.message
    assert "did you mean JNIM?" in finding.message


def test_swapped_coordinates_are_called_swapped() -> None:
    case = _fixture("coordinates-outside-country.yaml")
    finding = _first(_load(case).findings, "coordinates-outside-country")
    assert "Mali" in finding.message
    assert "swapped" in finding.message


def test_duplicate_id_across_files_names_the_second_file_and_points_at_the_first() -> None:
    case = _fixture("duplicate-id-across-files")
    finding = _first(_load(case).findings, "duplicate-id")
    assert finding.file.endswith("2018.yaml")
    assert "2017.yaml:3" in finding.message


def test_duplicate_key_names_the_line_of_the_first_one() -> None:
    finding = _first(_load(_fixture("duplicate-key.yaml")).findings, "duplicate-key")
    assert "'date'" in finding.message
    assert "line 6" in finding.message


def test_impossible_date_says_how_many_days_the_month_has() -> None:
    finding = _first(_load(_fixture("invalid-date.yaml")).findings, "invalid-date")
    assert "2017-02-30" in finding.message
    assert "28 days" in finding.message


def test_all_problems_of_a_file_are_reported_in_one_run(tmp_path: Path) -> None:
    text = (INVALID / "unknown-tactic.yaml").read_text(encoding="utf-8")
    text = text.replace("[civilians]", "[civilian]").replace("wounded: 22", "wounded: -22")
    path = tmp_path / "several.yaml"
    path.write_text(text, encoding="utf-8")
    rules = {finding.rule for finding in load_store([path], NOW).findings}
    assert rules == {"unknown-tactic", "unknown-target", "negative-figure"}


# --- rules without a fixture file ---------------------------------------------------------


def test_unreadable_file_is_a_finding_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root; a read that fails is simulated instead (and tested for
    # real with chmod in test_loader_hostile.py when not running as root).
    path = tmp_path / "locked.yaml"
    path.write_text("schema_version: 1\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    (finding,) = load_store([path], NOW).findings
    assert (finding.file, finding.line, finding.column) == (str(path), 1, 1)
    assert (finding.severity, finding.rule) == (ERROR, "unreadable-file")
    assert "Permission denied" in finding.message


def test_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"schema_version: 1\n" + b"#" * (3 * 1024 * 1024))

    def must_not_read(self: Path) -> bytes:
        raise AssertionError("a file over the limit was read")

    monkeypatch.setattr(Path, "read_bytes", must_not_read)
    (finding,) = load_store([path], NOW).findings
    assert (finding.rule, finding.severity, finding.line, finding.column) == (
        "file-too-large", ERROR, 1, 1,
    )  # fmt: skip
    assert "3 MiB" in finding.message and "limit is 2 MiB" in finding.message


# --- regressions: each of these was a wrong or missing finding ----------------------------


def _store(tmp_path: Path, text: str, name: str = "store.yaml") -> Store:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_store([path], NOW)


def _rules(store: Store) -> list[tuple[str, int, int]]:
    return [(finding.rule, finding.line, finding.column) for finding in store.findings]


MILESTONE = """\
schema_version: 1
incidents:
  - id: 2012-03-22-coup
    kind: milestone
    title: Military coup in Bamako
    date: "2012-03-22"
"""


def test_id_written_as_a_block_scalar_keeps_its_newline_and_is_invalid(tmp_path: Path) -> None:
    # `id: |` gives "…-coup\n"; a pattern ending in `$` used to accept the trailing newline.
    store = _store(tmp_path, MILESTONE.replace("id: 2012-03-22-coup", "id: |\n      coup"))
    assert _rules(store) == [("invalid-id", 3, 9)]


def test_url_folded_with_its_newline_is_invalid(tmp_path: Path) -> None:
    text = (
        MILESTONE
        + "    sources:\n      - title: t\n        url: >\n          https://a.example/b\n"
    )
    assert _rules(_store(tmp_path, text)) == [("invalid-url", 9, 14)]


def test_end_date_of_month_precision_may_end_a_day_in_that_month(tmp_path: Path) -> None:
    # Fuzzy dates are intervals: "some time in March 2012" does not end before 22 March.
    text = MILESTONE.replace('date: "2012-03-22"', 'date: "2012-03-22"\n    end_date: 2012-03')
    assert _store(tmp_path, text).findings == []
    text = MILESTONE.replace('date: "2012-03-22"', 'date: "2012-03-22"\n    end_date: 2012-02')
    assert _rules(_store(tmp_path, text)) == [("date-order", 7, 15)]


def test_null_latitude_with_a_longitude_is_only_one_coordinate(tmp_path: Path) -> None:
    text = MILESTONE + "    location: {country: Mali, lat: null, lon: -3.0}\n"
    assert _rules(_store(tmp_path, text)) == [("coordinates-pair", 7, 47)]


def test_related_to_an_incident_with_its_own_errors_is_not_called_unknown(
    tmp_path: Path,
) -> None:
    text = (
        MILESTONE
        + "    related: [2013-01-11-serval]\n"
        + "  - id: 2013-01-11-serval\n    kind: milestone\n    title: Serval\n"
        + "    date: 2013-01-32\n"
    )
    assert _rules(_store(tmp_path, text)) == [("invalid-date", 11, 11)]


def test_group_cycle_through_affiliation_is_found_when_merged_into_is_set(
    tmp_path: Path,
) -> None:
    text = """\
schema_version: 1
groups:
  - {id: a, name: A, merged_into: b, affiliation: c}
  - {id: b, name: B}
  - {id: c, name: C, affiliation: a}
"""
    assert _rules(_store(tmp_path, text)) == [("group-cycle", 3, 10), ("group-cycle", 5, 10)]


def test_ambiguous_short_name_points_at_the_short_name(tmp_path: Path) -> None:
    text = """\
schema_version: 1
groups:
  - {id: isgs, name: Islamic State in the Greater Sahara, short: ISGS}
  - id: isis
    name: Islamic State
    aliases: [IS, Daesh]
    short: ISGS
"""
    assert _rules(_store(tmp_path, text)) == [("ambiguous-group-name", 7, 12)]


def test_huge_values_are_cut_short_in_messages(tmp_path: Path) -> None:
    long = "x" * 100_000
    (finding,) = _store(tmp_path, MILESTONE + f"    time: {long}\n").findings
    assert finding.rule == "invalid-time"
    assert len(finding.message) < 300
    assert "100000 characters" in finding.message


def test_number_too_long_for_int_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    text = "schema_version: " + "9" * 5000 + "\n"
    assert _rules(_store(tmp_path, text)) == [("invalid-value", 1, 17)]


def test_digits_of_other_scripts_are_not_numbers_or_dates(tmp_path: Path) -> None:
    # int() reads "٢٢" as 22; YAML and the JSON Schema read it as text.
    text = MILESTONE + "    wounded: ٢٢\n"
    assert _rules(_store(tmp_path, text)) == [("wrong-type", 7, 14)]
    text = MILESTONE.replace('date: "2012-03-22"', "date: ٢٠١٢")
    assert _rules(_store(tmp_path, text)) == [("invalid-date", 6, 11)]


def test_folder_without_store_files_is_an_error_not_an_empty_valid_store(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.txt").write_text("not a store", encoding="utf-8")
    with pytest.raises(SahelError, match=r"no \.yaml or \.yml files"):
        load_store([tmp_path], NOW)


STORE_FILES = sorted(
    path
    for folder in (INVALID, INVALID.parent / "valid", INVALID.parent / "hostile")
    for path in folder.rglob("*.yaml")
)


@pytest.mark.parametrize("path", STORE_FILES, ids=[p.name for p in STORE_FILES])
def test_a_store_read_in_batches_says_what_a_store_read_whole_says(path: Path) -> None:
    """A cold load streams records through validation into the database; stdin and git
    revisions are read whole: a user gets the same findings and incidents either way."""
    from sahel_timeline.store.load import assemble_store, load_file_bytes

    streamed = load_store([path], NOW)
    whole = assemble_store([load_file_bytes(path.read_bytes(), str(path))], NOW)
    assert streamed.findings == whole.findings
    assert streamed.incidents == whole.incidents
    assert streamed.registry.groups == whole.registry.groups


CLAIM_FIXTURE = INVALID / "claim-before-incident.yaml"


@pytest.mark.parametrize("claimed_on", ["2017-08", "2017", "2017-08-13"])
def test_a_claim_dated_to_the_incidents_month_or_year_is_not_before_it(
    tmp_path: Path, claimed_on: str
) -> None:
    # "claimed some time in August 2017" may be after an attack on 13 August 2017.
    text = CLAIM_FIXTURE.read_text("utf-8").replace('"2017-08-12"', f'"{claimed_on}"')
    assert _store(tmp_path, text).findings == []


def test_a_claim_dated_to_the_month_before_the_incident_is_before_it(tmp_path: Path) -> None:
    text = CLAIM_FIXTURE.read_text("utf-8").replace('"2017-08-12"', '"2017-07"')
    assert _rules(_store(tmp_path, text)) == [("claim-before-incident", 24, 21)]


@pytest.mark.parametrize("version", ["0", "2", "-1"])
def test_a_schema_version_other_than_1_is_refused(tmp_path: Path, version: str) -> None:
    text = MILESTONE.replace("schema_version: 1", f"schema_version: {version}")
    assert _rules(_store(tmp_path, text)) == [("schema-version", 1, 17)]


@pytest.mark.parametrize("summary", ["null", "~", ""])
def test_an_incident_with_an_empty_or_null_summary_is_warned(tmp_path: Path, summary: str) -> None:
    text = CLAIM_FIXTURE.read_text("utf-8").replace('"2017-08-12"', '"2017-08-13"')
    text = text.replace(
        "    summary: Gunmen opened fire on diners at a Turkish restaurant.",
        f"    summary: {summary}",
    )
    findings = _store(tmp_path, text).findings
    assert [(f.rule, f.severity, f.line, f.column) for f in findings] == [
        ("missing-summary", WARNING, 8, 5)
    ]
