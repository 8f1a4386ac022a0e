"""'Today N' counts the annotator's own decisions: not undo/redo, migrations, gold imports
or adjudication's merge of what everyone agreed on."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.adjudication import MERGE
from annotator.core.models import ParsedDoc, Span

TEXT = "Tokayev met Mirziyoyev in Astana."


def test_decisions_today_count_only_window_decisions(store):
    store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "PERSON")])],
                   as_gold=True, annotator="ann")  # fmt: skip
    assert store.decisions_since("1970-01-01", "ann") == 0  # the import
    store.apply(1, "gold", cmd.Command(MERGE, (cmd.add_span(Span(0, 7, "PERSON")),)))
    assert store.decisions_since("1970-01-01", "gold") == 0  # the agreed merge
    store.apply(1, "ann", cmd.Command("add_span", (cmd.add_span(Span(26, 32, "GPE")),)))
    store.apply(1, "gold", cmd.Command("adjudicate:take", (cmd.add_span(Span(12, 22, "PERSON")),)))
    assert store.decisions_since("1970-01-01", "ann") == 1
    assert store.decisions_since("1970-01-01", "gold") == 1
    assert store.decisions_since("1970-01-01") == 2
