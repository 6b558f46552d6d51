"""No byte from a store, an option or a file name drives the terminal or forges CI output.

Run on a real pseudo-terminal where it matters: what a terminal receives is asserted byte
for byte (ESC, BEL and bidirectional overrides never arrive raw)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from test_diff import commit_all, git  # the git repositories of the diff tests
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.reports.findings_formats import unescape

CURATED = Path(__file__).resolve().parent.parent / "incidents.yaml"
HYPERLINK = "\x1b]8;;https://evil.example\x07click me\x1b]8;;\x07"
CLEAR = "\x1b[2J\x1b[H"
OVERRIDE = "\u202eevil\u202c"
RAW = (b"\x1b", b"\x07", "\u202e".encode())


def on_a_terminal(args: list[str], cwd: Path | None = None) -> tuple[int, bytes, bytes]:
    """Run the command with stdout and stderr on pseudo-terminals; what each received."""
    environment = {
        **os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200",
        "SAHEL_TIMELINE_NOW": "2025-01-01", "SAHEL_TIMELINE_NO_CACHE": "1",
    }  # fmt: skip
    environment.pop("SAHEL_TIMELINE_STORE", None)
    terminals = [pty.openpty(), pty.openpty()]
    process = subprocess.Popen(
        [sys.executable, "-m", "sahel_timeline", *args],
        stdin=subprocess.DEVNULL, stdout=terminals[0][1], stderr=terminals[1][1],
        env=environment, cwd=cwd,
    )  # fmt: skip
    received = {master: b"" for master, _ in terminals}
    for _, follower in terminals:
        os.close(follower)
    open_masters = set(received)
    while open_masters:
        ready, _, _ = select.select(list(open_masters), [], [], 60)
        assert ready, "the command did not finish within a minute"
        for master in ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command closed its end
                data = b""
            if data:
                received[master] += data
            else:
                open_masters.discard(master)
                os.close(master)
    code = process.wait(timeout=60)
    return code, received[terminals[0][0]], received[terminals[1][0]]


def assert_nothing_raw(output: bytes) -> None:
    for raw in RAW:
        assert raw not in output, (raw, output[:300])


# --- exports written to a terminal ---------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["markdown", "html", "timelinejs", "json"])
def test_an_export_to_a_terminal_shows_control_characters(export_format: str) -> None:
    title = f"Brief {HYPERLINK} {CLEAR} {OVERRIDE}"
    arguments = ["export", "--store", str(CURATED), "-f", export_format, "--title", title]
    code, stdout, _ = on_a_terminal(arguments)
    assert code == 0
    assert_nothing_raw(stdout)
    if export_format in ("markdown", "html"):
        shown = stdout.replace(b"\\]", b"]").replace(b"\\[", b"[")  # Markdown's escapes
        assert b"\\x1b]8;;https://evil.example\\x07click me" in shown
        assert b"\\x1b[2J\\x1b[H \\u202eevil\\u202c" in shown


def test_a_csv_export_to_a_terminal_keeps_its_crlf_line_ends(tmp_path: Path) -> None:
    code, stdout, _ = on_a_terminal(["export", "--store", str(CURATED), "-f", "csv"])
    assert code == 0
    lines = stdout.split(b"\r\n")  # the terminal adds no CR to a CRLF it is given
    assert lines[0].startswith(b"id,kind,") and len(lines) > 10
    assert b"\\x0d" not in stdout


def test_an_export_piped_or_to_a_file_keeps_the_bytes_exact(cli_env, tmp_path: Path) -> None:
    title = f"Brief {HYPERLINK}"
    arguments = ["export", "--store", str(CURATED), "-f", "markdown", "--title", title]
    piped = CliRunner().invoke(app, arguments, env=cli_env)
    hyperlink = HYPERLINK.replace("]", "\\]")  # as Markdown escapes it
    assert piped.exit_code == 0 and hyperlink in piped.stdout
    target = tmp_path / "brief.md"
    written = CliRunner().invoke(app, [*arguments, "-o", str(target)], env=cli_env)
    assert written.exit_code == 0 and hyperlink in target.read_text(encoding="utf-8")


# --- diff --format text --------------------------------------------------------------------------


MILESTONE = (
    "schema_version: 1\nincidents:\n  - id: coup\n    kind: milestone\n"
    '    date: "2012-03-22"\n    title: {title}\n'
)


@pytest.mark.parametrize("diff_format", ["text", "markdown"])
def test_diff_shows_control_characters_of_changed_values(
    tmp_path: Path, diff_format: str, git_installed: None
) -> None:
    git(tmp_path, "init", "-q")
    store = tmp_path / "incidents.yaml"
    store.write_text(MILESTONE.format(title="Coup in Bamako"), encoding="utf-8")
    commit_all(tmp_path)
    hostile = '"Coup \\e]8;;https://evil.example\\a in \\e[2J Bamako \\u202eevil\\u202c"'
    store.write_text(MILESTONE.format(title=hostile), encoding="utf-8")

    code, stdout, stderr = on_a_terminal(["diff", str(store), "--format", diff_format])

    assert code == 0, stderr
    assert_nothing_raw(stdout)
    shown = stdout.replace(b"\\]", b"]").replace(b"\\[", b"[")  # Markdown's escapes
    assert b"\\x1b]8;;https://evil.example\\x07 in \\x1b[2J Bamako \\u202eevil\\u202c" in shown


def test_diff_text_escapes_in_the_text_itself_whatever_the_output(
    cli_env, tmp_path, git_installed: None
) -> None:
    git(tmp_path, "init", "-q")
    store = tmp_path / "incidents.yaml"
    store.write_text(MILESTONE.format(title="Coup"), encoding="utf-8")
    commit_all(tmp_path)
    store.write_text(MILESTONE.format(title='"Coup\\e[2J\\nforged line"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(store)], env=cli_env)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "changed  coup  2012-03-22  Coup\\x1b[2J forged line",
        "           title: Coup -> Coup\\x1b[2J forged line",
    ]


# --- file names and suggestions in messages ------------------------------------------------------


def test_a_file_name_in_an_error_message_cannot_clear_the_screen(tmp_path: Path) -> None:
    name = f"brief{CLEAR}.md"
    (tmp_path / name).write_text("old", encoding="utf-8")
    arguments = ["export", "--store", str(CURATED), "-f", "markdown", "-o", name]
    code, stdout, stderr = on_a_terminal(arguments, cwd=tmp_path)
    assert code == 1 and stdout == b""
    assert_nothing_raw(stderr)
    assert b"brief\\x1b[2J\\x1b[H.md exists; use --force" in stderr


def test_an_unknown_group_suggestion_stays_on_one_line(cli_env, tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    store.write_text(
        "schema_version: 1\ngroups:\n  - id: jnim\n    name: JNIM\n"
        '    aliases: ["GS\\nIM"]\nincidents: []\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["timeline", "--store", str(store), "--group", "GSIN"])
    assert result.exit_code == 2
    assert "did you mean GS IM" in " ".join(result.stderr.split("\n│"))


# --- validate: a file name cannot forge CI annotations ----------------------------------------

FORGING = "x\n::error file=forged.yaml,line=1::forged\n.yaml"


def _forging_store(tmp_path: Path) -> Path:
    path = tmp_path / FORGING
    path.write_text("schema_version: 1\nincidents: [{id: a}]\n", encoding="utf-8")
    return path


def test_validate_text_output_keeps_a_newline_in_a_file_name_on_one_line(
    cli_env, tmp_path: Path
) -> None:
    path = _forging_store(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(path)], env=cli_env)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("::")]
    shown = str(path).replace("\n", "\\x0a")
    assert lines[0].startswith(f"{shown}:2:13: error missing-key: ")


def test_validate_github_output_is_one_annotation_per_finding_naming_the_real_file(
    cli_env, tmp_path: Path
) -> None:
    path = _forging_store(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "github"], env=cli_env)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 5  # one per finding, none forged
    escaped = f"{tmp_path}/x%0A%3A%3Aerror file=forged.yaml%2Cline=1%3A%3Aforged%0A.yaml"
    assert all(line.split(" ", 1)[1].startswith(f"file={escaped},line=") for line in lines)
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    properties = lines[0].split(" ", 1)[1].split("::", 1)[0]
    file_property = properties.split(",")[0].removeprefix("file=")
    assert unescape(file_property) == str(path)


def test_validate_on_a_terminal_shows_a_control_character_in_a_file_name(tmp_path: Path) -> None:
    path = tmp_path / f"store{CLEAR}.yaml"
    path.write_text("schema_version: 1\nincidents: [{id: a}]\n", encoding="utf-8")
    code, stdout, _ = on_a_terminal(["validate", str(path)])
    assert code == 1
    assert_nothing_raw(stdout)
    assert b"store\\x1b[2J\\x1b[H.yaml:2:13: error missing-key" in stdout


def test_an_import_summary_shows_control_characters_of_file_names(cli_env, tmp_path: Path) -> None:
    name = f"export{CLEAR}\n::error file=x::forged.csv"
    export = tmp_path / name
    export.write_bytes((Path(__file__).parent / "data" / "acled" / "current.csv").read_bytes())
    store = tmp_path / "store.yaml"
    result = CliRunner().invoke(
        app, ["import-acled", str(export), "--into", str(store)], env=cli_env
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert "export\\x1b[2J\\x1b[H\\x0a::error file=x::forged.csv: current" in result.stderr
