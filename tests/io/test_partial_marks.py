"""Partial entity gold (only some entities annotated) keeps its mark through the formats
without a "meta" object: doccano JSONL (``"partial_entities": true``) and Label Studio (the
task's data lists whose annotations are partial). A new-user trial found both exports
silent, so the events gold came back from doccano as complete entity gold: every
unannotated name would be trained as "no entity"."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store

FULL = "Tokayev met Mirziyoyev in Astana on Monday."
PART = "Japarov visited Tashkent with Aliyev in May."


def _project(path) -> str:
    with Store(path) as s:
        full = ParsedDoc(FULL, lang="en", spans=[Span(0, 7, "PERSON"), Span(12, 22, "PERSON")])
        part = ParsedDoc(PART, lang="en", spans=[Span(0, 7, "PERSON")],
                         meta={"entities": "partial"})  # fmt: skip
        s.add_docs([full, part], as_gold=True, annotator="ann")
    return str(path)


def _flags(path) -> dict[str, str | None]:
    with Store(path) as s:
        rows = s.db.execute(
            "SELECT a.text, st.entities FROM article_status st JOIN articles a"
            " ON a.id = st.article_id WHERE st.annotator = 'ann'"
        ).fetchall()
    return dict(rows)


def _run(*args) -> None:
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(("fmt", "name"), [("doccano", "d.jsonl"), ("labelstudio", "ls.json")])
def test_partial_marks_survive_a_round_trip(tmp_path, fmt, name):
    db = _project(tmp_path / "p.db")
    assert _flags(db) == {FULL: None, PART: "partial"}
    out = tmp_path / name
    _run("export", "--format", fmt, "--out", out, "--db", db)
    if fmt == "doccano":
        records = {r["text"]: r for r in map(json.loads, out.read_text().splitlines())}
        assert records[PART]["partial_entities"] is True
        assert "partial_entities" not in records[FULL]
    else:
        tasks = {t["data"]["text"]: t for t in json.loads(out.read_text())}
        assert tasks[PART]["data"]["partial_entities"] == ["ann"]
        assert "partial_entities" not in tasks[FULL]["data"]
    again = tmp_path / "again.db"
    _run("import", out, "--db", again, "--as-gold", "--annotator", "ann", "--lang", "en")
    assert _flags(again) == {FULL: None, PART: "partial"}


def test_partial_marks_label_studio_names_only_the_partial_annotator(tmp_path):
    task = {
        "id": 7,
        "data": {"text": PART, "partial_entities": ["bob"]},
        "annotations": [
            {"created_username": name, "result": [{
                "id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": 0, "end": 7, "text": "Japarov", "labels": ["PERSON"]},
            }]}
            for name in ("alice", "bob")
        ],
    }  # fmt: skip
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]))
    db = tmp_path / "p.db"
    _run("import", path, "--db", db, "--as-gold", "--lang", "en")
    with Store(db) as s:
        flags = dict(s.db.execute("SELECT annotator, entities FROM article_status").fetchall())
    assert flags == {"alice": None, "bob": "partial"}
