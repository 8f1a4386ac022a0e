"""Domain preferences (the annotator's name, the label file, the event schema, what marking
done does with pending suggestions) in a plain JSON file.

Window geometry lives in QSettings; what the annotator chooses about their work lives here,
under the platform's config directory, so it can be read and edited without Qt. Both
locations are injectable: tests never touch the user's files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from annotator.core.labels import LabelSet, load_labels
from annotator.core.schema import EventSchema, SchemaError, load_schema

APP = "annotator"

# When an article is marked done with suggestions still pending: ask, or decide them all.
DONE_ASK, DONE_ACCEPT, DONE_REJECT = "ask", "accept", "reject"
DONE_POLICIES = (DONE_ASK, DONE_ACCEPT, DONE_REJECT)


def default_path() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "preferences.json"


@dataclass
class Preferences:
    annotator: str = ""
    labels_file: str = ""  # empty: the bundled OntoNotes label set
    schema_file: str = ""  # empty: the bundled news event schema
    done_with_pending: str = DONE_ASK  # one of DONE_POLICIES
    path: Path | None = None

    @property
    def done_policy(self) -> str:
        """``done_with_pending``, or ask when the file holds something else."""
        return self.done_with_pending if self.done_with_pending in DONE_POLICIES else DONE_ASK

    @classmethod
    def load(cls, path: Path | None = None) -> Preferences:
        """Read the file; a missing or unreadable file gives the defaults."""
        path = path or default_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        known = {f.name for f in fields(cls)} - {"path"}
        values = (
            {k: str(v) for k, v in data.items() if k in known} if isinstance(data, dict) else {}
        )
        return cls(**values, path=path)

    def save(self) -> None:
        path = self.path or default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_labels(path: str) -> tuple[LabelSet, str | None]:
    """The label set in ``path`` (empty: the bundled one), or the bundled one and a
    one-line reason why ``path`` cannot be used."""
    try:
        return load_labels(path or None), None
    except ValueError as exc:
        return load_labels(), str(exc).splitlines()[0]


def read_schema(path: str) -> tuple[EventSchema, str | None]:
    """The event schema in ``path`` (empty: the bundled one), or the bundled one and the
    first reason why not (a count of the others)."""
    try:
        return load_schema(path or None), None
    except SchemaError as exc:
        more = f" (+{len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        return load_schema(), exc.errors[0] + more
