"""Exports stay byte-identical to the output of the code before issue 15's speed work.

``export_golden.json`` holds the SHA-256 of every file each export wrote for one project
(and the export's report: what it left out, its counts),
recorded with the exporters as they were before they were made fast (commit 0e0476d):
the export edge cases (overlaps, cut tokens, Cyrillic, emoji, NBSP, line breaks), "X Ltd."
articles, generated bulk articles with events, a second annotator, and undecided model
suggestions on some articles. Run with ``ANNOTATOR_WRITE_GOLDEN=1`` to record them again
(only when an export's format is meant to change).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from export_data import ANNOTATOR, edge_docs, gold_store, ltd_docs, mark_done

from annotator.cli.export_cmd import run_export
from annotator.core.models import Argument, Event, Span, Suggestion
from annotator.io import export_common

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


def _events(doc):
    """A Meet event on each "met" or "signed" with the entities around it as arguments."""
    events = []
    for word, etype in (("met", "Meet"), ("signed", "Agreement")):
        at = doc.text.find(f" {word} ") + 1
        before = [s for s in doc.spans if s.end <= at][-2:]
        if at and before:
            args = tuple(Argument("Participant", s) for s in before)
            attrs = (("Modality", "actual"), ("Negation", etype == "Agreement"))
            events.append(Event(Span(at, at + len(word), etype), args, attrs))
    return events


def _project():
    """Inputs built in code, not read from files: the readers may change what they make of
    a file (e.g. its language) without changing any export."""
    bulk = newsgen.bulk_corpus(150, seed=4)
    for doc in bulk[:60]:
        doc.events = _events(doc)
    store = gold_store([*edge_docs(), *ltd_docs(), *bulk[:120]])
    store.add_docs(bulk[100:120], as_gold=True, annotator="other")  # a second annotator
    # the last articles only as import suggestions, then a model's suggestions on some
    # finished ones: undecided suggestions (the exports mark or leave out such articles)
    for result in store.add_docs(bulk[120:])[:15]:  # done with suggestions left undecided
        mark_done(store, result.article_id)
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


@pytest.mark.parametrize("chunk", [None, 16])
def test_export_golden_every_format_byte_identical(tmp_path, monkeypatch, chunk):
    """In one process, and (``chunk``) in worker processes, a small chunk each."""
    if chunk:
        monkeypatch.setattr(export_common, "CHUNK", chunk)
    store = _project()
    found = {}
    for name, (fmt, options) in RUNS.items():
        options = {"annotator": ANNOTATOR, **options}
        out = Path(os.environ.get("ANNOTATOR_GOLDEN_DUMP", tmp_path)) / "out" / name
        report, _ = run_export(store, fmt, out, **options)
        found[name] = _digests(out)
        found[name]["report"] = "\n".join(report.loss_lines() + report.summary_lines())
    store.close()
    if os.environ.get("ANNOTATOR_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden digests written")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found == expected
