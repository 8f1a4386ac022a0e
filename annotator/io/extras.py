"""What a reader hands the import besides the article: whose annotation it is, a model's
predictions to store as suggestions, and counts of what the format held that the project
cannot (Label Studio or doccano relations, cancelled annotations, ...).

They travel in the document's ``meta`` under keys no input uses (``import:...``) and the
import takes them out (:func:`take`) before the article is stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotator.core.models import ParsedDoc, Suggestion

ANNOTATOR = "import:annotator"  # who made this annotation, as the input names them
# the annotator is a project's own name (annotator's export wrote it): with --annotator,
# another annotator's file is not taken as theirs
NAMED_BY_EXPORT = "import:named_by_export"
RANK = "import:rank"  # 0: the task's latest annotation, 1: the one before, ...
PREDICTIONS = "import:predictions"  # [(model name, version, [Suggestion, ...]), ...]
NOTES = "import:notes"  # {what was not imported: how many}

Predictions = list[tuple[str, str, list[Suggestion]]]


@dataclass
class Extras:
    annotator: str | None = None
    rank: int = 0
    predictions: Predictions = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)
    named_by_export: bool = False  # see NAMED_BY_EXPORT


def note(doc: ParsedDoc, what: str, n: int = 1) -> None:
    """Count ``n`` things of this input that the import leaves out (said on stderr)."""
    if n:
        notes = doc.meta.setdefault(NOTES, {})
        notes[what] = notes.get(what, 0) + n


def take(doc: ParsedDoc) -> Extras:
    """Remove the import's own keys from ``doc.meta`` and return them."""
    meta: dict[str, Any] = doc.meta
    annotator = meta.pop(ANNOTATOR, None)
    return Extras(
        annotator=annotator if isinstance(annotator, str) and annotator else None,
        rank=int(meta.pop(RANK, 0) or 0),
        predictions=list(meta.pop(PREDICTIONS, None) or []),
        notes=Counter(meta.pop(NOTES, None) or {}),
        named_by_export=bool(meta.pop(NAMED_BY_EXPORT, False)),
    )
