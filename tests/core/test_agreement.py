"""Agreement statistics against worked examples from the literature and by hand."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from annotator.core.adjudication import Version
from annotator.core.agreement import (
    Doc,
    agreement,
    alpha_nominal,
    alpha_unitizing,
    cohen_kappa,
    fleiss_kappa,
    tokenize,
)
from annotator.core.models import Argument, Event, Span
from annotator.core.review import regex_tokens

# -- Cohen's kappa ------------------------------------------------------------------------


def test_agreement_cohen_kappa_two_by_two_by_hand():
    """κ = (p_o − p_e) / (1 − p_e) (Cohen 1960, eq. 1). 50 items, yes/yes 20, yes/no 5,
    no/yes 10, no/no 15: p_o = 35/50 = .70; p_e = (25·30 + 25·20)/50² = .50; κ = .40."""
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_agreement_cohen_kappa_three_categories_matches_the_sas_irr_example():
    """The 3×3 table of SAS's FREQ/AGREE example (also statsmodels' test): n = 19,
    p_o = 13/19, row sums 5, 8, 6 and column sums 0, 13, 6 give p_e = 140/361, so
    κ = (13/19 − 140/361) / (1 − 140/361) = 107/221 = 0.4842."""
    assert cohen_kappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]]) == pytest.approx(107 / 221)
    assert round(107 / 221, 4) == 0.4842


def test_agreement_cohen_kappa_undefined_when_everything_is_one_category():
    assert math.isnan(cohen_kappa([[10, 0], [0, 0]]))


# -- Fleiss' kappa ------------------------------------------------------------------------

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30
# patients, 6 psychiatrists, 5 diagnoses (as the `diagnoses` data of R's irr package)
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_agreement_fleiss_kappa_fleiss_1971_example():
    """Fleiss (1971) reports κ = .430 for this table (irr's kappam.fleiss: 0.4302445)."""
    raters_by_items = np.array(FLEISS_1971).T
    assert fleiss_kappa(raters_by_items) == pytest.approx(0.4302445, abs=1e-7)


def test_agreement_fleiss_kappa_counts_example_by_hand():
    """10 subjects, 14 raters, 5 categories (the worked example of Wikipedia's "Fleiss'
    kappa"): P̄ = 0.378, P̄_e = 0.213, κ = 0.210 (0.20993 unrounded)."""
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    labels = np.array([np.repeat(np.arange(5), row) for row in counts]).T  # raters × items
    assert fleiss_kappa(labels) == pytest.approx(0.20993070442195522)


# -- Krippendorff's alpha -----------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C (nominal
# data, 4 observers, 12 units, missing values): α = 0.743
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, -1, -1, -1],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, -1, 3],
    [-1, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, -1],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, -1],
]


def test_agreement_alpha_nominal_krippendorff_2011_example():
    assert alpha_nominal(K2011) == pytest.approx(0.743, abs=5e-4)


def test_agreement_alpha_nominal_pooling_unanimous_units_changes_nothing():
    """Unanimous tokens go to the package as one unit per label: the same coincidence
    matrix, so the same α as the package on every unit (random data, missing values)."""
    rng = np.random.default_rng(7)
    truth = rng.choice(4, size=3000, p=[0.8, 0.1, 0.05, 0.05])
    x = np.vstack([np.where(rng.random(3000) < 0.9, truth, rng.integers(0, 4, 3000))] * 3)
    x[1] = np.where(rng.random(3000) < 0.9, truth, rng.integers(0, 4, 3000))
    x[2][rng.random(3000) < 0.1] = -1
    direct = krippendorff.alpha(
        reliability_data=np.where(x < 0, np.nan, x).astype(float), level_of_measurement="nominal"
    )
    assert alpha_nominal(x) == pytest.approx(direct, abs=1e-12)


# -- Krippendorff's unitizing alpha -------------------------------------------------------

# Krippendorff (2004), Content Analysis, 2nd ed., p. 254: two observers, a continuum of
# 300 from 150, categories c and k (as offset/length in DKPro Statistics' test of it)
K2004 = [
    [(225, 70, "c"), (370, 30, "c"), (180, 60, "k"), (300, 50, "k")],
    [(220, 80, "c"), (355, 20, "c"), (400, 20, "c"), (180, 60, "k"), (300, 50, "k")],
]


def _k2004() -> list[list[tuple[int, int, str]]]:
    return [[(b - 150, b - 150 + n, c) for b, n, c in obs] for obs in K2004]


def test_agreement_alpha_unitizing_krippendorff_2004_example():
    overall, per = alpha_unitizing(_k2004(), 300)
    assert per["c"].observed == pytest.approx(0.0144, abs=1e-4)
    assert per["c"].expected == pytest.approx(0.0532, abs=1e-4)
    assert per["c"].alpha == pytest.approx(0.7286, abs=1e-4)
    assert per["k"].observed == 0 and per["k"].expected == pytest.approx(0.0490, abs=1e-4)
    assert per["k"].alpha == 1.0
    assert overall.alpha == pytest.approx(0.8591, abs=5e-4)


@pytest.mark.parametrize(
    ("one", "two", "distance"),
    [  # Krippendorff (2004: 253-254): δ² of two units, and of a unit inside a gap
        ((225, 295), (220, 300), 50),
        ((370, 400), (355, 375), 850),
        (None, (400, 420), 400),
    ],
)
def test_agreement_alpha_unitizing_distances_of_the_2004_example(one, two, distance):
    from annotator.core.agreement import _joined, _pair_disagreement

    units = [[one] if one else [], [two]]
    assert _pair_disagreement(*(_joined(u) for u in units)) == distance


def test_agreement_alpha_unitizing_identical_units_agree_perfectly():
    units = [(3, 8, "A"), (20, 25, "B")]
    overall, per = alpha_unitizing([units, units, units], 40)
    assert overall.alpha == 1.0 and per["A"].alpha == 1.0


# -- tokens, spans, the whole report ------------------------------------------------------


def test_agreement_tokenize_is_the_windows_regex_tokens():
    text = "Президент Tokayev's visit_to Astana, 2025-04-21 — 😀 $1.5bn\n\nÜber naïve 東京."
    starts, ends = tokenize(text)
    assert list(zip(starts.tolist(), ends.tolist())) == regex_tokens(text)


TEXT = "Tokayev met Mirziyoyev in Astana and Tashkent on Monday."
#       0      7   11         22 25    32  36       45 48    55


def _doc(aid: int, **versions: Version) -> Doc:
    return Doc(aid, TEXT, versions)


def test_agreement_report_spans_tokens_and_events_by_hand():
    tok, mir, ast, tash = (
        Span(0, 7, "PERSON"),
        Span(12, 22, "PERSON"),
        Span(26, 32, "GPE"),
        Span(37, 45, "GPE"),
    )
    meet = Event(Span(8, 11, "Meet"), (Argument("Participant", tok),))
    a = Version((tok, mir, ast, tash), (meet,), "done")
    # b: Mirziyoyev as ORG, Tashkent missed, Astana widened to "in Astana"
    b = Version((tok, Span(12, 22, "ORG"), Span(23, 32, "GPE")), (meet,), "done")
    report = agreement([_doc(1, a=a, b=b)], ["b", "a"])
    (pair,) = report["pairs"]
    assert pair["annotators"] == ["a", "b"]
    # exact: only Tokayev is shared: 2·1/(4+3)
    assert pair["span_exact"]["f1"] == pytest.approx(round(2 / 7, 4))
    # overlap (same label): a's Tokayev, Astana hit (2/4), b's Tokayev, in-Astana hit (2/3)
    p, r = 2 / 4, 2 / 3
    assert pair["span_overlap"]["f1"] == pytest.approx(round(2 * p * r / (p + r), 4))
    # 10 tokens: Tokayev met Mirziyoyev in Astana and Tashkent on Monday .
    # a: P O P O G O G O O O ; b: P O R G G O O O O O (R = ORG); agree on 7 of 10
    # a's marginals: O 6, PERSON 2, GPE 2; b's: O 6, PERSON 1, ORG 1, GPE 2
    p_o, p_e = 7 / 10, (6 * 6 + 2 * 1 + 2 * 2) / 100
    assert pair["tokens"] == 10
    assert pair["cohen_kappa"] == pytest.approx(round((p_o - p_e) / (1 - p_e), 4))
    assert pair["events"]["trigger_classification"]["f1"] == 1.0
    assert pair["events"]["argument_classification"]["f1"] == 1.0
    assert pair["labels"]["GPE"]["span_f1_exact"] == 0.0
    assert pair["labels"]["PERSON"]["span_f1_exact"] == pytest.approx(round(2 / 3, 4))
    (article,) = report["articles_detail"]
    assert article["article_id"] == 1 and article["span_f1_exact"] == pytest.approx(2 / 7, abs=1e-4)
    assert report["overall"]["mean_cohen_kappa"] == pair["cohen_kappa"]


def test_agreement_partial_entity_gold_counts_for_events_only():
    tok = Span(0, 7, "PERSON")
    meet = Event(Span(8, 11, "Meet"), (Argument("Participant", tok),))
    full = Version((tok, Span(26, 32, "GPE")), (meet,), "done")
    partial = Version((tok,), (meet,), "done", partial=True)
    (pair,) = agreement([_doc(1, a=full, b=partial)], ["a", "b"])["pairs"]
    assert pair["tokens"] == 0 and pair["span_exact"]["predicted"] == 0
    assert pair["events"]["trigger_identification"]["f1"] == 1.0


def test_agreement_three_annotators_fleiss_and_alpha_on_identical_gold_are_one():
    v = Version((Span(0, 7, "PERSON"), Span(26, 32, "GPE")), (), "done")
    report = agreement([_doc(1, a=v, b=v, c=v), _doc(2, a=v, b=v)], ["a", "b", "c"])
    overall = report["overall"]
    assert overall["fleiss_kappa"] == 1.0 and overall["alpha_nominal"] == 1.0
    assert overall["alpha_unitizing"] == 1.0 and overall["articles_all_annotators"] == 1
    assert len(report["pairs"]) == 3


def test_agreement_label_filter_keeps_one_label():
    a = Version((Span(0, 7, "PERSON"), Span(26, 32, "GPE")), (), "done")
    b = Version((Span(0, 7, "PERSON"),), (), "done")
    report = agreement([_doc(1, a=a, b=b)], ["a", "b"], label="PERSON")
    (pair,) = report["pairs"]
    assert pair["span_exact"]["f1"] == 1.0 and list(pair["labels"]) == ["PERSON"]
