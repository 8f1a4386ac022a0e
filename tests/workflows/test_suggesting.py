"""The batch suggestion workflow: planning per language, paging, stopping."""

from __future__ import annotations

import pytest

from annotator.core.models import ParsedDoc
from annotator.workflows import suggesting
from annotator.workflows.suggesting import plan_suggest, suggest_pending


@pytest.fixture
def mixed(store):
    """Three Russian and two Kazakh articles (tagged "KZ", stored as "kk")."""
    docs = [ParsedDoc(text=f"Токаев в Астане, день {i}.", lang="ru") for i in range(3)]
    docs += [ParsedDoc(text=f"Тоқаев Астанада, {i}.", lang="KZ") for i in range(2)]
    store.add_docs(docs)
    return store


def test_suggesting_plan_covers_each_stored_language(mixed):
    summary = plan_suggest(mixed)
    assert [(r.lang, r.model, r.pending) for r in summary.runs] == [
        ("kk", "rules:kk", 2),
        ("ru", "rules:ru", 3),
    ]
    assert len(summary.notes) == 2


def test_suggesting_notes_only_the_languages_the_run_processes(mixed):
    """--limit 2 takes the two Kazakh articles: the Russian one has nothing to do, so its
    "no model" note would only confuse."""
    summary = plan_suggest(mixed, limit=2)
    assert [(r.lang, r.pending) for r in summary.runs] == [("kk", 2), ("ru", 0)]
    assert len(summary.notes) == 1 and "kk" in summary.notes[0]


@pytest.mark.parametrize("lang", ["kk", "KZ"])
def test_suggesting_plan_lang_matches_aliases(mixed, lang):
    assert [r.lang for r in plan_suggest(mixed, lang=lang).runs] == ["kk"]


def test_suggesting_plan_limit_is_shared_by_languages(mixed):
    assert [r.pending for r in plan_suggest(mixed, limit=3).runs] == [2, 1]


def test_suggesting_runs_in_pages_and_reports_progress(mixed, monkeypatch):
    monkeypatch.setattr(suggesting, "PAGE", 2)
    started, progress = [], []
    summary = suggest_pending(
        mixed,
        plan_suggest(mixed),
        batch_size=2,
        on_start=lambda run: started.append(run.lang),
        on_progress=progress.append,
    )
    assert (started, sum(progress), summary.articles, summary.interrupted) == (
        ["kk", "ru"], 5, 5, False,
    )  # fmt: skip
    assert summary.suggestions == 10  # a name and a city in each
    assert plan_suggest(mixed).pending == 0
    assert plan_suggest(mixed, force=True).pending == 5


def test_suggesting_stop_ends_the_run_and_marks_it_interrupted(mixed):
    progress: list[int] = []
    summary = suggest_pending(
        mixed,
        plan_suggest(mixed),
        batch_size=1,
        on_progress=progress.append,
        should_stop=lambda: len(progress) >= 1,
    )
    assert summary.interrupted
    assert summary.articles == len(progress) < 5
    assert plan_suggest(mixed).pending == 5 - summary.articles


def test_suggesting_loads_each_pipeline_once(mixed):
    loaded = []

    def loader(spec, **kwargs):
        loaded.append(spec.name)
        return suggesting.load_pipeline(spec, **kwargs)

    suggest_pending(mixed, plan_suggest(mixed), loader=loader)
    suggest_pending(mixed, plan_suggest(mixed), loader=loader)  # nothing pending: no loading
    assert loaded == ["rules:kk", "rules:ru"]


def test_suggesting_skips_texts_longer_than_the_pipeline_takes_and_goes_on(blank_nlp):
    from annotator.core.models import ParsedDoc as Doc
    from annotator.store import Store as S
    from annotator.suggest import load_pipeline

    store = S()
    long_text = "Astana " * 200
    store.add_docs(
        [
            Doc(text="Tokayev in Astana", lang="ru"),
            Doc(text=long_text, lang="ru"),
            Doc(text="Astana again", lang="ru"),
        ]
    )
    pipeline = load_pipeline("ru")
    pipeline.nlp.max_length = 100
    summary = plan_suggest(store, events=False)
    suggest_pending(store, summary, loader=lambda *a, **k: pipeline)
    assert summary.articles == 2
    (line,) = summary.skipped
    assert line.startswith("article 2 (no source): 1,400 characters") and "max_length" in line
    assert [a for a, _, _ in store.pending_for_model(pipeline.model, pipeline.version)] == [2]
