"""The learned trigger model next to the trigger lexicon (issue 10): the shipped weights,
what it adds to the lexicon's triggers, how it says so, and its training."""

from __future__ import annotations

import json

import pytest

from annotator.suggest import arg_train
from annotator.suggest import trigger_model as tm
from annotator.suggest.events import EventSuggester

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def shipped():
    return tm.TriggerModel.load()


@pytest.fixture(scope="module")
def lexicon():
    return EventSuggester(trigger_model=None)


def _events(nlp, suggester, text: str) -> dict[tuple[str, str], object]:  # noqa: ANN001
    doc = nlp(text)
    return {(s.label, text[s.span.start : s.span.end]): s for s in suggester(doc)}


# -- the shipped file ---------------------------------------------------------------------------


def test_trigger_model_shipped_weights_load_and_are_used_by_default(shipped, suggester, lexicon):
    assert tm.default_path().name == "trigger_model.json"
    assert 0.0 < shipped.threshold <= 1.0
    assert len(shipped.gate.weights) > 500
    assert {"Statement", "EconomicFigure", "TransferMoney", "Personnel"} <= set(shipped.types)
    assert shipped.meta["trained_on"] == list(arg_train.SPLITS)  # the spent splits only
    assert suggester.trigger_model is not None
    assert suggester.trigger_model.digest == shipped.digest
    assert lexicon.trigger_model is None
    # stored suggestions are made again when the model changes: test_events_version.py


def test_trigger_model_file_round_trips(shipped, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(shipped.to_dict()), encoding="utf-8")
    again = tm.TriggerModel.load(path)
    assert again == shipped
    assert again.digest == shipped.digest
    assert tm.rule_name(0.734) == "trigger-model p=.73"


# -- what it adds --------------------------------------------------------------------------------


def test_trigger_model_adds_a_trigger_the_lexicon_lacks_and_says_so(nlp, suggester, lexicon):
    # sentences written for this test (not in the gold the model learned from)
    text = (
        "The ministry put the volume of mutual trade at $812 million in 2025.\n\n"
        "Tokayev met Mirziyoyev in Tashkent on Monday."
    )
    alone, both = _events(nlp, lexicon, text), _events(nlp, suggester, text)
    assert ("EconomicFigure", "put") not in alone  # "put" is in no word list
    added = both[("EconomicFigure", "put")]
    assert added.score is not None and added.score >= suggester.trigger_model.threshold
    # its arguments come from the rules and the argument model of its type
    roles = {(a.role, text[a.span.start : a.span.end]) for a in added.arguments}
    assert ("Value", "$812 million") in roles
    # the lexicon's events are left as they were, and carry no score
    assert both[("Meet", "met")].score is None
    assert both[("Meet", "met")].arguments == alone[("Meet", "met")].arguments


def test_trigger_model_leaves_names_modifiers_and_plain_words_alone(nlp, suggester, lexicon):
    text = "The Kazakh Invest company opened a new office in the city on Tuesday."
    assert _events(nlp, suggester, text) == _events(nlp, lexicon, text)
    doc = nlp(text)
    run, _pairs = lexicon.rule_pairs(doc)
    words = {doc[i].text for i, _ in tm.candidates(run, {}, ())}
    assert "Invest" not in words  # inside a name
    assert "office" in words and "opened" in words  # candidates the gate turns down


# -- training ------------------------------------------------------------------------------------


def test_trigger_model_fit_is_deterministic_on_a_small_set(nlp):
    pytest.importorskip("sklearn")
    from annotator.suggest import trigger_train as tt

    text = (
        "The ministry put trade at $812 million. The bank offered a loan to Georgia. "
        "Officials opened an office. The minister put exports at $2 billion. "
        "The fund offered grants. Workers opened a plant."
    )
    events = []
    for word, etype in (("put", "EconomicFigure"), ("offered", "Statement")):
        at = 0
        while (at := text.find(word, at)) >= 0:
            trig = {"start": at, "end": at + len(word)}
            events.append({"trigger": trig, "type": etype, "arguments": []})
            at += 1
    lines = [{"text": text, "events": events, "meta": {"split": s}} for s in ("tune", "test")]
    arts = tt.collect(lines, nlp=nlp)
    assert any(y == "EconomicFigure" for y in arts[0].labels)
    first = tt.fit(arts, 0.5)
    assert tt.fit(arts, 0.5) == first  # the same gold gives the same weights
    assert tt.to_json(first) == tt.to_json(tt.fit(arts, 0.5))


def test_trigger_model_trainer_reads_no_reserved_article(monkeypatch, tmp_path, nlp):
    from annotator.suggest import arg_train, trigger_train

    def line(source: str, split: str, text: str) -> str:
        meta = {"source": source, "split": split}
        return json.dumps({"text": text, "events": [], "meta": meta})

    gold = tmp_path / "gold"
    gold.mkdir()
    rows = [line("001_a.txt", "tune", "Tokayev met Putin."), line("108_b.txt", "tune", "SECRET")]
    rows += [line("107_c.txt", "test-8", "SECRET"), line("112_d.txt", "test-9", "SECRET")]
    (gold / "events_gold.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(arg_train, "datasets_dir", lambda: tmp_path)
    seen = []

    def spy(text: str):  # noqa: ANN202
        seen.append(text)
        return nlp(text)

    arts = trigger_train.collect(arg_train.gold_lines(), nlp=spy)
    assert seen == ["Tokayev met Putin."] and len(arts) == 1


@pytest.mark.slow
def test_trigger_model_training_reproduces_the_shipped_file(gold_parse):
    pytest.importorskip("sklearn")
    from annotator.suggest import arg_train
    from annotator.suggest import trigger_train as tt

    suggester = EventSuggester(arg_model=None, trigger_model=None)
    arts = tt.collect(arg_train.gold_lines(), nlp=gold_parse, suggester=suggester)
    trained = tt.train(arts, suggester)
    assert tt.to_json(trained) == tm.default_path().read_text(encoding="utf-8")
