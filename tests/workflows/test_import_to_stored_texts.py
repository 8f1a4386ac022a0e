"""An import whose texts the project holds already adds the annotations they bring as
suggestions, once: importing ``datasets/`` (the articles, then the gold JSONL of the same
texts) dropped every span and event of the JSONL without a word ("83 already in the
project": new-user trial)."""

from __future__ import annotations

import json

from annotator.store import Store
from annotator.workflows.importing import import_paths

TEXT = "Tokayev met Putin in Astana."


def _jsonl(path, spans, events=()):
    record = {"text": TEXT, "meta": {"lang": "en"}, "spans": spans, "events": list(events)}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _rows(store: Store) -> list[tuple]:
    sql = 'SELECT kind, start, "end", label, source FROM suggestions ORDER BY 1, 2, 3, 4'
    return store.db.execute(sql).fetchall()


def test_a_second_file_with_the_same_text_adds_what_it_brings_once(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text(TEXT, encoding="utf-8")
    tok = {"start": 0, "end": 7, "label": "PERSON"}
    meet = {"trigger": {"start": 8, "end": 11}, "type": "Meet",
            "arguments": [{"role": "Participant", **tok}]}  # fmt: skip
    gold = _jsonl(tmp_path / "gold.jsonl", [tok], [meet])
    store = Store(tmp_path / "p.db")
    first = import_paths(store, [plain])
    assert first.imported == 1 and _rows(store) == []
    second = import_paths(store, [gold])
    assert second.duplicates == 1 and second.imported == 0
    assert "suggestions added to texts already in the project: 2" in second.line()
    assert _rows(store) == [
        ("entity", 0, 7, "PERSON", "import"),
        ("event", 8, 11, "Meet", "import"),
    ]
    again = import_paths(store, [gold])  # the same file again: nothing new
    assert "added to texts" not in again.line() and len(_rows(store)) == 2
    more = _jsonl(tmp_path / "more.jsonl", [tok, {"start": 12, "end": 17, "label": "PERSON"}])
    import_paths(store, [more])  # another file: only what is not there yet
    assert [r[1:4] for r in _rows(store) if r[0] == "entity"] == [
        (0, 7, "PERSON"),
        (12, 17, "PERSON"),
    ]
    assert store.gold_spans(1, "ann") == []  # suggestions only: no gold from it
