"""An argument whose entity was relabelled to a label its role does not take: counted by
``stats`` and ``export`` (the window flags it), exported as it is."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.core.review import Review
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana on Monday."


def _project(path):
    store = Store(path)
    (added,) = store.add_docs([ParsedDoc(TEXT, lang="en", source="a.txt")])
    aid = added.article_id
    astana = Span(26, 32, "GPE")
    event = Event(Span(8, 11, "Meet"), (Argument("Place", astana),))
    store.apply(aid, "ann", cmd.Command("e", (cmd.add_span(astana), cmd.add_event(event))))
    review = Review(aid, TEXT, [], store.gold_spans(aid, "ann"),
                    events=store.gold_events(aid, "ann"))  # fmt: skip
    review.current = 0
    store.apply(aid, "ann", review.relabel("PERSON").command)  # Place takes no PERSON
    store.apply(aid, "ann", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    store.close()


def test_argument_misfits_are_counted_by_stats_and_export(tmp_path):
    db = tmp_path / "p.db"
    _project(db)
    run = CliRunner().invoke
    res = run(cli, ["stats", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Event arguments whose entity label the role does not take: 1" in res.output
    # the event named by its trigger: two events sharing the entity give two lines
    assert "Meet at 8..11: Place ← PERSON 26..32" in res.output
    res = run(cli, ["stats", "--db", str(db), "--json"])
    assert json.loads(res.output)["misfit_arguments"]["count"] == 1
    out = tmp_path / "out.jsonl"
    res = run(cli, ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 event argument whose entity label the role does not take" in res.output
    (record,) = [json.loads(x) for x in out.read_text().splitlines()]
    (arg,) = record["events"][0]["arguments"]
    assert (arg["start"], arg["end"], arg["label"]) == (26, 32, "PERSON")
    assert {"start": 26, "end": 32, "label": "PERSON"} in [
        {k: s[k] for k in ("start", "end", "label")} for s in record["spans"]
    ]
