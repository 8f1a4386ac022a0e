"""An event the learned trigger model added (a word the lexicon lacks) says so in the
events list, with how sure the model was: the rules stay explainable (issue 10)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.event_review import EventReview
from annotator.core.labels import load_labels
from annotator.core.models import Argument, Span, Suggestion
from annotator.core.schema import load_schema
from annotator.gui.event_list import EventListModel
from annotator.gui.styles import SpanStyles

TEXT = "Tokayev cut the tariff. Tokayev met Putin."


def _suggestion(sid: int, trigger: Span, score: float | None, source: str = "model"):
    arg = Argument("Participant", Span(0, 7, "PERSON"), "nsubj")
    model = "import" if source == "import" else "m"  # as an import stores them
    s = Suggestion(trigger, "event", (arg,), score=score, source=source, model=model)
    return Suggestion(**{**s.__dict__, "id": sid})


def test_a_model_added_event_shows_the_trigger_model_and_its_probability(qapp):
    schema = load_schema()
    suggestions = [
        (_suggestion(1, Span(8, 11, "EconomicFigure"), 0.7312), "pending"),
        (_suggestion(2, Span(32, 35, "Meet"), None), "pending"),  # a lexicon word
        (_suggestion(3, Span(8, 11, "Statement"), 0.9, source="import"), "pending"),
    ]
    review = EventReview(1, TEXT, suggestions, [], schema, [Span(0, 7, "PERSON")])
    model = EventListModel(SpanStyles(load_labels()), schema)
    model.set_events(review)
    rows = {
        model.index(r, 0).data().strip("▸▾⚠ "): (
            model.index(r, 2).data(),
            model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole),
        )
        for r in range(model.rowCount())
        if review.rows[r].argument is None
    }
    details, tip = rows["EconomicFigure"]
    assert "trigger model p=.73" in details
    assert "added by the trigger model (probability 0.73)" in tip
    for other in ("Meet", "Statement"):  # the lexicon's, and an import's score
        assert "trigger model" not in (rows[other][0] or "") + rows[other][1]
