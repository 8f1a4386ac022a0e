"""A non-editable install must carry the resources and the sample corpus."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_packaging_wheel_ships_resources_and_datasets(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # every folder Python can import is declared ([tool.setuptools] packages): no warning
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("annotator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    corpus = {
        p.relative_to(ROOT / "datasets").as_posix()
        for p in (ROOT / "datasets").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    res = {
        p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {f"annotator/_datasets/{n}" for n in corpus} <= names
    assert {f"annotator/_resources/{n}" for n in res} <= names
    # installed without the source tree, the paths resolve inside the package
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "from annotator.core.paths import datasets_dir, resources_dir; "
        "print(datasets_dir()); print(resources_dir())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target)},
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(target) for p in out), out
    assert len(list(Path(out[0]).glob("*.txt"))) >= 30


def test_packaging_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("annotator, version")
