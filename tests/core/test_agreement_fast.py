"""The vectorised paths of core.agreement give the textbook figures: the two-annotator α
shortcut against the krippendorff package on raw data, same-label overlap when other
labels overlap too, multiset event matching, per-article figures."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest

from annotator.core.adjudication import Version
from annotator.core.agreement import Doc, agreement, alpha_nominal
from annotator.core.models import Argument, Event, Span

TEXT = "w " * 60


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agreement_fast_pair_alpha_is_the_packages_on_raw_data(seed):
    rng = random.Random(seed)
    a = [rng.choice([0, 0, 0, 1, 2]) for _ in range(300)]
    b = [x if rng.random() < 0.8 else rng.choice([0, 1, 2, 3]) for x in a]
    data = np.array([a, b])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha_nominal(data) == pytest.approx(expected, abs=1e-12)
    # the general path (a unit with one value) still agrees on the pairable units
    three = np.vstack([data, np.full(300, -1)])
    assert alpha_nominal(three) == pytest.approx(expected, abs=1e-12)


def test_agreement_fast_overlap_counts_the_same_label_only():
    # a: GPE 0-5, ORG 10-20; b: PERSON 0-100 over everything, ORG 3-8, ORG 15-25.
    # Same-label overlaps: a's ORG 10-20 with b's ORG 15-25, and nothing else (b's ORG
    # 3-8 overlaps a's GPE only; b's PERSON overlaps no PERSON of a).
    # Overlap P = 1/2 (a's spans hit), R = 1/3 (b's spans hit): F1 = 2PR/(P+R) = 0.4
    a = Version((Span(0, 5, "GPE"), Span(10, 20, "ORG")), (), "done")
    b = Version((Span(0, 100, "PERSON"), Span(3, 8, "ORG"), Span(15, 25, "ORG")), (), "done")
    report = agreement([Doc(1, TEXT * 2, {"a": a, "b": b})], ["a", "b"])
    (pair,) = report["pairs"]
    assert pair["span_overlap"]["f1"] == 0.4
    assert pair["span_exact"]["tp"] == 0
    assert pair["labels"]["ORG"]["span_f1_overlap"] == 0.6667  # P 1/1, R 1/2: 2/3
    assert pair["labels"]["PERSON"]["span_f1_overlap"] == 0.0


def test_agreement_fast_events_match_as_multisets_per_article():
    meet = Event(Span(0, 1, "Meet"), (Argument("Participant", Span(2, 3, "PERSON")),))
    a = Version((Span(2, 3, "PERSON"),), (meet, meet), "done")  # the same event twice
    b = Version((Span(2, 3, "PERSON"),), (meet,), "done")
    other = Version((), (meet,), "done")  # another article: its event must not match
    docs = [Doc(1, TEXT, {"a": a, "b": b}), Doc(2, TEXT, {"a": Version(), "b": other})]
    (pair,) = agreement(docs, ["a", "b"])["pairs"]
    trig = pair["events"]["trigger_classification"]
    assert (trig["tp"], trig["predicted"], trig["gold"]) == (1, 2, 2)
    strict = pair["events"]["argument_strict"]
    assert (strict["tp"], strict["predicted"], strict["gold"]) == (1, 2, 2)
    typed = agreement(docs, ["a", "b"], label="Attack")["pairs"][0]["events"]
    assert typed["trigger_identification"]["predicted"] == 0


def test_agreement_fast_per_article_means_by_hand():
    one = Span(0, 1, "GPE")
    docs = [
        Doc(1, TEXT, {"a": Version((one,), (), "done"), "b": Version((one,), (), "done")}),
        Doc(2, TEXT, {"a": Version((one,), (), "done"), "b": Version((), (), "done")}),
        Doc(3, TEXT, {"a": Version((one,), (), "done")}),  # one annotator: not listed
    ]
    detail = agreement(docs, ["a", "b"])["articles_detail"]
    assert [(d["article_id"], d["span_f1_exact"]) for d in detail] == [(1, 1.0), (2, 0.0)]
    assert detail[0]["annotators"] == ["a", "b"]
