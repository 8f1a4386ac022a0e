"""Exports stay byte-identical to the output of the code before issue 15's speed work.

``export_golden.json`` holds the SHA-256 of every file each export wrote for one project,
recorded with the exporters as they were before they were made fast (commit 0e0476d):
the bundled corpus with real-model gold and events, the export edge cases, "X Ltd."
articles, the bundled event gold, generated bulk articles, and undecided model suggestions
on some of them. Run with ``ANNOTATOR_WRITE_GOLDEN=1`` to record them again (only when an
export's format is meant to change).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from export_data import ANNOTATOR, corpus_docs, edge_docs, gold_store, ltd_docs

from annotator.cli.export_cmd import run_export
from annotator.core.models import Span, Suggestion
from annotator.core.paths import datasets_dir
from annotator.workflows.importing import import_paths

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import newsgen  # noqa: E402

GOLDEN = Path(__file__).with_name("export_golden.json")
RUNS = {  # name: (format, run_export options)
    "jsonl": ("jsonl", {}),
    "jsonl-any": ("jsonl", {"status": None}),
    "jsonl-everyone": ("jsonl", {"annotator": None, "status": None}),
    "conll": ("conll", {}),
    "conll-split": ("conll", {"split": "0.7,0.2,0.1", "seed": 3}),
    "spacy": ("spacy", {}),
    "brat": ("brat", {}),
    "labelstudio": ("labelstudio", {}),
    "doccano": ("doccano", {}),
    "doccano-conll": ("doccano-conll", {}),
    "jsonl-suggestions": ("jsonl", {"suggestions": True}),
    "conll-suggestions": ("conll", {"suggestions": True}),
}


def _project(tmp_path):
    bulk = newsgen.bulk_corpus(150, seed=4)
    store = gold_store([*corpus_docs(), *edge_docs(), *ltd_docs(), *bulk[:120]])
    # the bundled event gold, by the import path, as a second annotator's gold
    gold = datasets_dir() / "gold" / "events_gold.jsonl"
    import_paths(store, [gold], as_gold=True, annotator="events")
    # the last articles only as import suggestions, then a model's suggestions on some
    # finished ones: undecided suggestions (the exports mark or leave out such articles)
    store.add_docs(bulk[120:])
    picked = [r.id for r in store.list_articles(ANNOTATOR, status="done")[::7]]
    results = [(i, [Suggestion(Span(0, 8, "ORG")), Suggestion(Span(1, 3, "GPE"))]) for i in picked]
    store.add_suggestions(results, "golden-model", "1")
    return store


def _digests(root: Path) -> dict[str, str]:
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {
        str(p.relative_to(root.parent)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if p.name != "config.cfg"  # names the output folder, which differs per run
    }


def test_export_golden_every_format_byte_identical(tmp_path):
    store = _project(tmp_path)
    found = {}
    for name, (fmt, options) in RUNS.items():
        options = {"annotator": ANNOTATOR, **options}
        out = tmp_path / "out" / name
        run_export(store, fmt, out, **options)
        found[name] = _digests(out)
    store.close()
    if os.environ.get("ANNOTATOR_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden digests written")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found == expected
