"""The entity label set: names, colours, number keys and one-line guidelines.

Loaded from ``resources/labels.json`` (or a project's own file). A label the set does not
know (another model, a rule file) still gets a stable, calm colour so it can be shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.paths import resources_dir

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# calm fills for labels outside the set, picked by a hash of the name
_SPARE = ("#d8d3e8", "#cfe0d8", "#e8dccb", "#d2dde8", "#e6d0d6", "#dfe3c8")


@dataclass(frozen=True)
class Label:
    name: str
    colour: str  # "#rrggbb", the fill of an accepted (gold) span
    key: int | None = None  # 1-9: the number key that applies it
    guideline: str = ""
    description: str = ""


@dataclass(frozen=True)
class LabelSet:
    name: str
    labels: tuple[Label, ...]

    def get(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        digest = hashlib.sha1(name.encode("utf-8")).digest()
        return Label(name, _SPARE[digest[0] % len(_SPARE)])

    def by_key(self, key: int) -> Label | None:
        return next((lab for lab in self.labels if lab.key == key), None)

    @property
    def names(self) -> list[str]:
        return [lab.name for lab in self.labels]


def default_path() -> Path:
    return resources_dir() / "labels.json"


def load_labels(path: str | Path | None = None) -> LabelSet:
    """Read a label file; a bad file raises ValueError with one line naming file and field."""
    path = Path(path) if path else default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the label file ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    return parse_labels(data, str(path))


def parse_labels(data: Any, source: str = "labels") -> LabelSet:
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise ValueError(f"{source}: expected an object with a 'labels' list")
    labels = tuple(_label(item, f"{source}: labels[{i}]") for i, item in enumerate(data["labels"]))
    _check_unique(labels, source)
    return LabelSet(str(data.get("name", "")), labels)


def _label(item: Any, where: str) -> Label:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise ValueError(f"{where}: needs a non-empty 'name'")
    colour = item.get("colour", "")
    if not isinstance(colour, str) or not _HEX.match(colour):
        raise ValueError(f"{where} ({item['name']}): 'colour' must look like #a1b2c3")
    key = item.get("key")
    if key is not None and (not isinstance(key, int) or not 1 <= key <= 9):
        raise ValueError(f"{where} ({item['name']}): 'key' must be a number from 1 to 9")
    return Label(
        item["name"],
        colour.lower(),
        key,
        str(item.get("guideline", "")),
        str(item.get("description", "")),
    )


def _check_unique(labels: tuple[Label, ...], source: str) -> None:
    names = [lab.name for lab in labels]
    keys = [lab.key for lab in labels if lab.key is not None]
    for what, values in (("label", names), ("key", keys)):
        dupes = sorted({str(v) for v in values if values.count(v) > 1})
        if dupes:
            raise ValueError(f"{source}: {what} {', '.join(dupes)} appears more than once")
