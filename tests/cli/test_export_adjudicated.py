"""export uses the adjudicated annotator 'gold' by default when it exists, and says so."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana."


def test_export_adjudicated_gold_by_default(tmp_path):
    db = tmp_path / "team.db"
    with Store(db) as store:
        store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "PERSON")])],
                       as_gold=True, annotator="alice")  # fmt: skip
        store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "ORG")])],
                       as_gold=True, annotator="bob")  # fmt: skip
    out = tmp_path / "all.jsonl"
    run = CliRunner().invoke
    res = run(cli, ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(out.read_text().splitlines()) == 2  # no adjudication yet: everyone's
    with Store(db) as store:
        store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "PERSON")])],
                       as_gold=True, annotator="gold")  # fmt: skip
    out2 = tmp_path / "gold.jsonl"
    res = run(cli, ["export", "--db", str(db), "--format", "jsonl", "--out", str(out2)])
    assert res.exit_code == 0, res.output
    assert "exporting the adjudicated gold of 'gold'" in res.output
    (record,) = [json.loads(x) for x in out2.read_text().splitlines()]
    assert [s["label"] for s in record["spans"]] == ["PERSON"]


def test_export_adjudication_started_but_nothing_done_names_the_annotators(tmp_path):
    """Adjudication begun on one article, none done by 'gold' yet: the default export
    finds nothing of gold's and says whose own gold there is and how to export it."""
    db = tmp_path / "team.db"
    with Store(db) as store:
        for who, label in (("alice", "PERSON"), ("bob", "ORG")):
            store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, label)])],
                           as_gold=True, annotator=who)  # fmt: skip
        store.apply(
            1, "gold", cmd.Command("adjudicate:take", (cmd.add_span(Span(0, 7, "PERSON")),))
        )
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)]
    )
    assert res.exit_code == 1
    assert "no gold with status 'done' by 'gold'" in res.output
    assert "pass --annotator NAME" in res.output and "alice (1)" in res.output
    assert "bob (1)" in res.output and "Traceback" not in res.output
    assert not out.exists()
