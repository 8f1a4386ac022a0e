"""The bundled gold (``datasets/gold/events_gold.jsonl``) is well-formed gold: its entity
spans carry entity labels only (``SPAN`` is the phrase label of event arguments, never an
entity), and it survives the Label Studio round trip whole (27 phrases stored as gold
entities labelled SPAN came back missing: new-user trial)."""

from __future__ import annotations

import json
from pathlib import Path

from test_roundtrip import invoke

from annotator.core.labels import load_labels
from annotator.store import Store


def test_bundled_gold_entity_spans_have_entity_labels(corpus_dir):
    labels = {label.name for label in load_labels().labels}
    gold = corpus_dir / "gold" / "events_gold.jsonl"
    bad = []
    for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
        for span in json.loads(line).get("spans", []):
            if span["label"] not in labels:
                bad.append((n, span["start"], span["end"], span["label"]))
    assert bad == []


def _gold(db: Path) -> list[tuple]:
    """Entities, and events without their attributes (Label Studio keeps none: README)."""
    with Store(db) as s:
        return sorted(
            (
                d.article.text,
                tuple(d.spans),
                tuple(sorted((e.trigger, e.arguments) for e in d.events)),
            )
            for d in s.iter_gold()
        )


def test_bundled_gold_label_studio_round_trip_keeps_every_entity_and_event(tmp_path, corpus_dir):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    gold = corpus_dir / "gold" / "events_gold.jsonl"
    invoke("import", str(gold), "--db", str(first), "--as-gold", "--annotator", "ann")
    out = tmp_path / "tasks.json"
    invoke("export", "--format", "labelstudio", "--out", str(out), "--db", str(first))
    invoke("import", str(out), "--db", str(second), "--as-gold", "--annotator", "ann")
    assert _gold(second) == _gold(first)
