"""The adjudicated version ('gold') is complete when it is written: the model's suggestions
its annotators decided are not holes in it. Its exports must not mark it partial (a
new-user trial found every adjudicated article exported with entities 'partial', which
spaCy training then reads as unknown tokens)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.adjudication import ADJUDICATOR
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana on Monday."


def _project(path, n: int = 3) -> str:
    with Store(path) as s:
        s.add_docs([ParsedDoc(f"{TEXT} Story {i}.", lang="en") for i in range(n)])
        found = [
            Suggestion(Span(0, 7, "PERSON"), model="m"),
            Suggestion(Span(12, 22, "PERSON"), model="m"),
            Suggestion(Span(26, 32, "GPE"), model="m"),
        ]
        s.add_suggestions([(aid, found) for aid in range(1, n + 1)], "m", "1")
        for aid in range(1, n + 1):
            # the adjudicated version, as adjudication writes it: spans and done
            adds = (cmd.add_span(Span(0, 7, "PERSON")), cmd.add_span(Span(26, 32, "GPE")))
            s.apply(aid, ADJUDICATOR, cmd.Command("take", adds))
            s.apply(aid, ADJUDICATOR, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
            # an annotator who left a suggestion undecided stays partial
            s.apply(aid, "alice", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
    return str(path)


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "spacy"])
def test_export_adjudicated_gold_is_not_partial(tmp_path, fmt):
    db = _project(tmp_path / "p.db", n=3)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["export", "--format", fmt, "--out", str(out), "--db", db, "--annotator", "gold"]
    )
    assert res.exit_code == 0, res.output
    assert "undecided" not in res.output and "undecided" not in res.stderr
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(records) == 3
        assert all("entities" not in r["meta"] for r in records)
        assert [(s["start"], s["end"]) for s in records[0]["spans"]] == [(0, 7), (26, 32)]


def test_export_adjudicated_an_annotators_undecided_suggestions_stay_partial(tmp_path):
    db = _project(tmp_path / "p.db", n=1)
    out = tmp_path / "alice.jsonl"
    res = CliRunner().invoke(
        cli,
        [
            "export",
            "--format",
            "jsonl",
            "--out",
            str(out),
            "--db",
            db,
            "--annotator",
            "alice",
            "--status",
            "any",
        ],
    )
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["meta"]["entities"] == "partial"
