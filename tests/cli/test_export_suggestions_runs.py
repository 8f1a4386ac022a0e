"""``export --suggestions`` writes the articles a model ran on: an article no model has run
on has no suggestions, and written so it would read as a text without entities (false
negatives in a training set made from the model's output)."""

from __future__ import annotations

import json

import pytest

from annotator.cli.export_cmd import NOT_RUN, run_export
from annotator.core.models import ParsedDoc
from annotator.store import Store
from annotator.workflows.suggesting import plan_suggest, suggest_pending

TEXTS = [f"Токаев встретился в Астане с послом, день {i}." for i in range(3)]


def test_export_suggestions_leaves_out_and_counts_articles_no_model_ran_on(tmp_path):
    with Store(tmp_path / "p.db") as store:
        store.add_docs([ParsedDoc(text=t, lang="ru") for t in TEXTS])
        suggest_pending(store, plan_suggest(store, limit=2))
        report, _ = run_export(store, "jsonl", tmp_path / "s.jsonl", suggestions=True)
    lines = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text("utf-8").splitlines()]
    assert [x["text"] for x in lines] == TEXTS[:2]
    assert all(x["spans"] for x in lines)  # the model found a name and a city in each
    assert report.loss_lines() == [f"1 {NOT_RUN}"]


def test_export_suggestions_of_a_model_that_never_ran_says_so(tmp_path):
    with Store(tmp_path / "p.db") as store:
        store.add_docs([ParsedDoc(text=t, lang="ru") for t in TEXTS])
        suggest_pending(store, plan_suggest(store))
        with pytest.raises(ValueError, match="nothing exported: 3 articles no model"):
            run_export(store, "jsonl", tmp_path / "s.jsonl", suggestions=True, model="other")
