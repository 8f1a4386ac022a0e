"""Prodigy's binary NER answers (ner.teach: ``_view_id`` "ner", one proposed span per line,
the same text on many lines) become one article whose gold is every accepted span, marked
entities-partial: a new-user trial got the first line's span as complete gold (Putin and
Moscow taught as no entity) and the other lines refused."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.store import Store

TEXT = "Tokayev met Putin in Moscow on Friday."
ANSWERS = [((0, 7, "PERSON"), "accept"), ((12, 17, "PERSON"), "accept"),
           ((21, 27, "ORG"), "reject"), ((21, 27, "GPE"), "accept")]  # fmt: skip


def _file(path, answers=ANSWERS, view="ner"):
    lines = []
    for n, ((start, end, label), answer) in enumerate(answers):
        span = {"start": start, "end": end, "label": label}
        lines.append(json.dumps({"text": TEXT, "spans": [span], "answer": answer,
                                 "_view_id": view, "_input_hash": 7, "_task_hash": n}))  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def _import(src, db, *extra):
    args = ["import", str(src), "--db", str(db), "--as-gold", "--annotator", "t", "--lang", "en"]
    return CliRunner().invoke(cli, [*args, *extra])


def _gold(db):
    with Store(db) as s:
        spans = [(x.start, x.end, x.label) for x in s.gold_spans(1, "t")]
        flag = s.db.execute("SELECT status, entities FROM article_status").fetchall()
        return s.count_articles(), spans, flag


def test_prodigy_binary_answers_merge_into_partial_gold(tmp_path):
    src, db = _file(tmp_path / "teach.jsonl"), tmp_path / "p.db"
    res = _import(src, db)
    assert res.exit_code == 0, res.output
    assert _gold(db) == (
        1,
        [(0, 7, "PERSON"), (12, 17, "PERSON"), (21, 27, "GPE")],
        [("done", "partial")],
    )
    again = _import(src, db)  # the same answers again change nothing
    assert again.exit_code == 0 and "gold replaced" not in again.output
    assert _gold(db)[1] == [(0, 7, "PERSON"), (12, 17, "PERSON"), (21, 27, "GPE")]
    with Store(db) as s:
        assert len(s.decisions(1, "t")) == 3  # one per accepted answer


def test_prodigy_binary_does_not_merge_into_complete_gold(tmp_path):
    """Complete gold of the annotator (a manual answer) is not silently extended."""
    db = tmp_path / "p.db"
    manual = tmp_path / "manual.jsonl"
    record = {"text": TEXT, "answer": "accept", "_view_id": "ner_manual"}
    record["spans"] = [{"start": 0, "end": 7, "label": "PERSON"}]
    manual.write_text(json.dumps(record) + "\n")
    assert _import(manual, db).exit_code == 0
    res = _import(_file(tmp_path / "teach.jsonl", ANSWERS[1:2]), db)
    assert res.exit_code == 1 and "different gold already there" in res.output
    assert _gold(db)[1:] == ([(0, 7, "PERSON")], [("done", None)])


def test_prodigy_binary_rejected_span_is_no_suggestion(tmp_path):
    """A binary answer "reject" says its span is wrong: it is not kept as a suggestion that
    a later "accept the rest" would make gold (new-user trial); it is counted."""
    src, db = _file(tmp_path / "teach.jsonl"), tmp_path / "p.db"
    res = _import(src, db)
    assert "answered reject" in res.stderr
    with Store(db) as s:
        labels = {(x.span.start, x.span.end, x.span.label) for x, _ in s.suggestions(1, "t")}
    assert (21, 27, "ORG") not in labels
