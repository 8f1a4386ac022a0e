"""``annotator agree`` when one annotator marked events and the other none: the pair's
event agreement is 0, not undefined (it was shown "-", as if nobody had marked any)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store

TEXTS = [f"Tokayev met Mirziyoyev in Astana, story {i}." for i in range(3)]
SPANS = [Span(0, 7, "PERSON"), Span(12, 22, "PERSON")]
MEET = Event(Span(8, 11, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))


def _project(path):
    with Store(path) as s:
        s.add_docs([ParsedDoc(t, lang="en", spans=SPANS, events=[MEET]) for t in TEXTS],
                   as_gold=True, annotator="alice")  # fmt: skip
        s.add_docs([ParsedDoc(t, lang="en", spans=SPANS) for t in TEXTS],
                   as_gold=True, annotator="bob")  # fmt: skip
    return path


def test_agree_one_annotator_without_events_is_zero_event_agreement(tmp_path):
    db = str(_project(tmp_path / "p.db"))
    table = CliRunner().invoke(cli, ["agree", "--db", db], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    (pair,) = [ln for ln in table.output.splitlines() if "alice – bob" in ln]
    assert pair.split()[-2:] == ["0.000", "0.000"]  # trig, args
    events = table.output.split("Events (mean pairwise F1):")[1].splitlines()
    trigger = [ln for ln in events if "trigger" in ln.lower() and "classif" in ln.lower()]
    assert trigger and trigger[0].split()[-1] == "0.000"
    report = json.loads(
        CliRunner().invoke(cli, ["agree", "--db", db, "--json"], catch_exceptions=False).output
    )
    assert report["overall"]["events"]["trigger_classification"] == 0.0
