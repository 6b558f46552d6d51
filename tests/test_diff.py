"""`sahel-timeline diff`: what a pull request adds, removes and changes, for reviewers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.reports.diff import diff_stores, format_markdown, markdown_text
from sahel_timeline.store.load import assemble_store, load_file_bytes

NOW = dt.date(2019, 1, 1)
CLI_ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERMINAL_WIDTH": "200",
    "COLUMNS": "200",
    "SAHEL_TIMELINE_NOW": "2019-01-01",
}


def incident(
    id: str,
    title: str = "Attack in Gao",
    date: str = "2018-03",
    killed: str | None = "18",
    extra: str = "",
) -> str:
    killed_line = f"    killed: {killed}\n" if killed is not None else ""
    return (
        f"  - id: {id}\n"
        f"    title: {json.dumps(title)}\n"
        f'    date: "{date}"\n'
        "    location: {country: Mali, place: Gao}\n"
        "    perpetrators: [{group: jnim, status: suspected}]\n"
        f"{killed_line}"
        "    summary: A summary.\n"
        "    sources: [{title: A report, publisher: AFP}]\n"
        f"{extra}"
    )


GROUPS = "groups:\n  - {id: jnim, name: JNIM}\n"


def store_text(*incidents: str, groups: bool = True) -> str:
    return "schema_version: 1\n" + (GROUPS if groups else "") + "incidents:\n" + "".join(incidents)


def loaded(text: str):
    return assemble_store([load_file_bytes(text.encode(), "incidents.yaml")], NOW)


def git(repo: Path, *arguments: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Curator", "-c", "user.email=curator@example.org", *arguments],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path, git_installed: None) -> Path:
    git(tmp_path, "init", "-q")
    return tmp_path


def commit_all(repo: Path, message: str = "store") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


# --- the core ----------------------------------------------------------------------------------


def test_changed_fields_use_display_forms_old_and_new() -> None:
    base = loaded(store_text(incident("a", killed="18", date="2018-03")))
    current = loaded(
        store_text(
            incident(
                "a",
                killed="{low: 18, high: 19}",
                date="2018-03-02",
                extra="    wounded: 4\n    sources: []\n",
            ).replace("    sources: [{title: A report, publisher: AFP}]\n", "", 1)
        )
    )
    result = diff_stores(base, current, "incidents.yaml", "HEAD")
    assert not result.added and not result.removed
    (entry,) = result.changed
    changes = {c.field: (c.old, c.new) for c in entry.changes}
    assert changes["killed"] == ("18", "18-19")
    assert changes["date"] == ("2018-03", "2018-03-02")
    assert changes["wounded"] == (None, "4")
    assert changes["sources.1"] == ("A report (AFP)", None)


def test_identical_stores_have_no_changes_even_when_reordered() -> None:
    text = store_text(incident("a"), incident("b", date="2017"))
    reordered = store_text(incident("b", date="2017"), incident("a"))
    result = diff_stores(loaded(text), loaded(reordered), "incidents.yaml", "HEAD")
    assert result.is_empty


def test_markdown_escapes_pipes_html_and_newlines_in_values() -> None:
    base = loaded(store_text(incident("a", title="Old | title")))
    current = loaded(store_text(incident("a", title="<script>x</script> a|b\nc *bold*")))
    rendered = format_markdown(diff_stores(base, current, "incidents.yaml", "main"))
    html = MarkdownIt("commonmark").enable("table").render(rendered)
    assert "<script>" not in html
    # One row of exactly three cells: a pipe in a value does not add a cell.
    assert html.count("<tr>") == 2  # the header and the title row
    assert html.count("<td>") == 3
    assert "<td>Old | title</td>" in html
    assert "<td>&lt;script&gt;x&lt;/script&gt; a|b<br>c *bold*</td>" in html


def test_markdown_text_escapes_backslash_before_what_it_adds() -> None:
    assert markdown_text("a\\|b") == "a\\\\\\|b"


# --- the command line on a git repository ------------------------------------------------------


def test_diff_reports_added_removed_and_changed_incidents(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("kept"), incident("dropped"), incident("edited")), "utf-8")
    commit_all(repo)
    path.write_text(
        store_text(incident("kept"), incident("edited", killed="{low: 18, high: 19}"),
                   incident("new", title="A new attack", date="2018-05-01")),
        "utf-8",
    )  # fmt: skip
    code, stdout, _ = run_cli("diff", str(path), "--format", "json")
    assert code == 0
    assert json.loads(stdout) == {
        "path": str(path),
        "base": "HEAD",
        "added": [{"id": "new", "date": "2018-05-01", "title": "A new attack"}],
        "removed": [{"id": "dropped", "date": "2018-03", "title": "Attack in Gao"}],
        "changed": [
            {
                "id": "edited",
                "date": "2018-03",
                "title": "Attack in Gao",
                "changes": [{"field": "killed", "old": "18", "new": "18-19"}],
            }
        ],
    }
    code, stdout, _ = run_cli("diff", str(path))
    assert code == 0
    assert stdout.splitlines() == [
        f"{path} compared with HEAD: 1 added, 1 removed, 1 changed",
        "added    new  2018-05-01  A new attack",
        "removed  dropped  2018-03  Attack in Gao",
        "changed  edited  2018-03  Attack in Gao",
        "           killed: 18 -> 18-19",
    ]


def test_diff_does_not_touch_the_working_tree(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    commit_all(repo)
    edited = store_text(incident("a", killed="3"))
    path.write_text(edited, "utf-8")
    assert run_cli("diff", str(path))[0] == 0
    assert path.read_text("utf-8") == edited
    assert git(repo, "status", "--porcelain") == " M incidents.yaml\n"


def test_diff_defaults_to_the_selected_store_and_head(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "incidents.yaml").write_text(store_text(incident("a")), "utf-8")
    commit_all(repo)
    (repo / "incidents.yaml").write_text(store_text(incident("a"), incident("b")), "utf-8")
    monkeypatch.chdir(repo)
    code, stdout, _ = run_cli("diff")
    assert code == 0
    assert (
        stdout.splitlines()[0] == "incidents.yaml compared with HEAD: 1 added, 0 removed, 0 changed"
    )


def test_diff_against_an_older_revision(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    commit_all(repo, "first")
    path.write_text(store_text(incident("a"), incident("b")), "utf-8")
    commit_all(repo, "second")
    assert json.loads(run_cli("diff", str(path), "--format", "json")[1])["added"] == []
    older = json.loads(run_cli("diff", str(path), "--base", "HEAD~1", "--format", "json")[1])
    assert [entry["id"] for entry in older["added"]] == ["b"]


def test_a_folder_store_is_compared_across_its_files(repo: Path) -> None:
    store = repo / "stores"
    (store / "2018").mkdir(parents=True)
    (repo / "README.txt").write_text("not a store\n", "utf-8")
    (store / "groups.yaml").write_text("schema_version: 1\n" + GROUPS, "utf-8")
    (store / "2018" / "march.yaml").write_text(
        store_text(incident("a"), incident("moved"), groups=False), "utf-8"
    )
    (store / "notes.txt").write_text("ignored\n", "utf-8")
    commit_all(repo)
    (store / "2018" / "march.yaml").write_text(store_text(incident("a"), groups=False), "utf-8")
    (store / "2018" / "april.yml").write_text(
        store_text(incident("moved"), incident("b", date="2018-04"), groups=False), "utf-8"
    )
    code, stdout, stderr = run_cli("diff", str(store), "--format", "json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert [e["id"] for e in result["added"]] == ["b"]
    assert result["removed"] == [] and result["changed"] == []
    assert "error" not in stderr  # the groups file at the base was read: JNIM is known


def test_a_path_missing_at_the_revision_counts_everything_as_added(repo: Path) -> None:
    (repo / "other.txt").write_text("x\n", "utf-8")
    commit_all(repo)
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a"), incident("b")), "utf-8")
    code, stdout, _ = run_cli("diff", str(path), "--format", "json")
    assert code == 0
    assert [e["id"] for e in json.loads(stdout)["added"]] == ["a", "b"]


def test_a_deleted_store_counts_everything_as_removed(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    commit_all(repo)
    path.unlink()
    code, stdout, _ = run_cli("diff", str(path), "--format", "json")
    assert code == 0
    assert [e["id"] for e in json.loads(stdout)["removed"]] == ["a"]


def test_markdown_format_is_a_pull_request_comment(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    commit_all(repo)
    path.write_text(store_text(incident("a", killed="20")), "utf-8")
    code, stdout, _ = run_cli("diff", str(path), "--format", "markdown", "--base", "HEAD")
    assert code == 0
    html = MarkdownIt("commonmark").enable("table").render(stdout)
    assert "<td>killed</td>\n<td>18</td>\n<td>20</td>" in html
    assert "1 changed" in html


def test_outside_a_git_repository_is_an_error_with_exit_1(
    tmp_path: Path, git_installed: None
) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    code, stdout, stderr = run_cli("diff", str(path))
    assert code == 1
    assert stdout == ""
    assert "not inside a git repository" in " ".join(stderr.split())


def test_without_git_diff_says_git_is_missing_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    code, stdout, stderr = run_cli("diff", str(path))
    assert code == 1
    assert stdout == ""
    assert "Error: git is not installed" in " ".join(stderr.split())
    assert "Traceback" not in stderr


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    path = repo / "incidents.yaml"
    path.write_text(store_text(incident("a")), "utf-8")
    commit_all(repo)
    code, _, stderr = run_cli("diff", str(path), "--base", "no-such-branch")
    assert code == 2
    assert "unknown git revision 'no-such-branch'" in " ".join(stderr.split())
    code, _, stderr = run_cli("diff", str(path), "--base", "--output=/tmp/x")
    assert code == 2
