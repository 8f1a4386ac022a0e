"""The bundled corpus, its hand-made event gold and "X Ltd." articles: CoNLL and DocBin
exports leave out no span but overlaps (and CoNLL the events it cannot hold)."""

from __future__ import annotations

import re

import pytest
from export_data import corpus_docs, gold_store, ltd_docs
from spacy.tokens import DocBin

from annotator.core.models import ParsedDoc, partial_entities
from annotator.core.paths import datasets_dir
from annotator.io import conll, docbin
from annotator.io.export_common import ExportReport, unsplit
from annotator.io.jsonl import read_jsonl
from annotator.io.tokens import blank


def _events_gold() -> list[ParsedDoc]:
    path = datasets_dir() / "gold" / "events_gold.jsonl"
    gold = list(read_jsonl(path.read_text(encoding="utf-8"), str(path)))
    assert gold and all(isinstance(d, ParsedDoc) for d in gold)
    return gold


# the event gold annotates the corpus' own texts: a store holds one gold per text
CORPORA = {
    "model gold": lambda: [*corpus_docs(), *ltd_docs()],
    "event gold": lambda: [*_events_gold(), *ltd_docs()],
}


def _gold(name: str) -> list:
    return list(gold_store(CORPORA[name]()).iter_gold())


@pytest.mark.parametrize("name", CORPORA)
def test_export_spans_kept_conll_tags_every_span_but_overlaps(tmp_path, name):
    gold = _gold(name)
    report = ExportReport()
    out = tmp_path / "g.conll"
    conll.write_conll(unsplit(gold), out, report)
    # partial entity gold (the event gold) is left out of CoNLL whole, and counted
    assert set(report.losses) <= {conll.EVENTS, conll.OVERLAP, conll.PARTIAL_LOSS}
    full = [d for d in gold if not partial_entities(d.article.meta)]
    if len(full) < len(gold):
        assert report.losses[conll.PARTIAL_LOSS].count == len(gold) - len(full)
    overlaps = report.losses[conll.OVERLAP].count if conll.OVERLAP in report.losses else 0
    written = out.read_text(encoding="utf-8")
    assert len(re.findall(r" B-", written)) == sum(len(set(d.spans)) for d in full) - overlaps
    assert "Energy I-ORG\nLtd I-ORG\n. O\n" in written


@pytest.mark.parametrize("name", CORPORA)
def test_export_spans_kept_docbin_holds_every_span(tmp_path, name):
    gold = _gold(name)
    report = ExportReport()
    path = docbin.write_docbins((("train", d) for d in gold), tmp_path, report)["train"]
    assert set(report.losses) <= {docbin.OVERLAP}
    back = list(DocBin().from_disk(path).get_docs(blank("en").vocab))
    assert sum(len(d.spans[docbin.SPANS_KEY]) for d in back) == sum(len(set(d.spans)) for d in gold)
    triggers = sum(len({e.trigger for e in d.events}) for d in gold)
    assert sum(len(d.spans[docbin.EVENTS_KEY]) for d in back) == triggers > 0
    assert ("Aral Energy Ltd", "ORG") in {(e.text, e.label_) for d in back for e in d.ents}
