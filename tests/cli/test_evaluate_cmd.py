from __future__ import annotations

import json

import spacy
from click.testing import CliRunner
from spacy.tokens import DocBin

from annotator.cli.evaluate_cmd import evaluate_store, parse_model
from annotator.cli.main import cli
from annotator.core.models import EVENT, Argument, Event, ParsedDoc, Span, Suggestion
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana. Trade grew by 5%."
TOKAYEV, MIRZIYOYEV, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(26, 32, "GPE")
MEET = Event(
    Span(8, 11, "Meet"),
    (
        Argument("Participant", TOKAYEV),
        Argument("Participant", MIRZIYOYEV),
        Argument("Place", ASTANA),
    ),
    (("Modality", "actual"), ("Negation", False)),
)


def gold_project(path) -> tuple[Store, int]:  # noqa: ANN001
    store = Store(path)
    doc = ParsedDoc(TEXT, title="t", lang="en", spans=[TOKAYEV, MIRZIYOYEV, ASTANA], events=[MEET])
    (added,) = store.add_docs([doc], as_gold=True, annotator="ann")
    return store, added.article_id


def suggestions(event: Event, *spans: Span) -> list[Suggestion]:
    out = [Suggestion(s) for s in spans]
    return out + [Suggestion(event.trigger, EVENT, event.arguments, event.attributes)]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_evaluate_cmd_scores_suggestions_against_gold(tmp_path):
    db = tmp_path / "p.db"
    store, aid = gold_project(db)
    # the model finds the meeting but misses Astana, and tags Mirziyoyev as ORG
    guess = Event(MEET.trigger, MEET.arguments[:2])
    store.add_suggestions([(aid, suggestions(guess, TOKAYEV, Span(12, 22, "ORG")))], "m", "1")
    store.close()
    result = run("evaluate", "--db", str(db), "--annotator", "ann", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["articles"] == 1 and data["models"]["event"] == {"model": "m", "version": "1"}
    assert data["events"]["trigger_classification"]["f1"] == 1.0
    assert data["events"]["argument_classification"]["tp"] == 2
    assert data["events"]["argument_classification"]["gold"] == 3
    assert data["entities"]["by_label"]["PERSON"] == {
        "precision": 1.0, "recall": 0.5, "f1": 0.6667, "tp": 1, "predicted": 1, "gold": 2,
    }  # fmt: skip
    table = run("evaluate", "--db", str(db), "--annotator", "ann")
    assert table.exit_code == 0
    assert "Gold of ann: 1 articles" in table.output
    assert "argument classification" in table.output and "Suggestions (event): m 1" in table.output


def test_evaluate_cmd_takes_the_latest_model_unless_told(tmp_path):
    store, aid = gold_project(tmp_path / "p.db")
    store.add_suggestions([(aid, suggestions(MEET, TOKAYEV))], "old", "1")
    store.add_suggestions([(aid, suggestions(Event(Span(0, 7, "Visit"))))], "new", "2")
    latest = evaluate_store(store, "ann")
    assert latest.models == {"entity": ("old", "1"), "event": ("new", "2")}
    assert latest.report.events["trigger_classification"].tp == 0
    chosen = evaluate_store(store, "ann", model="old@1")
    assert chosen.report.events["trigger_classification"].tp == 1
    assert chosen.report.events["argument_classification"].tp == 3


def test_evaluate_cmd_skips_gold_articles_the_model_never_saw(tmp_path):
    store, aid = gold_project(tmp_path / "p.db")
    other = ParsedDoc("Another text about Astana.", lang="en", spans=[Span(19, 25, "GPE")])
    (second,) = store.add_docs([other], as_gold=True, annotator="ann")
    store.add_suggestions([(aid, suggestions(MEET))], "m", "1")
    result = evaluate_store(store, "ann")
    assert result.articles == 1 and result.skipped == [second.article_id]
    assert "Skipped 1 articles" in result.render()


def test_evaluate_cmd_without_gold_or_suggestions_is_one_line_and_exit_1(tmp_path):
    db = tmp_path / "p.db"
    gold_project(db)[0].close()
    nobody = run("evaluate", "--db", str(db), "--annotator", "nobody")
    assert nobody.exit_code == 1
    assert nobody.output.strip() == (
        "error: no gold of annotator 'nobody' with status done; annotate or import some"
    )
    unscored = run("evaluate", "--db", str(db), "--annotator", "ann")
    assert unscored.exit_code == 1 and "run annotator suggest" in unscored.output
    assert len(unscored.output.strip().splitlines()) == 1


def test_evaluate_cmd_status_any_includes_unfinished_articles(tmp_path):
    store = Store(tmp_path / "p.db")
    (added,) = store.add_docs([ParsedDoc(TEXT, lang="en")])
    from annotator.core import commands as cmd

    entities = tuple(cmd.add_span(a.span) for a in MEET.arguments)
    store.apply(added.article_id, "ann", cmd.Command("add", (*entities, cmd.add_event(MEET))))
    store.add_suggestions([(added.article_id, suggestions(MEET))], "m", "1")
    assert evaluate_store(store, "ann", status="any").articles == 1
    assert store.status(added.article_id, "ann") == "in_progress"


def test_evaluate_cmd_parses_model_names():
    assert parse_model("en_core_web_sm@3.8.0") == ("en_core_web_sm", "3.8.0")
    assert parse_model("rules") == ("rules", None)
    assert parse_model(None) == (None, None)


def test_evaluate_cmd_partial_entity_gold_scores_events_only(tmp_path, corpus_dir):
    """The bundled events gold holds only the entities its events need."""
    db = str(tmp_path / "g.db")
    gold = corpus_dir / "gold" / "events_gold.jsonl"
    lines = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x]
    assert {d["meta"]["entities"] for d in lines} == {"partial"}
    run = CliRunner().invoke
    res = run(cli, ["import", str(gold), "--db", db, "--as-gold", "--annotator", "g"])
    assert res.exit_code == 0, res.output
    store = Store(db)
    ids = [r.id for r in store.list_articles("g")]
    store.add_suggestions([(i, [Suggestion(Span(0, 4, "GPE"))]) for i in ids], "m", "1")
    data = json.loads(run(cli, ["evaluate", "--db", db, "--annotator", "g", "--json"]).output)
    assert sorted(data["entities_not_scored"]) == ids
    out = tmp_path / "out"
    res = run(cli, ["export", "--format", "spacy", "--out", str(out), "--db", db])
    assert res.exit_code == 0, res.output
    vocab = spacy.blank("en").vocab
    docs = [d for f in out.glob("*.spacy") for d in DocBin().from_disk(f).get_docs(vocab)]
    assert len(docs) == len(ids)
    # tokens outside the partial gold are missing ("" IOB), never O
    assert {t.ent_iob_ for d in docs for t in d} == {"", "B", "I"}


def test_evaluate_cmd_leaves_undecided_suggestions_out_of_the_scores(tmp_path):
    from annotator.core import commands as cmd

    db = tmp_path / "p.db"
    store = Store(db)
    (aid,) = (r.article_id for r in store.add_docs([ParsedDoc(TEXT, title="t", lang="en")]))
    wrong, unsure = Span(26, 32, "ORG"), Span(34, 44, "EVENT")  # "Astana" as ORG, "Trade grew"
    store.add_suggestions(
        [(aid, [Suggestion(TOKAYEV), Suggestion(wrong), Suggestion(unsure)])], "m", "1"
    )
    ids = {s.span: s.id for s, _ in store.suggestions(aid, "ann")}
    # the annotator's work, with the EVENT suggestion still pending when they mark done
    gold = [cmd.add_span(s) for s in (TOKAYEV, MIRZIYOYEV, ASTANA)]
    decided = [
        cmd.set_suggestion(ids[TOKAYEV], "pending", "accepted"),
        cmd.set_suggestion(ids[wrong], "pending", "rejected"),
    ]
    store.apply(aid, "ann", cmd.Command("work", (*gold, *decided, cmd.add_event(MEET))))
    store.apply(aid, "ann", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    store.close()
    result = run("evaluate", "--db", str(db), "--annotator", "ann", "--json")
    data = json.loads(result.output)
    # the rejected ORG is a false positive; the undecided EVENT span is neither right nor wrong
    assert data["entities"]["by_label"]["ORG"]["predicted"] == 1
    assert "EVENT" not in data["entities"]["by_label"]
    assert data["entities"]["all"]["predicted"] == 2 and data["entities"]["all"]["tp"] == 1
    assert data["undecided_suggestions_not_scored"] == 1
    assert data["articles_with_undecided_suggestions"] == [aid]
    table = run("evaluate", "--db", str(db), "--annotator", "ann").output
    assert "Left out 1 undecided suggestion on 1 article (neither accepted nor rejected" in table


def test_evaluate_cmd_a_model_run_after_the_gold_is_done_is_scored_in_full(tmp_path):
    """Suggestions made after the annotator finished are predictions: a wrong one is a
    false positive, not an "undecided" suggestion left out (that made precision 1.0)."""
    db = tmp_path / "p.db"
    store, aid = gold_project(db)
    store.add_suggestions([(aid, [Suggestion(TOKAYEV), Suggestion(Span(12, 22, "ORG"))])], "m", "1")
    store.close()
    data = json.loads(run("evaluate", "--db", str(db), "--annotator", "ann", "--json").output)
    assert data["undecided_suggestions_not_scored"] == 0
    assert data["entities"]["by_label"]["ORG"]["predicted"] == 1
    assert data["entities"]["by_label"]["ORG"]["precision"] == 0.0


def test_evaluate_cmd_scores_each_language_against_its_own_latest_model(tmp_path):
    db = tmp_path / "p.db"
    store, en_id = gold_project(db)
    ru_text = "Токаев встретился с Мирзиёевым в Астане."
    ru_gold = [Span(0, 6, "PERSON"), Span(20, 30, "PERSON"), Span(33, 39, "GPE")]
    (ru,) = store.add_docs(
        [ParsedDoc(ru_text, title="р", lang="ru", spans=ru_gold)], as_gold=True, annotator="ann"
    )
    store.add_suggestions([(en_id, [Suggestion(TOKAYEV), Suggestion(MIRZIYOYEV)])], "en_m", "1")
    # the Russian rules ran last: before, they were "the latest model" for English gold too
    store.add_suggestions([(ru.article_id, [Suggestion(s) for s in ru_gold])], "rules:ru", "1")
    result = evaluate_store(store, "ann")
    assert result.by_lang == {
        "en": {"entity": ("en_m", "1"), "event": None},
        "ru": {"entity": ("rules:ru", "1"), "event": None},
    }
    assert result.articles == 2 and not result.skipped
    person = result.report.entities["PERSON"]
    assert (person.tp, person.predicted, person.gold) == (4, 4, 4)
    assert result.report.entities["GPE"].recall == 0.5  # Astana missed in English only
    store.close()
    table = run("evaluate", "--db", str(db), "--annotator", "ann")
    assert "Suggestions (entity, en): en_m 1" in table.output
    assert "Suggestions (entity, ru): rules:ru 1" in table.output
    data = json.loads(run("evaluate", "--db", str(db), "--annotator", "ann", "--json").output)
    assert data["models"]["entity"] is None
    assert data["models_by_language"]["ru"]["entity"] == {"model": "rules:ru", "version": "1"}


def test_evaluate_cmd_default_annotator_is_the_one_with_gold(tmp_path):
    # a new user's only annotator was 'eve'; the default (the OS user, 'root') found no gold
    db = tmp_path / "p.db"
    store, aid = gold_project(db)
    store.add_suggestions([(aid, suggestions(MEET, TOKAYEV))], "m", "1")
    store.close()
    one = run("evaluate", "--db", str(db))
    assert one.exit_code == 0, one.output
    assert "Gold of ann: 1 articles" in one.output
    with Store(db) as store:
        store.add_docs([ParsedDoc("Another text.", lang="en", spans=[Span(0, 7, "ORG")])],
                       as_gold=True, annotator="bea")  # fmt: skip
    two = CliRunner().invoke(cli, ["evaluate", "--db", str(db)])
    assert two.exit_code == 1
    assert two.stderr.strip() == "error: whose gold? annotators: ann, bea; pass --annotator NAME"
