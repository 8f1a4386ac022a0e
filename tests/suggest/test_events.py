from __future__ import annotations

import json

import pytest

from annotator.core.evaluate import evaluate
from annotator.core.models import EVENT, Event, Suggestion
from annotator.core.paths import datasets_dir
from annotator.core.schema import load_schema
from annotator.io.article import parse_article
from annotator.suggest.events import PARAGRAPH_BREAKS

pytestmark = pytest.mark.model

GOLD = datasets_dir() / "gold" / "events_gold.jsonl"


def events(nlp, suggester, text: str) -> list[dict]:
    """Suggestions as plain dicts with the covered text, for readable assertions."""
    out = []
    for s in suggester(nlp(text)):
        args = sorted((a.role, text[a.span.start : a.span.end]) for a in s.arguments)
        out.append({"type": s.label, "trigger": text[s.span.start : s.span.end],
                    "args": args, **dict(s.attributes)})  # fmt: skip
    return out


def only(found: list[dict], etype: str) -> dict:
    matches = [e for e in found if e["type"] == etype]
    assert len(matches) == 1, found
    return matches[0]


def test_events_reference_headline_is_a_meeting_of_both_leaders(nlp, suggester):
    text = "Kassym-Jomart Tokayev, Gurbanguly Berdimuhamedov hold informal meeting in Turkistan"
    found = events(nlp, suggester, text)
    # the model tags Tokayev ORG here; the schema lets Participant be an ORG (a delegation,
    # a ministry), so the honest result keeps him with the label the model gave
    assert found == [
        {
            "type": "Meet",
            "trigger": "meeting",
            "args": [
                ("Participant", "Gurbanguly Berdimuhamedov"),
                ("Participant", "Kassym-Jomart Tokayev"),
                ("Place", "Turkistan"),
            ],
            "Modality": "actual",
            "Negation": False,
        }
    ]


def test_events_arrival_is_a_visit_with_destination_and_time(nlp, suggester):
    visit = only(
        events(nlp, suggester, "Berdimuhamedov arrived in Kazakhstan on April 21."), "Visit"
    )
    assert visit["trigger"] == "arrived"
    assert visit["args"] == [
        ("Destination", "Kazakhstan"),
        ("Time", "April 21"),
        ("Visitor", "Berdimuhamedov"),
    ]


def test_events_light_verb_gives_the_noun_and_its_arguments(nlp, suggester):
    found = events(nlp, suggester, "Tokayev and Mirziyoyev held talks in Astana on Monday.")
    assert [e["trigger"] for e in found] == ["talks"]  # "held" is no event of its own
    assert found[0]["args"] == [
        ("Participant", "Mirziyoyev"),
        ("Participant", "Tokayev"),
        ("Place", "Astana"),
        ("Time", "Monday"),
    ]


def test_events_verb_of_the_same_type_lends_its_arguments(nlp, suggester):
    found = events(nlp, suggester, "The agreement was signed by Kazakhstan and China.")
    assert [e["trigger"] for e in found] == ["agreement"]
    assert found[0]["args"] == [("Party", "China"), ("Party", "Kazakhstan")]


def test_events_coordination_gives_every_conjunct(nlp, suggester):
    text = "Energy ministers of Kazakhstan, Kyrgyzstan and Uzbekistan met in Almaty on May 30."
    meet = only(events(nlp, suggester, text), "Meet")
    assert [a for a in meet["args"] if a[0] == "Participant"] == [
        ("Participant", "Kazakhstan"),
        ("Participant", "Kyrgyzstan"),
        ("Participant", "Uzbekistan"),
    ]


def test_events_apposition_gives_the_name_not_the_title(nlp, suggester):
    text = "His predecessor, Bauyrzhan Tastanbekov, was relieved of his post."
    assert only(events(nlp, suggester, text), "Personnel")["args"] == [
        ("Person", "Bauyrzhan Tastanbekov")
    ]
    text = "Roman Sklyar, First Deputy Prime Minister of Kazakhstan, met Park Sung-ho in Astana."
    args = only(events(nlp, suggester, text), "Meet")["args"]
    assert ("Participant", "Kazakhstan") not in args
    assert {("Participant", "Roman Sklyar"), ("Participant", "Park Sung-ho")} <= set(args)


def test_events_passive_agent_and_subject_swap(nlp, suggester):
    text = "Yerlan Kudaibergenov has been appointed Vice Minister of Energy."
    assert only(events(nlp, suggester, text), "Personnel")["args"] == [
        ("Person", "Yerlan Kudaibergenov"),
        ("Position", "Vice Minister of Energy"),
    ]


@pytest.mark.parametrize(
    "text",
    ["The ministers did not sign the agreement.", "The parties failed to agree on the amount."],
)
def test_events_negation_from_the_parse(nlp, suggester, text):
    assert only(events(nlp, suggester, text), "Agreement")["Negation"] is True


def test_events_double_negation_cancels(nlp, suggester):
    found = events(nlp, suggester, "We are not refusing to pay our share.")
    assert only(found, "TransferMoney")["Negation"] is False


@pytest.mark.parametrize(
    ("text", "etype", "modality"),
    [
        ("Tokayev will visit Italy in the autumn.", "Visit", "future"),
        ("Putin plans to visit Beijing.", "Visit", "future"),
        ("EBRD to lend $150 million for Almaty water supply", "TransferMoney", "future"),
        ("Agreements worth $700 million could be signed in Astana.", "Agreement", "hypothetical"),
        ("Tokayev visited Italy in May.", "Visit", "actual"),
    ],
)
def test_events_modality_from_the_parse(nlp, suggester, text, etype, modality):
    assert only(events(nlp, suggester, text), etype)["Modality"] == modality


def test_events_meeting_by_phone_is_a_contact(nlp, suggester):
    text = "Tokayev and Shavkat Mirziyoyev discuss water and energy by phone"
    contact = only(events(nlp, suggester, text), "Contact")
    assert contact["trigger"] == "discuss"


def test_events_idioms_and_figureless_changes_are_no_events(nlp, suggester):
    assert events(nlp, suggester, "Particular attention was paid to the rivers.") == []
    assert events(nlp, suggester, "Non-commodity exports grew sharply.") == []
    figure = only(
        events(nlp, suggester, "Non-commodity exports grew by 18% in 2024."), "EconomicFigure"
    )
    assert figure["args"] == [
        ("Change", "18%"),
        ("Indicator", "Non-commodity exports"),
        ("Period", "2024"),
    ]


def test_events_every_mention_is_its_own_event(nlp, suggester):
    text = "Japarov arrives in Astana\n\nSadyr Japarov arrived in Astana on February 13."
    visits = [e for e in events(nlp, suggester, text) if e["type"] == "Visit"]
    assert [v["trigger"] for v in visits] == ["arrives", "arrived"]


def test_events_suggestions_are_core_objects_one_per_trigger_and_type(nlp, suggester):
    doc = nlp("The Mazhilis ratified a loan agreement with the Islamic Development Bank.")
    found = suggester.suggest(doc)
    assert found and all(isinstance(s, Suggestion) and s.kind == EVENT for s in found)
    keys = [(s.span.start, s.span.end, s.label) for s in found]
    assert len(keys) == len(set(keys))
    for s in found:
        assert [name for name, _ in s.attributes] == ["Modality", "Negation"]
        assert all(a.span.label for a in s.arguments)
        assert load_schema().check_event(s.as_event()) == []


def test_events_paragraph_breaks_split_a_headline_from_the_lead(nlp):
    assert PARAGRAPH_BREAKS in nlp.pipe_names
    assert nlp.pipe_names.index(PARAGRAPH_BREAKS) < nlp.pipe_names.index("parser")
    doc = nlp("Trade reaches $43.8 billion in 2024\n\nTrade reached $43.8 billion in 2024.")
    assert [s.text.strip() for s in doc.sents][:1] == ["Trade reaches $43.8 billion in 2024"]


def test_events_need_a_parse(blank_nlp, suggester):
    with pytest.raises(ValueError, match="dependency parse"):
        suggester.suggest(blank_nlp("Tokayev met Mirziyoyev in Astana."))


def test_events_stored_version_follows_the_schema(tmp_path):
    """The version event suggestions are stored under (what makes them be made again)
    changes with the schema, not with a copy of it."""
    from annotator.suggest.pipeline import with_events_version

    text = load_schema().source
    same, changed = tmp_path / "same.toml", tmp_path / "schema.toml"
    with open(text, encoding="utf-8") as f:
        raw = f.read()
    same.write_text(raw, encoding="utf-8")
    changed.write_text(raw.replace('"summit", ', ""), encoding="utf-8")
    assert with_events_version("3.8.0", same) == with_events_version("3.8.0", None)
    assert with_events_version("3.8.0", changed) != with_events_version("3.8.0", None)


def _gold_lines() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def test_events_gold_file_matches_the_corpus_and_the_schema():
    schema = load_schema()
    lines = _gold_lines()
    assert len(lines) >= 15
    splits = {"tune", "heldout", "test", "tune-new", "test-new"}
    splits |= {"test-2", "test-3", "test-4", "test-5", "test-6", "test-7", "test-8", "test-9"}
    assert {d["meta"]["split"] for d in lines} == splits
    for d in lines:
        path = datasets_dir() / d["meta"]["source"]
        assert d["text"] == parse_article(path.read_text(encoding="utf-8"), path.name).text
        for e in d["events"]:
            event = Event.from_dict(e)
            assert schema.check_event(event) == [], (path.name, e)
            assert d["text"][event.trigger.start : event.trigger.end].strip()
        for s in d["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(d["text"])


@pytest.mark.slow
def test_events_reach_the_targets_on_held_out_gold(nlp, suggester):
    """Articles never used to tune the rules (only their aggregate scores were looked at):
    a guard against regressions, a little under the scores of rules version 3 (TC F1 .95,
    AC F1 .82 on heldout + test; datasets/gold/README.md has every split's scores)."""
    pairs = []
    for d in _gold_lines():
        # the original held-out splits only: tune-new is for tuning, test-new is scored once
        if d["meta"]["split"] not in ("heldout", "test"):
            continue
        predicted = [s.as_event() for s in suggester(nlp(d["text"]))]
        pairs.append((([], predicted), ([], [Event.from_dict(e) for e in d["events"]])))
    report = evaluate(pairs)
    print(report.render())
    assert report.events["trigger_classification"].f1 >= 0.92
    assert report.events["argument_classification"].f1 >= 0.78


def test_events_place_hung_on_the_object_is_the_event_place(nlp, suggester):
    """The parser attaches "in Astana" to the object of "met"; it is still the meeting's place."""
    text = "President Tokayev met Shavkat Mirziyoyev in Astana."
    (meet,) = suggester(nlp(text))
    assert [(a.role, text[a.span.start : a.span.end]) for a in meet.arguments] == [
        ("Participant", "Tokayev"),
        ("Participant", "Shavkat Mirziyoyev"),
        ("Place", "Astana"),
    ]
