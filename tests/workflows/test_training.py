"""`annotator train`: spaCy's own training on the project's gold, the base model kept
whole, scores next to the base model's on the same held-out gold, the model registered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store
from annotator.store.models import find, models
from annotator.workflows.training import gold_for_training, split_gold, train

NAMES = ["Aliya Nurlanova", "Daniyar Seitkali", "Marat Ospanov", "Gulnara Abenova"]
CITIES = ["Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Taraz"]


def _docs(n: int) -> list[ParsedDoc]:
    out = []
    for i in range(n):
        name, city = NAMES[i % len(NAMES)], CITIES[i % len(CITIES)]
        text = f"{name} visited {city} on day {i}.\n\nThe visit of {name} was short."
        spans = [Span(0, len(name), "PERSON")]
        at = text.index(city)
        spans.append(Span(at, at + len(city), "GPE"))
        later = text.rindex(name)
        spans.append(Span(later, later + len(name), "PERSON"))
        out.append(ParsedDoc(text, title=f"Visit {i}", lang="en", spans=spans, source=f"{i}"))
    return out


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_docs(_docs(30), as_gold=True, annotator="ann")
    store.add_docs([ParsedDoc(f"Nobody annotated this text {i}.", lang="en") for i in range(5)])
    yield store
    store.close()


def test_training_split_is_by_content_hash_and_stable(project):
    docs = gold_for_training(project, "en")
    train_docs, heldout = split_gold(docs)
    assert len(docs) == 30 and heldout and train_docs
    again = split_gold(list(reversed(docs)))
    assert {d.article.id for d in again[1]} == {d.article.id for d in heldout}


def test_training_a_blank_model_is_trained_scored_and_registered(project, tmp_path):
    result = train(project, tmp_path / "m", base="blank", max_steps=30, on_line=lambda _: None)
    assert result.path.is_dir() and (result.path / "config.cfg").exists()
    assert result.scores["docs"] == result.heldout_docs > 0
    assert set(result.scores["entities"]["all"]) >= {"precision", "recall", "f1"}
    assert result.base_scores == {} and result.rehearsal_docs == 0
    (registered,) = models(project)
    assert (registered.name, registered.version) == ("trained-en", "1")
    assert registered.data_hash == result.data_hash
    assert find(project, "trained-en").path == str(result.path)
    second = train(project, tmp_path / "m2", base="blank", max_steps=5, on_line=lambda _: None)
    assert second.version == "2" and find(project, "trained-en@1").version == "1"


@pytest.mark.model
def test_training_fine_tunes_the_base_model_keeping_its_parser(project, tmp_path):
    import spacy

    result = train(project, tmp_path / "m", base="en_core_web_sm", max_steps=4,
                   on_line=lambda _: None)  # fmt: skip
    nlp = spacy.load(result.path)
    assert {"tagger", "parser", "ner"} <= set(nlp.pipe_names)  # event rules still run
    assert result.base_scores["docs"] == result.scores["docs"] > 0  # the same gold
    assert result.rehearsal_docs == 5  # the unannotated articles, with the base's entities
    doc = nlp("Aliya Nurlanova met the minister in Astana.")
    assert doc.has_annotation("DEP")


def test_training_cli_refuses_too_little_gold_in_one_line(tmp_path):
    db = tmp_path / "small.db"
    with Store(db) as store:
        store.add_docs(_docs(1), as_gold=True, annotator="ann")
    res = CliRunner().invoke(cli, ["train", "--db", str(db), "--base", "blank"])
    assert res.exit_code == 1
    assert "not enough gold in language 'en' to train" in res.output
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_training_ctrl_c_keeps_the_best_model_so_far(project, tmp_path):
    out = tmp_path / "m"
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "train", "--db", str(project.path),
         "--base", "blank", "--max-steps", "100000", "--out", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while not (out / "model-best" / "config.cfg").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1.0)  # model-best is written whole
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr[-2000:]
    assert "stopped: keeping the best model so far" in stderr
    result = json.loads(stdout)
    assert result["stopped"] is True and result["version"] == "1"
    assert find(Store(project.path), "trained-en").path == result["path"]


def test_training_registered_model_suggests_by_name_other_languages_keep_theirs(project, tmp_path):
    project.add_docs([ParsedDoc("Путин встретился с Токаевым в Москве.", lang="ru")])
    result = train(project, tmp_path / "m", base="blank", max_steps=20, on_line=lambda _: None)
    run = CliRunner().invoke
    res = run(cli, ["suggest", "--db", str(project.path), "--model", "trained-en"])
    assert res.exit_code == 0, res.output
    assert "ru: the model is not for this language: suggesting with its own pipeline" in (
        res.output
    )
    models_run = dict(
        project.db.execute(
            "SELECT a.lang, r.model FROM suggestion_runs r JOIN articles a ON a.id = r.article_id"
        ).fetchall()
    )
    assert models_run["en"] == "trained-en" and models_run["ru"].startswith("rules:")
    versions = {
        v for (v,) in project.db.execute(
            "SELECT DISTINCT model_version FROM suggestion_runs WHERE model = 'trained-en'"
        )
    }  # fmt: skip
    assert len(versions) == 1 and versions.pop().startswith(f"{result.version}+")
    # a `spacy train` / `annotator train` output folder works too (its model-best)
    res = run(cli, ["suggest", "--db", str(project.path), "--model", str(tmp_path / "m"),
                    "--lang", "en", "--force"])  # fmt: skip
    assert res.exit_code == 0, res.output


def test_training_reports_each_step_and_stops_when_asked(project, tmp_path):
    """What the window's training job uses: a step count, and a stop that keeps the best
    model saved so far (as Ctrl+C does)."""
    seen: list[tuple[int, int]] = []
    result = train(
        project,
        tmp_path / "m",
        base="blank",
        max_steps=400,
        on_line=lambda _: None,
        progress=lambda step, total: seen.append((step, total)),
        should_stop=lambda: len(seen) >= 90,  # past the first checkpoint (every 80 steps)
    )
    assert result.stopped and seen[-1] == (90, 400)
    assert [s for s, _ in seen] == list(range(1, 91))
    assert find(Store(project.path), "trained-en").path == str(result.path)


def test_training_scores_table_says_when_the_held_out_gold_is_all_partial(tmp_path):
    # a new user trained on the bundled event gold (entities partial) and read
    # "Entities on 0 held-out gold articles: all 0.000 / base 0.000" after "11 held out"
    from annotator.cli.train_cmd import _scores_table
    from annotator.workflows.training import TrainResult

    result = TrainResult(name="t", version="1", path=tmp_path, lang="en", base="b",
                         annotator=None, train_docs=48, heldout_docs=11, rehearsal_docs=0,
                         data_hash="h", scores={"docs": 0, "entities": {}},
                         base_scores={"docs": 0, "entities": {}})  # fmt: skip
    (line,) = _scores_table(result)
    assert line.startswith("Entities: nothing to score: the 11 held-out gold articles")
    scored = {"docs": 3, "entities": {"all": {"precision": 0.5, "recall": 0.25, "f1": 1 / 3}}}
    result = TrainResult(name="t", version="1", path=tmp_path, lang="en", base="b",
                         annotator=None, train_docs=9, heldout_docs=3, rehearsal_docs=0,
                         data_hash="h", scores=scored)  # fmt: skip
    lines = _scores_table(result)
    assert lines[0] == "Entities on 3 held-out gold articles:"
    assert lines[-1].split()[:4] == ["all", "0.500", "0.250", "0.333"]


def test_training_piped_output_has_no_colour_codes(project, tmp_path):
    """`annotator train > log 2>&1` showed spaCy's (wasabi's) colour codes: escape
    sequences around every message and divider. Piped, there are none; the messages stay."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "ANSI_COLORS_DISABLED")}
    res = subprocess.run(
        [sys.executable, "-m", "annotator", "train", "--db", str(project.path),
         "--base", "blank", "--max-steps", "2", "--out", str(tmp_path / "m")],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Initializing pipeline" in res.stderr and "Registered trained-en@1" in res.stdout
    assert "\x1b" not in res.stderr and "\x1b" not in res.stdout


def test_training_colours_only_on_a_terminal_without_no_color(monkeypatch):
    import io

    from annotator.workflows.training import Uncoloured, wants_colour

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(Terminal()) and not wants_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Terminal())
    out = io.StringIO()
    print("\x1b[1m\n=== Training ===\x1b[0m \x1b[38;5;2m✔ saved\x1b[0m", file=Uncoloured(out))
    assert out.getvalue() == "\n=== Training === ✔ saved\n"
