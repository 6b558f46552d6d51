"""Hostile store files end quickly with a clear finding: no exception, no expansion, no code run.

What a broken editor, a bad merge, a wrong file or a malicious pull request can put in a
store: absurd nesting, alias bombs, huge lines, binary garbage, Python tags, files that
cannot be read. The core turns each into findings; `validate` exits 1 without a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import Finding
from sahel_timeline.store import loader
from sahel_timeline.store.load import load_store
from sahel_timeline.store.loader import Mapping, Node, Sequence, parse_yaml_bytes, read_yaml_file

NOW = dt.date(2025, 1, 1)
TIME_LIMIT = 2.0  # seconds: a sanity bound, far above the real cost
REPOSITORY = Path(__file__).resolve().parent.parent
FINDING_LINE = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+):(?P<column>[0-9]+): (error|warning) ")

BILLION_LAUGHS = b"""\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def python_tag(marker: Path) -> bytes:
    return (
        b"schema_version: 1\n"
        b'x-payload: !!python/object/apply:os.system ["touch ' + str(marker).encode() + b'"]\n'
    )


def timed(parse: Callable[[], tuple[Node | None, list[Finding]]]) -> list[Finding]:
    start = time.perf_counter()
    _, findings = parse()
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"
    return findings


def rules_at(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(finding.rule, finding.line, finding.column) for finding in findings]


def count_nodes(node: Node | None) -> int:
    if isinstance(node, Mapping):
        return 1 + sum(count_nodes(child) for child in node.items.values())
    if isinstance(node, Sequence):
        return 1 + sum(count_nodes(child) for child in node.items)
    return 1


# --- nesting ------------------------------------------------------------------------------


def test_million_deep_flow_nesting_stops_at_the_depth_limit() -> None:
    findings = timed(lambda: parse_yaml_bytes(b"[" * 1_000_000, "deep.yaml"))
    assert rules_at(findings) == [("too-deep", 1, loader.MAX_DEPTH + 1)]
    assert "nesting deeper than" in findings[0].message


def test_million_deep_closed_flow_nesting_stops_at_the_depth_limit() -> None:
    data = b"x: " + b"[" * 1_000_000 + b"]" * 1_000_000
    findings = timed(lambda: parse_yaml_bytes(data, "deep.yaml"))
    assert rules_at(findings) == [("too-deep", 1, 4 + loader.MAX_DEPTH - 1)]


def test_deep_flow_nesting_over_many_lines_is_placed_past_quoted_brackets() -> None:
    # Each line opens one list and holds brackets inside quotes and a comment: only the
    # real openings count, and the finding names the line whose bracket crosses the limit,
    # whichever libyaml release (with or without its own nesting limit) reads the file.
    line = "  [ \"[{\", '[''{', # [[[\n"
    data = ("x:\n" + line * 3000).encode()
    findings = timed(lambda: parse_yaml_bytes(data, "deep.yaml"))
    # The root mapping is level 1, the list on line N + 1 is level N + 1.
    assert rules_at(findings) == [("too-deep", loader.MAX_DEPTH + 1, 3)]


def test_deep_block_nesting_by_indentation_stops_at_the_depth_limit() -> None:
    data = "".join(" " * level + f"k{level}:\n" for level in range(3000)).encode()
    findings = timed(lambda: parse_yaml_bytes(data, "deep.yaml"))
    # The root mapping is level 1; the mapping of line N is level N.
    depth = loader.MAX_DEPTH + 1
    assert rules_at(findings) == [("too-deep", depth, depth)]


def test_million_deep_compact_block_sequence_stops_at_the_depth_limit() -> None:
    findings = timed(lambda: parse_yaml_bytes(b"- " * 1_000_000 + b"x\n", "deep.yaml"))
    assert rules_at(findings) == [("too-deep", 1, 2 * loader.MAX_DEPTH + 1)]


# --- aliases, tags, floods ----------------------------------------------------------------


def test_billion_laughs_is_refused_at_its_first_anchor_and_never_expanded() -> None:
    root, findings = parse_yaml_bytes(BILLION_LAUGHS, "laughs.yaml")
    assert rules_at(findings)[0] == ("yaml-anchor", 1, 4)
    assert {finding.rule for finding in findings} == {"yaml-anchor", "yaml-alias"}
    assert ("yaml-alias", 2, 8) in rules_at(findings)
    # 9 + 8 * 9 entries at most: the aliases stand for nothing, they are not copies.
    assert count_nodes(root) < 200


def test_billion_laughs_store_validates_quickly_with_markup_findings_only(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_bytes(b"schema_version: 1\nx-" + BILLION_LAUGHS.replace(b"\n", b"\nx-", 8))
    start = time.perf_counter()
    store = load_store([path], NOW)
    assert time.perf_counter() - start < TIME_LIMIT
    assert store.findings[0].rule == "yaml-anchor"
    assert {finding.rule for finding in store.findings} == {"yaml-anchor", "yaml-alias"}


def test_python_object_tag_is_refused_and_nothing_is_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "tag.yaml"
    path.write_bytes(python_tag(marker))
    store = load_store([path], NOW)
    assert rules_at(store.findings) == [("yaml-tag", 2, 12)]
    assert "python/object/apply:os.system" in store.findings[0].message
    assert not marker.exists()


def test_duplicate_key_flood_stops_reading_after_a_bounded_number_of_findings() -> None:
    data = b"{" + b"a: 1, " * 200_000 + b"}"
    findings = timed(lambda: parse_yaml_bytes(data, "flood.yaml"))
    assert len(findings) <= loader.MAX_MARKUP_FINDINGS + 1
    assert rules_at(findings)[0] == ("duplicate-key", 1, 8)
    assert "stopped reading" in findings[-1].message


def test_too_many_aliases_stop_reading() -> None:
    data = b"x: [" + b"*a, " * 100_000 + b"]"
    findings = timed(lambda: parse_yaml_bytes(data, "aliases.yaml"))
    assert len(findings) <= loader.MAX_MARKUP_FINDINGS + 1
    assert "stopped reading" in findings[-1].message


# --- size and bytes -----------------------------------------------------------------------


def test_twenty_megabyte_line_is_one_finding() -> None:
    data = b"a" * 20_000_000
    findings = timed(lambda: _validated(data))
    assert rules_at(findings) == [("wrong-type", 1, 1)]


def test_twenty_megabyte_value_is_reported_with_a_short_message() -> None:
    data = b"schema_version: 1\nincidents:\n  - id: " + b"x" * 20_000_000 + b"\n"
    findings = timed(lambda: _validated(data))
    assert ("invalid-id", 3, 9) in rules_at(findings)
    assert all(len(finding.message) < 500 for finding in findings)


def _validated(data: bytes) -> tuple[Node | None, list[Finding]]:
    from sahel_timeline.store.load import load_file_bytes

    return None, load_file_bytes(data, "big.yaml").findings


def test_random_binary_garbage_is_an_encoding_finding() -> None:
    data = random.Random(20170813).randbytes(100_000)
    findings = timed(lambda: parse_yaml_bytes(data, "garbage.bin"))
    assert len(findings) == 1
    (finding,) = findings
    assert finding.rule == "encoding"
    assert finding.line >= 1 and finding.column >= 1
    assert "invalid UTF-8" in finding.message


def test_utf16_file_is_an_encoding_finding_at_its_first_byte() -> None:
    data = "schema_version: 1\n".encode("utf-16")
    assert rules_at(parse_yaml_bytes(data, "utf16.yaml")[1]) == [("encoding", 1, 1)]


def test_nul_bytes_are_control_characters_with_their_position() -> None:
    findings = parse_yaml_bytes(b"schema_version: 1\nx-a: b\x00c\n", "nul.yaml")[1]
    assert rules_at(findings) == [("control-character", 2, 7)]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_refused_where_they_stand(separator: str) -> None:
    # libyaml counts them as line breaks: every later finding would be a line off.
    text = f"schema_version: 1\nx-title: Gao{separator}attack\nnope: 1\n"
    findings = parse_yaml_bytes(text.encode(), "pasted.yaml")[1]
    assert rules_at(findings) == [("control-character", 2, 13)]
    assert f"U+{ord(separator):04X}" in findings[0].message


# --- files that are not stores ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ("missing-key", 1, 1)),
        (b"# only a comment\n\n", ("missing-key", 1, 1)),
        (b"just a title\n", ("wrong-type", 1, 1)),
        (b"- schema_version: 1\n", ("wrong-type", 1, 1)),
        (b"42", ("wrong-type", 1, 1)),
    ],
    ids=["empty", "comment-only", "scalar", "list", "number"],
)
def test_file_that_is_not_a_mapping_is_one_clear_finding(
    data: bytes, expected: tuple[str, int, int]
) -> None:
    assert rules_at(_validated(data)[1]) == [expected]


def test_empty_file_says_it_is_empty() -> None:
    (finding,) = _validated(b"")[1]
    assert "empty" in finding.message and "schema_version" in finding.message


def test_folder_without_yaml_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# not a store\n", encoding="utf-8")
    with pytest.raises(SahelError, match=r"no \.yaml or \.yml files"):
        load_store([tmp_path], NOW)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SahelError, match="no such file or folder"):
        load_store([tmp_path / "nowhere.yaml"], NOW)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="chmod does not deny root"
)
def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text("schema_version: 1\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert rules_at(read_yaml_file(path)[1]) == [("unreadable-file", 1, 1)]
    finally:
        path.chmod(0o644)


def test_folder_named_like_a_store_file_is_an_unreadable_file(tmp_path: Path) -> None:
    folder = tmp_path / "incidents.yaml"
    folder.mkdir()
    (finding,) = read_yaml_file(folder)[1]
    assert (finding.rule, finding.line, finding.column) == ("unreadable-file", 1, 1)


# --- the command line on hostile files ----------------------------------------------------

HOSTILE_FILES: dict[str, Callable[[Path], bytes]] = {
    "deep-flow.yaml": lambda _: b"[" * 1_000_000,
    "deep-block.yaml": lambda _: b"- " * 100_000 + b"x\n",
    "laughs.yaml": lambda _: BILLION_LAUGHS,
    "long-line.yaml": lambda _: b"a" * 20_000_000,
    "garbage.yaml": lambda _: random.Random(1).randbytes(50_000),
    "empty.yaml": lambda _: b"",
    "scalar.yaml": lambda _: b"Timbuktu\n",
    "list.yaml": lambda _: b"- 1\n- 2\n",
    "python-tag.yaml": lambda folder: python_tag(folder / "pwned"),
    "syntax.yaml": lambda _: b"schema_version: 1\nincidents: [\n",
    "separator.yaml": lambda _: "schema_version: 1\nx-a: b\u2028c\n".encode(),
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in HOSTILE_FILES.items():
        (folder / name).write_bytes(make(folder))
    return folder


def _assert_reported_without_traceback(output: str, path: Path) -> None:
    assert "Traceback" not in output
    lines = [m for line in output.splitlines() if (m := FINDING_LINE.match(line))]
    assert lines, output[:2000]
    assert all(m["file"] == str(path) for m in lines)


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_validate_reports_hostile_file_and_exits_1(
    name: str, hostile_folder: Path, cli_env: dict[str, str | None]
) -> None:
    path = hostile_folder / name
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["validate", str(path)], env=cli_env)
    assert time.perf_counter() - start < 3 * TIME_LIMIT
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _assert_reported_without_traceback(result.stdout, path)
    assert not (hostile_folder / "pwned").exists()


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sahel_timeline", *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", ["python-tag.yaml", "garbage.yaml", "laughs.yaml"])
def test_validate_process_reports_hostile_file_without_traceback(
    name: str, hostile_folder: Path, cli_env: dict[str, str | None]
) -> None:
    path = hostile_folder / name
    result = _run_module("validate", str(path))
    assert result.returncode == 1, result.stderr
    _assert_reported_without_traceback(result.stdout, path)
    assert "Traceback" not in result.stderr
    assert not (hostile_folder / "pwned").exists()


def test_validate_missing_path_exits_1_with_a_message(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = _run_module("validate", str(missing))
    assert result.returncode == 1
    message = " ".join(result.stderr.split())  # the console may wrap a long path
    assert "no such file or folder" in message
    assert missing.name in message
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_folder_without_yaml_files_exits_1_with_a_message(
    tmp_path: Path, cli_env: dict[str, str | None]
) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path)], env=cli_env)
    assert result.exit_code == 1
    assert "no .yaml or .yml files" in result.stderr
    assert "valid" not in result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_given_as_a_store_is_refused_instead_of_read_forever(
    cli_env: dict[str, str],
) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(app, ["validate", "/dev/zero"], env=cli_env)
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert "/dev/zero:1:1: error unreadable-file" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_read_as_a_store_file(tmp_path: Path) -> None:
    pipe = tmp_path / "store.pipe"
    os.mkfifo(pipe)
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(pipe)!r}, 'w').write('schema_version: 1\\nbogus: 1\\n')"]
    )
    try:
        store = load_store([pipe], dt.date(2026, 11, 21))
    finally:
        writer.wait(timeout=10)
    assert [(f.rule, f.line) for f in store.findings] == [("unknown-key", 2)]
