"""What the agreement figures are computed on: each overall figure's articles, and an
article where no one marked the label asked for (a new-user trial)."""

from __future__ import annotations

from annotator.core.adjudication import Version
from annotator.core.agreement import Doc, agreement
from annotator.core.models import Span

TEXT = "Tokayev met Mirziyoyev in Astana and Tashkent on Monday."


def _v(*spans: tuple[int, int, str]) -> Version:
    return Version(tuple(Span(*s) for s in spans), (), "done")


def test_agreement_bases_an_article_without_the_label_is_undefined_not_agreement():
    fac = _v((26, 32, "FAC"), (0, 7, "PERSON"))
    none = _v((0, 7, "PERSON"))
    docs = [Doc(1, TEXT, {"a": fac, "b": fac}), Doc(2, TEXT, {"a": none, "b": none})]
    report = agreement(docs, ["a", "b"], label="FAC")
    f1 = {a["article_id"]: a["span_f1_exact"] for a in report["articles_detail"]}
    assert f1 == {1: 1.0, 2: None}  # article 2: nobody marked FAC, nothing agreed on
    # nor when the label is one nobody used at all
    nope = agreement(docs, ["a", "b"], label="NOPE")
    assert [a["span_f1_exact"] for a in nope["articles_detail"]] == [None, None]


def test_agreement_bases_each_overall_figure_names_its_articles():
    v, w = _v((0, 7, "PERSON")), _v((0, 7, "ORG"))
    partial = Version(v.spans, (), "done", partial=True)
    docs = [
        Doc(1, TEXT, {"a": v, "b": v, "c": v}),  # done by all
        Doc(2, TEXT, {"a": v, "b": w, "c": partial}),  # by all, c's entities partial
        Doc(3, TEXT, {"a": v, "b": w}),  # by two
        Doc(4, TEXT, {"a": v}),  # by one
    ]
    o = agreement(docs, ["a", "b", "c"])["overall"]
    assert o["articles_all_annotators"] == 2
    assert o["articles_all_annotators_full_entities"] == 1  # Fleiss κ and α_U
    assert o["articles_two_or_more"] == 3
    assert o["articles_two_or_more_full_entities"] == 3  # α (tokens)
    assert o["fleiss_kappa"] == 1.0 and o["alpha_unitizing"] == 1.0  # article 1 only
    assert o["alpha_nominal"] < 1.0  # articles 2 and 3 count
