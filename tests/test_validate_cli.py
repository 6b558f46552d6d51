"""`sahel-timeline validate` as CI and editors use it: exit codes, every finding, the summary."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sahel_timeline.cli.app import app

REPOSITORY = Path(__file__).resolve().parent.parent
VALID = Path(__file__).parent / "data" / "valid"
FINDING = re.compile(
    r"^(?P<file>.+?):(?P<line>[0-9]+):(?P<column>[0-9]+): (?P<severity>error|warning) "
    r"(?P<rule>[a-z0-9-]+): (?P<message>.+)$"
)

GOOD = """\
schema_version: 1
groups:
  - {id: jnim, name: "Jama'at Nusrat al-Islam wal-Muslimin", short: JNIM}
  - {id: isgs, name: Islamic State in the Greater Sahara, short: ISGS}
incidents:
  - id: 2017-10-04-tongo-tongo-ambush
    title: Ambush near Tongo Tongo
    date: "2017-10-04"
    location: {country: Niger, place: Tongo Tongo}
    perpetrators: [{group: ISGS, status: claimed, claimed_on: 2018-01-12}]
    summary: A joint patrol was ambushed near the Malian border.
    sources: [{title: Niger ambush}]
  - id: 2017-03-02-jnim-formed
    kind: milestone
    title: JNIM is formed
    date: 2017-03-02
"""

# Line numbers matter: the test below asserts them.
SEVERAL_PROBLEMS = """\
schema_version: 1
groups:
  - {id: jnim, name: "Jama'at Nusrat al-Islam wal-Muslimin", short: JNIM}
incidents:
  - id: 2017-08-14-douentza
    title: Attack on a checkpoint near Douentza
    date: 2017-02-30
    location: {country: Mali, place: Douentza}
    tactics: [armed-assault, suicide-attack]
    perpetrators: [{group: JMIN, status: suspected}]
    wounded: -3
    sources: [{title: Mali attack}]
  - id: 2018-03-02-ouagadougou
    title: Attacks in Ouagadougou
    date: "2018-03-02"
    location: {country: Burkina Faso}
    sources: [{title: Burkina attack}]
"""

WARNINGS_ONLY = """\
schema_version: 1
incidents:
  - id: 2018-03-02-ouagadougou
    title: Attacks in Ouagadougou
    date: "2018-03-02"
    location: {country: Burkina Faso}
    sources: [{title: Burkina attack}]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(app, ["validate", *args], env=env)


def findings(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in output.splitlines() if (m := FINDING.match(line))]


def summary(output: str) -> str:
    return output.rstrip("\n").splitlines()[-1]


def test_good_store_exits_0_with_a_valid_summary(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    path = write(tmp_path, "good.yaml", GOOD)
    result = validate(cli_env, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 file, 1 incidents, 1 milestones, 2 groups: valid\n"


def test_store_with_several_problems_exits_1_and_lists_every_finding_with_its_line(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    path = write(tmp_path, "broken.yaml", SEVERAL_PROBLEMS)
    result = validate(cli_env, str(path))
    assert result.exit_code == 1
    found = [
        (f["rule"], int(f["line"]), int(f["column"]), f["severity"])
        for f in findings(result.stdout)
    ]
    assert found == [
        ("missing-summary", 5, 5, "warning"),
        ("invalid-date", 7, 11, "error"),
        ("unknown-tactic", 9, 30, "error"),
        ("negative-figure", 11, 14, "error"),
        ("missing-summary", 13, 5, "warning"),
    ]
    assert all(f["file"] == str(path) for f in findings(result.stdout))
    assert (
        summary(result.stdout)
        == "1 file, 1 incidents, 0 milestones, 1 groups: 3 errors, 2 warnings"
    )


def test_unknown_group_is_found_once_the_other_errors_of_its_incident_are_fixed(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    # The incident with an invalid date is left out of the store, so its perpetrator is
    # not checked until the date is fixed; the store-wide rules then report it.
    fixed = SEVERAL_PROBLEMS.replace("date: 2017-02-30", "date: 2017-08-14")
    result = validate(cli_env, str(write(tmp_path, "broken.yaml", fixed)))
    rules = [(f["rule"], f["line"]) for f in findings(result.stdout)]
    assert ("unknown-group", "10") in rules
    assert "did you mean JNIM?" in result.stdout


def test_every_finding_line_has_file_line_column_severity_rule_and_message(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    path = write(tmp_path, "broken.yaml", SEVERAL_PROBLEMS)
    lines = validate(cli_env, str(path)).stdout.rstrip("\n").splitlines()
    *finding_lines, last = lines
    assert finding_lines and all(FINDING.match(line) for line in finding_lines)
    assert not FINDING.match(last)


def test_warnings_pass_but_fail_with_strict(tmp_path: Path, cli_env: dict[str, str | None]) -> None:
    path = write(tmp_path, "warnings.yaml", WARNINGS_ONLY)
    relaxed = validate(cli_env, str(path))
    assert relaxed.exit_code == 0
    assert [f["rule"] for f in findings(relaxed.stdout)] == ["missing-summary"]
    assert summary(relaxed.stdout).endswith(": 0 errors, 1 warning")
    strict = validate(cli_env, "--strict", str(path))
    assert strict.exit_code == 1
    assert strict.stdout == relaxed.stdout


def test_strict_does_not_fail_a_valid_store(tmp_path: Path, cli_env: dict[str, str | None]) -> None:
    assert validate(cli_env, "--strict", str(write(tmp_path, "good.yaml", GOOD))).exit_code == 0


def test_bad_option_exits_2_with_a_usage_message(cli_env: dict[str, str | None]) -> None:
    result = validate(cli_env, "--stricter")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert "--stricter" in result.stderr


def test_folder_store_is_checked_as_one_store(cli_env: dict[str, str | None]) -> None:
    result = validate(cli_env, str(VALID / "folder-store"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "3 files, 2 incidents, 0 milestones, 1 groups: valid\n"


def test_folder_store_findings_name_the_file_they_are_in(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    write(tmp_path, "store/a.yaml", GOOD)
    broken = write(tmp_path, "store/sub/b.yml", WARNINGS_ONLY.replace("Burkina Faso", "Burkina"))
    result = validate(cli_env, str(tmp_path / "store"))
    assert result.exit_code == 1
    (finding,) = [f for f in findings(result.stdout) if f["severity"] == "error"]
    assert (finding["file"], finding["rule"], finding["line"]) == (
        str(broken), "unknown-country", "6",
    )  # fmt: skip
    assert summary(result.stdout).startswith("2 files, 2 incidents, 1 milestones, 2 groups: ")


def test_several_paths_form_one_store(tmp_path: Path, cli_env: dict[str, str | None]) -> None:
    # The second file's incident relates to the first file's: valid only together.
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(
        tmp_path,
        "b.yaml",
        WARNINGS_ONLY.replace(
            "    sources:", "    related: [2017-10-04-tongo-tongo-ambush]\n    sources:"
        ),
    )
    assert validate(cli_env, str(second)).exit_code == 1
    together = validate(cli_env, str(first), str(second))
    assert together.exit_code == 0
    assert [f["rule"] for f in findings(together.stdout)] == ["missing-summary"]


@pytest.mark.parametrize("text", [GOOD, SEVERAL_PROBLEMS])
def test_python_m_sahel_timeline_gives_the_same_output_and_exit_code(
    text: str, tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    path = write(tmp_path, "store.yaml", text)
    in_process = validate(cli_env, str(path))
    process = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "validate", str(path)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == in_process.exit_code
    assert process.stdout == in_process.stdout
    assert "Traceback" not in process.stderr
