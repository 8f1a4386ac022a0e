"""An entity span labelled SPAN is refused on import: SPAN is the label of event argument
phrases, never an entity's. Stored as gold entities, 27 such spans were lost by a Label
Studio round trip and taught to spaCy as an entity type (new-user trial)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.store import Store

TEXT = "Tokayev met Putin in Astana."


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_a_jsonl_entity_span_labelled_span_refuses_its_record_with_one_line(tmp_path):
    src = tmp_path / "a.jsonl"
    _write(
        src,
        [
            {"text": TEXT, "spans": [{"start": 0, "end": 7, "label": "PERSON"},
                                     {"start": 21, "end": 27, "label": "SPAN"}]},
            {"text": "Second text about Almaty.",
             "spans": [{"start": 18, "end": 24, "label": "GPE"}]},
        ],
    )  # fmt: skip
    for gold in (["--as-gold", "--annotator", "ann"], []):
        db = tmp_path / f"p{len(gold)}.db"
        res = _run("import", str(src), "--db", str(db), *gold)
        assert res.exit_code == 1
        errors = [x for x in res.output.splitlines() if x.startswith("error:")]
        assert errors == [
            f"error: {src}:1: entity span 21..27 is labelled SPAN, the label of event argument "
            "phrases, not of an entity (label it, or leave it to the event)"
        ]
        with Store(db) as s:
            texts = [r[0] for r in s.db.execute("SELECT text FROM articles")]
            assert texts == ["Second text about Almaty."]
            assert (
                s.db.execute("SELECT count(*) FROM gold_spans WHERE label = 'SPAN'").fetchone()[0]
                == 0
            )
            assert (
                s.db.execute("SELECT count(*) FROM suggestions WHERE label = 'SPAN'").fetchone()[0]
                == 0
            )


def test_a_span_phrase_of_an_event_argument_still_imports(tmp_path):
    src = tmp_path / "e.jsonl"
    record = {
        "text": TEXT,
        "spans": [{"start": 0, "end": 7, "label": "PERSON"}],
        "events": [{"trigger": {"start": 8, "end": 11}, "type": "Meet",
                    "arguments": [{"role": "Participant", "start": 0, "end": 7, "label": "PERSON"},
                                  {"role": "Topic", "start": 12, "end": 17, "label": "SPAN"}]}],
    }  # fmt: skip
    _write(src, [record])
    res = _run("import", str(src), "--db", str(tmp_path / "e.db"), "--as-gold", "--annotator", "a")
    assert res.exit_code == 0, res.output
    with Store(tmp_path / "e.db") as s:
        (aid,) = [r[0] for r in s.db.execute("SELECT id FROM articles")]
        (event,) = s.gold_events(aid, "a")
        assert [a.span.label for a in event.arguments] == ["PERSON", "SPAN"]
        assert [x.label for x in s.gold_spans(aid, "a")] == ["PERSON"]


def test_check_names_gold_entities_labelled_span_from_before(tmp_path):
    """A project that took such spans in before imports refused them: `check` names each
    (the Label Studio round trip and the spaCy export would mishandle them)."""
    from annotator.core import commands as cmd
    from annotator.core.models import ParsedDoc, Span

    db = tmp_path / "old.db"
    with Store(db) as s:
        s.add_docs([ParsedDoc(TEXT, lang="en", source="a.txt")])
        # as an older import stored them (the store itself takes any label)
        s.apply(1, "ann", cmd.Command("import", (cmd.add_span(Span(21, 27, "SPAN")),)))
    res = _run("check", "--db", str(db))
    assert res.exit_code == 1
    assert (
        "problem: article 1, ann: gold entity 21..27 is labelled SPAN, the label of event "
        "argument phrases, not of an entity: relabel or delete it"
    ) in res.output


def test_check_names_an_event_taken_for_an_entity_from_before(tmp_path):
    """Accepting an event suggestion whose argument named another event made a gold entity
    labelled with that event's type on its trigger: `check` names such entities."""
    from annotator.core import commands as cmd
    from annotator.core.models import Argument, Event, ParsedDoc, Span

    db = tmp_path / "old.db"
    meet = Event(Span(8, 11, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    with Store(db) as s:
        s.add_docs([ParsedDoc(TEXT, lang="en", source="a.txt")])
        # as the accept stored it (the store itself takes any label)
        changes = (
            cmd.add_span(Span(0, 7, "PERSON")),
            cmd.add_span(Span(8, 11, "Meet")),
            cmd.add_event(meet),
        )
        s.apply(1, "ann", cmd.Command("accept", changes))
    res = _run("check", "--db", str(db))
    assert res.exit_code == 1
    assert (
        "problem: article 1, ann: gold entity 8..11 is labelled Meet, the type of the event "
        "whose trigger it is"
    ) in res.output
    assert res.output.count("problem:") == 1
