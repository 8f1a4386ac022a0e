"""An event argument's entity label never comes from a role name: a JSONL argument without a
"label" takes the label of the entity on its offsets, else it is a phrase (SPAN), never an
entity (a new-user trial found "Putin B-Participant" in a CoNLL export)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.io.jsonl import parse_jsonl_line
from annotator.store import Store

TEXT = "Tokayev met Putin in Moscow on Friday."


def _line(args: list[dict], spans: list[dict]) -> str:
    event = {"trigger": {"start": 8, "end": 11}, "type": "Meet", "arguments": args}
    return json.dumps({"text": TEXT, "spans": spans, "events": [event], "answer": "accept"})


def test_argument_labels_come_from_the_entity_on_the_same_offsets():
    spans = [{"start": 12, "end": 17, "label": "PERSON"}]
    doc = parse_jsonl_line(_line([{"role": "Participant", "start": 12, "end": 17}], spans))
    (arg,) = doc.events[0].arguments
    assert (arg.role, arg.span.label) == ("Participant", "PERSON")


def test_argument_labels_missing_and_no_entity_is_a_phrase_not_an_entity(tmp_path):
    doc = parse_jsonl_line(_line([{"role": "Participant", "start": 12, "end": 17}], []))
    (arg,) = doc.events[0].arguments
    assert arg.span.label == "SPAN"
    # imported as gold, it adds no entity: nothing for a CoNLL export to call Participant
    path = tmp_path / "e.jsonl"
    path.write_text(_line([{"role": "Participant", "start": 12, "end": 17}], []) + "\n")
    db = tmp_path / "p.db"
    args = ["import", str(path), "--db", str(db), "--as-gold", "--annotator", "a", "--lang", "en"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    with Store(db) as store:
        assert store.gold_spans(1, "a") == []
        assert store.gold_events(1, "a")[0].arguments[0].span.label == "SPAN"


def test_argument_labels_an_own_label_is_kept():
    arg = {"role": "Place", "start": 21, "end": 27, "label": "GPE"}
    doc = parse_jsonl_line(_line([arg], []))
    assert doc.events[0].arguments[0].span.label == "GPE"
