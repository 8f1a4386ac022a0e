from __future__ import annotations

import pytest

from annotator.core.models import Argument, Event, Span
from annotator.core.schema import (
    ONTONOTES_LABELS,
    SchemaError,
    default_schema_path,
    load_schema,
    parse_schema,
)

NINE = [
    "Meet", "Contact", "Visit", "Statement", "Agreement", "Cooperation", "EconomicFigure",
    "TransferMoney", "Personnel",
]  # fmt: skip

MINIMAL = """
name = "mine"

[attributes.Negation]
type = "bool"

[types.Launch]
verbs = ["launch"]
nouns = ["launch"]

[types.Launch.roles]
Agent = { cardinality = "+", labels = ["ORG"] }
Time = { cardinality = "?", labels = ["DATE"] }

[types.Launch.slots]
subject = ["Agent"]
"""


def write(tmp_path, text: str):
    path = tmp_path / "schema.toml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path, text: str) -> list[str]:
    with pytest.raises(SchemaError) as info:
        load_schema(write(tmp_path, text))
    return info.value.errors


def test_schema_default_has_the_nine_news_types():
    schema = load_schema()
    assert schema.type_names == NINE
    assert default_schema_path().name == "schema.toml"
    meet = schema.get("Meet")
    assert {"meet", "discuss"} <= set(meet.verbs)
    assert {"talks", "summit"} <= set(meet.nouns)
    assert meet.role("Participant").cardinality == "*"  # a mention may name no participant
    assert meet.role("Participant").allows("PERSON") and meet.role("Participant").allows("ORG")
    assert not meet.role("Place").allows("PERSON")
    assert schema.get("Personnel").role("Person").at_most == 1
    assert {"hold", "pay", "sign"} & schema.light_verbs == {"hold", "pay"}


def test_schema_default_roles_use_known_labels_and_attributes():
    schema = load_schema()
    for etype in schema.types.values():
        for role in etype.roles:
            assert role.labels <= ONTONOTES_LABELS | {"SPAN"}, (etype.name, role.name)
    assert schema.attributes["Negation"].kind == "bool"
    assert schema.attributes["Negation"].default is False
    modality = schema.attributes["Modality"]
    assert modality.values == ("actual", "future", "hypothetical")
    assert "will" in modality.cues["future"] and "could" in modality.cues["hypothetical"]


def test_schema_project_file_is_loaded(tmp_path):
    schema = load_schema(write(tmp_path, MINIMAL))
    assert schema.name == "mine"
    assert schema.type_names == ["Launch"]
    assert schema.get("Launch").slot_roles("subject") == ("Agent",)
    assert schema.source.endswith("schema.toml")


def test_schema_collects_every_mistake_with_file_type_and_field(tmp_path):
    text = MINIMAL.replace('labels = ["ORG"]', 'labels = ["ORGANISATION"]')
    text = text.replace('cardinality = "?"', 'cardinality = "many"')
    text = text.replace('verbs = ["launch"]', 'verbs = ["launch", "Launch"]')
    text = text.replace('subject = ["Agent"]', 'subject = ["Agent", "Boss"]')
    errors = errors_of(tmp_path, text)
    assert len(errors) == 4
    assert all(e.startswith(str(tmp_path / "schema.toml")) for e in errors)
    assert all("type Launch" in e for e in errors)
    joined = "\n".join(errors)
    assert "roles.Agent: unknown label 'ORGANISATION'" in joined
    assert "roles.Time: cardinality 'many'" in joined
    assert "verbs: 'launch' is listed twice" in joined
    assert "slots.subject: unknown role 'Boss'" in joined


def test_schema_duplicate_type_is_one_error_with_its_line(tmp_path):
    errors = errors_of(tmp_path, MINIMAL + '\n[types.Launch]\nverbs = ["start"]\n')
    assert len(errors) == 1
    assert "type Launch is declared twice" in errors[0]
    assert errors[0].startswith(f"{tmp_path / 'schema.toml'}:")


def test_schema_types_differing_in_case_are_duplicates(tmp_path):
    twin = '[types.launch]\nverbs = ["begin"]\nroles.Who = { labels = ["ORG"] }\n'
    errors = errors_of(tmp_path, MINIMAL + twin)
    where = tmp_path / "schema.toml"
    assert errors == [f"{where}: type launch: duplicates type Launch (case is ignored)"]


def test_schema_rejects_role_names_ending_in_a_digit(tmp_path):
    errors = errors_of(tmp_path, MINIMAL.replace("Time = {", "Time2 = {"))
    assert any("roles.Time2" in e and "digit" in e for e in errors)


def test_schema_reports_unknown_fields_and_missing_triggers(tmp_path):
    text = MINIMAL.replace('verbs = ["launch"]\nnouns = ["launch"]', 'colour = "red"')
    errors = errors_of(tmp_path, text)
    assert any("unknown field 'colour'" in e for e in errors)
    assert any("needs at least one trigger" in e for e in errors)


def test_schema_bad_toml_and_missing_file_are_one_line_each(tmp_path):
    errors = errors_of(tmp_path, "[types.Launch\n")
    assert len(errors) == 1 and "not valid TOML" in errors[0] and ":1:" in errors[0]
    with pytest.raises(SchemaError) as info:
        load_schema(tmp_path / "missing.toml")
    assert "cannot read the schema" in str(info.value)


def test_schema_checks_lemma_fields_and_overrides():
    data = {
        "types": {
            "Talk": {
                "verbs": ["talk"],
                "roles": {"Who": {"cardinality": "+", "labels": ["PERSON"]}},
                "lemma_requires": {"chat": ["Who"]},
                "lemma_slots": {"talk": {"subject": ["Nobody"]}},
                "overrides": "Meet",
                "cues": ["phone"],
            }
        }
    }
    with pytest.raises(SchemaError) as info:
        parse_schema(data, "inline")
    text = str(info.value)
    assert "lemma_requires: 'chat' is not one of the type's triggers" in text
    assert "lemma_slots.talk.subject: unknown role 'Nobody'" in text
    assert "overrides: unknown type 'Meet'" in text


def test_schema_extra_labels_can_be_declared(tmp_path):
    text = 'labels = ["WEAPON"]\n' + MINIMAL.replace('labels = ["ORG"]', 'labels = ["WEAPON"]')
    schema = load_schema(write(tmp_path, text))
    assert schema.get("Launch").role("Agent").allows("WEAPON")


def test_schema_check_event_names_each_misfit():
    schema = load_schema()
    event = Event(
        Span(0, 4, "Personnel"),
        (
            Argument("Person", Span(5, 9, "PERSON")),
            Argument("Person", Span(10, 14, "PERSON")),
            Argument("Position", Span(15, 20, "SPAN")),
            Argument("Agent", Span(21, 25, "DATE")),
            Argument("Weapon", Span(26, 30, "ORG")),
        ),
    )
    problems = schema.check_event(event)
    assert "Personnel: unknown role 'Weapon'" in problems
    assert "Personnel: role Agent does not take DATE" in problems
    assert "Personnel: role Person filled 2 times (at most 1)" in problems
    assert len(problems) == 3
    assert schema.check_event(Event(Span(0, 4, "Party"))) == ["unknown event type 'Party'"]


def test_schema_digest_is_stable_and_follows_content(tmp_path):
    one = load_schema(write(tmp_path, MINIMAL))
    again = load_schema(write(tmp_path, MINIMAL))
    other = load_schema(write(tmp_path, MINIMAL.replace('nouns = ["launch"]', "")))
    assert one.digest == again.digest
    assert one.digest != other.digest
    assert one.to_dict()["types"]["Launch"]["roles"][0] == {
        "name": "Agent",
        "cardinality": "+",
        "labels": ["ORG"],
    }
    assert "source" not in one.to_dict()
