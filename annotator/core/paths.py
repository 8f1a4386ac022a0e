"""Where the bundled resources and sample datasets are, installed or in a source tree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_TREE = Path(__file__).resolve().parents[2]


def _locate(package: str, folder: str) -> Path:
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:  # source tree used without installing
        return _TREE / folder


def resources_dir() -> Path:
    return _locate("annotator._resources", "resources")


def datasets_dir() -> Path:
    return _locate("annotator._datasets", "datasets")
