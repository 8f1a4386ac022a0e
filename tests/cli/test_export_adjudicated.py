"""export uses the adjudicated annotator 'gold' by default when it exists, and says so."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
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
