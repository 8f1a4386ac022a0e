"""``annotator suggest`` keeps the tokens its pipeline cut in the project's token cache,
when that tokenizer is the exports' one: the first export after it tokenizes nothing."""

from __future__ import annotations

import pytest

from annotator.cli.export_cmd import run_export
from annotator.core.models import ParsedDoc
from annotator.core.text import content_hash
from annotator.io import token_cache
from annotator.io.export_jsonl import tokens_of
from annotator.io.token_cache import TokenCache, sidecar_path
from annotator.store import Store
from annotator.workflows import suggesting
from annotator.workflows.suggesting import plan_suggest, suggest_pending

TEXTS = [f"Токаев встретился в Астане с послом, день {i}. «Итоги» — 5,5%!" for i in range(7)]


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_docs([ParsedDoc(text=t, lang="ru") for t in TEXTS])
    yield store
    store.close()


def _kept(store: Store) -> list:
    cache = TokenCache(sidecar_path(store.path))
    try:
        return cache._read([(content_hash(t), "ru", t) for t in TEXTS])
    finally:
        cache.close()


@pytest.mark.parametrize("n_process", [1, 2])
def test_suggest_keeps_the_tokens_the_exports_would_cut(project, n_process):
    assert _kept(project) == [None] * len(TEXTS)
    suggest_pending(project, plan_suggest(project), batch_size=3, n_process=n_process)
    assert _kept(project) == [tokens_of(t, "ru") for t in TEXTS]


def test_the_first_export_after_suggest_tokenizes_nothing(project, tmp_path, monkeypatch):
    suggest_pending(project, plan_suggest(project), batch_size=3)

    def no_tokenizing(doc):
        raise AssertionError("the export tokenized a text suggest had cut")

    with monkeypatch.context() as patched:
        patched.setattr(token_cache.Tokens, "of", staticmethod(no_tokenizing))
        first = tmp_path / "first.jsonl"
        run_export(project, "jsonl", first, status=None, suggestions=True)
    for kept in tmp_path.glob("p.db.tokens*"):  # the export's own tokens, made afresh
        kept.unlink()
    fresh = tmp_path / "fresh.jsonl"
    run_export(project, "jsonl", fresh, status=None, suggestions=True)
    assert first.read_bytes() == fresh.read_bytes()
    assert len(first.read_text(encoding="utf-8").splitlines()) == len(TEXTS)


def test_a_pipeline_that_cuts_otherwise_keeps_nothing(project):
    def loader(spec, **kwargs):
        pipeline = suggesting.load_pipeline(spec, **kwargs)
        pipeline.nlp.tokenizer.add_special_case("Токаев", [{"ORTH": "Ток"}, {"ORTH": "аев"}])
        return pipeline

    summary = suggest_pending(project, plan_suggest(project), loader=loader)
    assert summary.articles == len(TEXTS)
    assert _kept(project) == [None] * len(TEXTS)


def test_an_in_memory_project_keeps_no_tokens(store):
    store.add_docs([ParsedDoc(text=TEXTS[0], lang="ru")])
    pipeline = suggesting.load_pipeline(plan_suggest(store).runs[0].spec)
    assert suggesting.KeptTokens.of(store, pipeline, "ru") is None


def test_runs_in_other_threads_keep_their_tokens_too(project):
    """The window's model loop suggests in a worker thread, one run after another: a
    connection opened by one thread is never used by the next (SQLite refuses that, and the
    cache said nothing and kept nothing)."""
    import threading

    def suggest() -> None:  # as the model loop: its own connection to the project
        store = Store(project.path)
        try:
            suggest_pending(store, plan_suggest(store, force=True), force=True)
        finally:
            store.close()

    def run_in_a_thread() -> None:
        thread = threading.Thread(target=suggest)
        thread.start()
        thread.join()

    run_in_a_thread()
    assert _kept(project) == [tokens_of(t, "ru") for t in TEXTS]
    for kept in project.path.parent.glob("p.db.tokens*"):
        kept.unlink()
    run_in_a_thread()
    assert _kept(project) == [tokens_of(t, "ru") for t in TEXTS]


def test_a_tokenizer_that_cannot_say_its_settings_keeps_nothing_and_suggests(
    project, monkeypatch
):
    def cannot(nlp):
        raise RuntimeError("this tokenizer has no to_bytes")

    monkeypatch.setattr(suggesting, "version_of", cannot)
    summary = suggest_pending(project, plan_suggest(project))
    assert summary.articles == len(TEXTS) and summary.suggestions > 0
    assert _kept(project) == [None] * len(TEXTS)
