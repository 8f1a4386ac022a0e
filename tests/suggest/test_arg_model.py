"""The learned argument model on top of the event rules (issue 10): the shipped weights, its
training, what it adds to the rules' suggestions and its features on edge cases."""

from __future__ import annotations

import json

import pytest
from found_args import found

from annotator.core.models import Argument, Span
from annotator.suggest import arg_model as am
from annotator.suggest import arg_train
from annotator.suggest.events import EventSuggester

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def rules():
    return EventSuggester(arg_model=None)


@pytest.fixture(scope="module")
def shipped():
    return am.ArgModel.load()


# -- the shipped file ---------------------------------------------------------------------------


def test_arg_model_shipped_weights_load_and_are_used_by_default(shipped, suggester, rules):
    assert am.default_path().name == "arg_model.json"
    assert 0.0 < shipped.add.threshold <= 1.0
    assert len(shipped.add.weights) > 1000
    assert "Meet.Participant" in shipped.roles and "Visit.Visitor" in shipped.roles
    assert shipped.meta["trained_on"] == list(arg_train.SPLITS)  # the spent splits only
    assert suggester.arg_model is not None
    assert suggester.arg_model.digest == shipped.digest
    assert rules.arg_model is None
    # stored suggestions are made again when the model changes: test_events_version.py


def test_arg_model_file_round_trips(shipped, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(shipped.to_dict()), encoding="utf-8")
    again = am.ArgModel.load(path)
    assert again == shipped
    assert again.digest == shipped.digest


@pytest.mark.slow
def test_arg_model_training_reproduces_the_shipped_file(shipped, gold_parse):
    pytest.importorskip("sklearn")
    from annotator.suggest import arg_train

    lines = arg_train.gold_lines()
    assert {d["meta"]["split"] for d in lines} == set(arg_train.SPLITS)
    assert not any(int(d["meta"]["source"][:3]) in arg_train.RESERVED for d in lines)
    # the same gold gives the same weights: the file was written by an earlier run
    trained = arg_train.train(arg_train.collect(lines, nlp=gold_parse))
    assert arg_train.to_json(trained) == am.default_path().read_text(encoding="utf-8")


def test_arg_model_gold_reader_skips_other_splits_and_reserved_articles(tmp_path):
    from annotator.suggest import arg_train

    def line(source: str, split: str) -> str:
        meta = {"source": source, "split": split}
        return json.dumps({"text": "x", "events": [], "meta": meta})

    path = tmp_path / "gold.jsonl"
    rows = [line("001_a.txt", "tune"), line("109_b.txt", "tune"), line("112_c.txt", "test-9")]
    rows += [line("091_d.txt", "test-7"), line("099_e.txt", "test-8"), line("108_f.txt", "test-8")]
    path.write_text("\n".join([*rows, ""]), encoding="utf-8")
    # the next unseen split's articles (107-114) are never read, whatever their split says;
    # test-7 and test-8 are spent and are read; an unseen split is never a training split
    assert "test-9" not in arg_train.SPLITS
    read = [d["meta"]["source"] for d in arg_train.gold_lines(path)]
    assert read == ["001_a.txt", "091_d.txt", "099_e.txt"]


# -- what it adds --------------------------------------------------------------------------------


def test_arg_model_adds_the_arguments_of_coordinated_and_relative_clause_triggers(
    nlp, suggester, rules
):
    # sentences of the kinds the rules miss (not in the gold the model was trained on)
    text = (
        "Since 2010, the World Bank has committed more than $5 billion in loans and grants "
        "to Uzbekistan. A meeting of the intergovernmental commission is scheduled for June "
        "in Almaty, where agreements worth $1 billion could be signed."
    )
    alone, both = found(nlp, rules, text), found(nlp, suggester, text)
    assert set(alone) == set(both)  # the model adds arguments, never events
    assert alone[("TransferMoney", "loans")] == []
    loans = {(role, words) for role, words, _ in both[("TransferMoney", "loans")]}
    assert {("Giver", "World Bank"), ("Recipient", "Uzbekistan"), ("Time", "2010")} <= loans
    assert ("Place", "Almaty") not in {(r, w) for r, w, _ in alone[("Agreement", "agreements")]}
    assert ("Place", "Almaty") in {(r, w) for r, w, _ in both[("Agreement", "agreements")]}
    for key, args in both.items():
        rule_args = [a for a in args if not a[2].startswith("model:")]
        assert set(rule_args) <= set(alone[key])  # the rules' own arguments are kept as made
        for _, _, rule in args:  # each added one says it is the model's, and how sure
            if rule.startswith("model:"):
                assert float(rule.split(":")[1]) >= am.ArgModel.load().add.threshold


# -- features and decisions on edge cases -------------------------------------------------------


def test_arg_model_path_features_edge_cases(nlp):
    doc = nlp("Tokayev met Mirziyoyev in Tashkent.\n\nThe talks lasted two hours.")
    met, tashkent, talks = doc[1], doc[4], [t for t in doc if t.text == "talks"][0]
    assert am.path_features(met, met) == ["path=self"]
    feats = am.path_features(met, tashkent)
    assert "path=|prepvpobj" in feats and "edown=invpobj" in feats
    # two sentences have no common ancestor: the walk ends instead of looping
    up, _top, down = am.dep_path(met, talks)
    assert down[-1].i == talks.i and up[0].i == met.i
    assert am.bucket(1) == "1" and am.bucket(4) == "5" and am.bucket(21) == "far"


def test_arg_model_candidates_skip_attached_spans_full_roles_and_empty_sentences(nlp, rules):
    text = "Tokayev met Mirziyoyev in Tashkent on Monday.\n\nIt was a long day."
    doc = nlp(text)
    run, pairs = rules.rule_pairs(doc)
    [(mention, sugg)] = pairs
    attached = {(a.span.start, a.span.end) for a in sugg.arguments}
    assert {text[s:e] for s, e in attached} >= {"Tokayev", "Mirziyoyev", "Tashkent", "Monday"}
    found, kept = am.examine(run, pairs, None)
    assert not any((c.span.start, c.span.end) in attached for c in found)
    assert not any(c.role in ("Time", "Place") for c in found)  # "?" roles already filled
    assert len(kept) == len(sugg.arguments)
    for k in kept:  # what the rule was, and general features (no single words: too sparse)
        assert f"rule={k.argument.rule.replace(':', '+').split('+')[0]}" in k.features
        assert not any(f.split("|")[-1].startswith(am.LEXICAL) for f in k.features)
    # the second sentence has no event: no candidate comes from it
    assert all(c.span.start < text.index("It was") for c in found)


def test_arg_model_linear_probability_bounds():
    lin = am.Linear({"a": 2.0, "b": -50.0}, bias=0.0, threshold=0.5)
    assert lin.prob([]) == 0.5
    assert lin.prob(["a"]) == pytest.approx(0.8808, abs=1e-4)
    assert lin.prob(["b"]) == 0.0  # no overflow far below
    assert lin.prob(["unknown"]) == 0.5


def test_arg_model_extend_keeps_one_role_per_span_cardinality_and_drops_weak_rule_args(nlp, rules):
    text = "Tokayev met Mirziyoyev in Tashkent."
    run, pairs = rules.rule_pairs(nlp(text))
    [(mention, sugg)] = pairs
    assert {a.role for a in sugg.arguments} == {"Participant", "Place"}
    at = text.index("Tashkent")
    free = Span(text.index(" in ") + 1, text.index(" in ") + 3, "GPE")  # a span no rule took
    cands = [
        am.Candidate(0, "Participant", free, ("x",), None),
        am.Candidate(0, "Place", free, ("y",), 1),  # same span, lower probability
        am.Candidate(0, "Participant", Span(at, at + 8, "GPE"), ("z",), None),  # the rules' Place
        am.Candidate(0, "Time", Span(0, 7, "DATE"), ("t",), 1),  # below the threshold
    ]
    kept = [am.Kept(0, a, ()) for a in sugg.arguments]
    weak = [0.1 if text[a.span.start : a.span.end] == "Mirziyoyev" else 0.9 for a in sugg.arguments]
    [(_, out)] = am.extend(pairs, cands, [0.9, 0.95, 0.99, 0.4], 0.5, kept, weak, 0.3)
    got = sorted((a.role, text[a.span.start : a.span.end], a.rule) for a in out.arguments)
    assert got == [
        ("Participant", "Tokayev", "subj-active"),
        ("Participant", "in", "model:0.90"),  # the Place is full: the next role of the span
        ("Place", "Tashkent", "pp-in"),
    ]
    assert all(isinstance(a, Argument) for a in out.arguments)


def test_arg_model_drops_a_conjunct_only_with_its_list():
    """The model that drops weak rule arguments may score a conjunct lower than the head of
    its list; "by Kazakhstan and Uzbekistan" keeps both or neither (an argument of another
    rule, or of another role, goes its own way)."""
    from annotator.core.models import EVENT, Argument, Span, Suggestion

    head = Argument("Party", Span(10, 20, "GPE"), rule="pp-by")
    conj = Argument("Party", Span(25, 35, "GPE"), rule="pp-by+conj-list+gazetteer-place")
    other = Argument("Place", Span(40, 47, "GPE"), rule="pp-in+conj-list")
    event = Suggestion(Span(0, 5, "Agreement"), EVENT, arguments=(head, conj, other))
    pairs = [(None, event)]
    kept = [am.Kept(0, a, (), "Agreement", ()) for a in (head, conj, other)]

    def left(probs: list[float]) -> list[str]:
        out = am.extend(pairs, [], [], 0.5, kept, probs, 0.3)
        return [a.rule for a in out[0][1].arguments]

    assert left([0.9, 0.1, 0.9]) == [head.rule, conj.rule, other.rule]  # the list stays
    assert left([0.1, 0.1, 0.9]) == [other.rule]  # the whole list goes
    assert left([0.9, 0.9, 0.1]) == [head.rule, conj.rule]  # no Place list: it goes alone
