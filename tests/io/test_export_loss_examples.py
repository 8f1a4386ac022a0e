"""An export's note on what a format could not hold gives distinct examples, each naming
the span (the Label Studio note said "e.g. article 1; article 1; article 1": new-user
trial)."""

from __future__ import annotations

from annotator.core.models import Argument, Article, Event, Span
from annotator.io.export_common import ExportDoc, ExportReport
from annotator.io.export_labelstudio import ARGUMENT_REGION, results


def test_loss_examples_are_distinct_also_across_merged_reports():
    one, two = ExportReport(), ExportReport()
    for example in ("a", "a", "b"):
        one.lose("x", example)
    for example in ("b", "c"):
        two.lose("x", example)
    one.merge(two)
    assert one.losses["x"].count == 5 and one.losses["x"].examples == ["a", "b", "c"]


def test_label_studio_argument_regions_name_each_span():
    text = "Tokayev discussed bilateral trade and exports."
    trade, exports = Span(18, 33, "SPAN"), Span(38, 45, "SPAN")
    event = Event(Span(8, 17, "Meet"), (Argument("Topic", trade), Argument("Topic", exports)))
    article = Article(1, "h", text, "t", "en", None, None, "", "doc-1", {})
    report = ExportReport()
    results(ExportDoc(article=article, annotator="a", spans=[], events=[event]), report)
    loss = report.losses[ARGUMENT_REGION]
    assert loss.count == 2
    assert loss.examples == [
        "article 1 (doc-1) 18..33 SPAN 'bilateral trade'",
        "article 1 (doc-1) 38..45 SPAN 'exports'",
    ]
