"""The pre-commit hook, run through pre-commit itself: a broken store fails, a valid one passes.

pre-commit builds the hook's environment by installing this project with pip from a git
repository, so the test copies the current working tree into a temporary repository and
commits it; the environment is built once for the module (PRE_COMMIT_HOME is shared).
That install needs the package index (the build backend and the dependencies): where pip
cannot reach it, the test is skipped with pip's own words instead of failing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("pre_commit")

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("pyproject.toml", "README.md", "incidents.yaml", ".pre-commit-hooks.yaml")
HOOK_ID = "sahel-timeline-validate"
BUILD_BACKEND = "hatchling>=1.21"  # pyproject.toml's build-system.requires

VALID_STORE = """\
schema_version: 1
groups:
  - {id: jnim, name: JNIM}
incidents:
  - id: 2018-03-02-gao
    title: Attack in Gao
    date: "2018-03-02"
    location: {country: Mali, place: Gao}
    perpetrators: [{group: jnim, status: suspected}]
    summary: A summary.
    sources: [{title: A report}]
"""


def git(cwd: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Curator", "-c", "user.email=curator@example.org", *arguments],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory, git_installed: None) -> Path:
    """A git repository holding the current code, committed (pre-commit reads a commit)."""
    copy = tmp_path_factory.mktemp("hook-repository")
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, copy / name)
    shutil.copytree(
        REPO / "sahel_timeline", copy / "sahel_timeline",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )  # fmt: skip
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "working tree")
    return copy


@pytest.fixture(scope="module")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skips the module's hook runs when pip cannot fetch the build backend (offline)."""
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--retries", "1",
         "--dest", str(tmp_path_factory.mktemp("index-probe")), BUILD_BACKEND],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    if probe.returncode != 0:
        last_line = (probe.stderr.strip().splitlines() or ["pip failed"])[-1]
        pytest.skip(f"pip cannot reach the package index to build the hook ({last_line})")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hook_repository: Path, home: Path, project: Path, *files: str):
    # The tests' own environment (conftest.py) already holds no GIT_DIR or user git config.
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PRE_COMMIT")
    }
    environment.update(PRE_COMMIT_HOME=str(home), SAHEL_TIMELINE_NOW="2019-01-01", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), HOOK_ID,
         "--files", *files, "--color", "never"],
        cwd=project, env=environment, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def consumer_project(root: Path, store: str) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    (root / "incidents.yaml").write_text(store, encoding="utf-8")
    git(root, "add", "incidents.yaml")
    return root


def test_hook_definition_is_what_pre_commit_expects() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == HOOK_ID
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook["entry"] == "sahel-timeline validate"


def test_hook_passes_a_valid_store_and_fails_a_broken_one(
    package_index: None, hook_repository: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    # One test, so that the hook environment is built once and reused by the second run.
    valid = consumer_project(tmp_path / "valid", VALID_STORE)
    passed = try_repo(hook_repository, pre_commit_home, valid, "incidents.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    broken = consumer_project(
        tmp_path / "broken", VALID_STORE.replace("group: jnim", "group: JMIN")
    )
    failed = try_repo(hook_repository, pre_commit_home, broken, "incidents.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "incidents.yaml:9:28: error unknown-group: unknown group 'JMIN'" in failed.stdout
