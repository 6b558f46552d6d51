"""The installed package works from any folder, with the curated store shipped inside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHEL_TIMELINE_")}
    env.pop("PYTHONPATH", None)
    env.update(NO_COLOR="1", COLUMNS="120")
    return env


def _installed_location(folder: Path) -> str | None:
    probe = subprocess.run(
        [sys.executable, "-c", "import sahel_timeline; print(sahel_timeline.__file__)"],
        cwd=folder, env=_clean_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    return probe.stdout.strip() if probe.returncode == 0 else None


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    if _installed_location(folder) is None:
        pytest.skip("sahel_timeline is not installed; the README's test command installs it")
    return folder


def test_python_m_runs_the_timeline_of_the_shipped_store_from_another_folder(
    elsewhere: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "timeline"],
        cwd=elsewhere, env=_clean_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Aziz Istanbul" in result.stdout
    assert "Tongo Tongo" in result.stdout
    assert "Traceback" not in result.stderr


def test_console_script_validates_the_shipped_store_from_another_folder(elsewhere: Path) -> None:
    script = Path(sys.executable).with_name("sahel-timeline")
    if not script.exists():
        pytest.skip("no console script beside this interpreter (package not installed with pip)")
    result = subprocess.run(
        [str(script), "validate"],
        cwd=elsewhere, env=_clean_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_installed_copy_of_the_curated_store_is_the_repository_file(elsewhere: Path) -> None:
    location = _installed_location(elsewhere)
    assert location is not None
    package = Path(location).parent
    shipped = package / "data" / "incidents.yaml"
    if not shipped.exists():  # an editable install reads the repository's file directly
        assert package.resolve() == (REPOSITORY / "sahel_timeline").resolve()
        return
    assert shipped.read_bytes() == (REPOSITORY / "incidents.yaml").read_bytes()


def test_installed_package_draws_the_html_brief_map_from_its_own_outlines(
    elsewhere: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "export", "--format", "html"],
        cwd=elsewhere, env=_clean_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '<g class="countries">\n<path' in result.stdout
    assert "Natural Earth" in result.stdout
