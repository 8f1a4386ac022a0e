"""Two annotators whose gold marks only some entities (event gold, ``entities:
partial``) and who agree: span F1 is undefined ("-"), not 0.000, in ``agree``,
``agree --json`` and ``stats``; their event agreement is still reported."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana."
TOKAYEV, MIRZ = Span(0, 7, "PERSON"), Span(12, 22, "PERSON")
MEET = Event(Span(8, 11, "Meet"), (Argument("Participant", TOKAYEV), Argument("Participant", MIRZ)))


def _doc() -> ParsedDoc:
    return ParsedDoc(
        TEXT, lang="en", spans=[TOKAYEV, MIRZ], events=[MEET], meta={"entities": "partial"}
    )


def test_agree_partial_entities_span_f1_is_undefined_not_zero(tmp_path):
    db = tmp_path / "team.db"
    with Store(db) as store:
        for who in ("alice", "bob"):
            store.add_docs([_doc()], as_gold=True, annotator=who)
    run = CliRunner().invoke
    res = run(cli, ["agree", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    (pair,) = report["pairs"]
    assert pair["span_exact"]["f1"] is None and pair["span_overlap"]["f1"] is None
    assert pair["events"]["argument_classification"]["f1"] == 1.0
    assert report["overall"]["mean_span_f1_exact"] is None
    table = run(cli, ["agree", "--db", str(db)]).output
    assert "0.000" not in table
    stats = run(cli, ["stats", "--db", str(db)]).output
    assert "span F1 0.000" not in stats
