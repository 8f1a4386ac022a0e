"""annotation.conf matches what annotators really do: no role of the bundled schema
requires a filler the hand gold leaves empty (brat's verify_annotations.py reported 95
"at least one Party argument required" on the bundled gold before)."""

from __future__ import annotations

import json

from annotator.core.schema import load_schema


def test_brat_conf_cardinality_lower_bounds_hold_on_the_bundled_gold(corpus_dir):
    schema = load_schema()
    gold = corpus_dir / "gold" / "events_gold.jsonl"
    broken = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        for event in json.loads(line)["events"]:
            filled = {a["role"] for a in event["arguments"]}
            for role in schema.get(event["type"]).roles:
                if role.cardinality in ("1", "+") and role.name not in filled:
                    broken.append((event["type"], role.name))
    assert broken == []
