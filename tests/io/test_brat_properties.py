"""Properties of the brat writer and reader over generated gold (hypothesis).

Whatever gold brat can hold comes back from export -> import unchanged; what it cannot hold
(a span starting or ending with a line break, names outside brat's storage form) is
refused or counted in the report, never silently altered.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.models import Argument, Article, Event, ParsedDoc, Skipped, Span
from annotator.io.brat import EDGE_BREAK, ONLY_BREAKS, write_brat
from annotator.io.brat_conf import name_problem
from annotator.io.brat_read import read_brat
from annotator.io.export_common import ExportDoc, ExportReport, unsplit

# letters, Cyrillic, an emoji and a flag (two code points), NBSP, line breaks, punctuation
ALPHABET = [*"aZ xя Ж.,-", "\u00a0", "\n", "😀", "🇰", "🇿", "\t"]
LABELS = ["PERSON", "GPE", "WORK_OF_ART"]
TYPES = ["Meet", "Visit"]
ROLES = ["Participant", "Place", "Co-Host"]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.text(st.sampled_from(ALPHABET), min_size=1, max_size=40).filter(str.strip)
# (a flag is two code points: a span may cut it, as the offsets allow)


@st.composite
def spans_in(draw, text: str, labels: list[str], holdable: bool) -> Span:
    """A span of ``text``; ``holdable``: not starting or ending with a line break."""
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    if holdable:
        while text[start] == "\n" and start < end - 1:
            start += 1
        while text[end - 1] == "\n" and end > start + 1:
            end -= 1
        if text[start:end] == "\n":
            inside = [i for i, c in enumerate(text) if c != "\n"]
            start = inside[draw(st.integers(0, len(inside) - 1))]
            end = start + 1
    return Span(start, end, draw(st.sampled_from(labels)))


@st.composite
def events_in(draw, text: str, entities: list[Span]) -> Event:
    trigger = draw(spans_in(text, TYPES, True))
    pool = st.sampled_from(entities) if entities else spans_in(text, ["SPAN"], True)
    args = draw(
        st.lists(
            st.tuples(st.sampled_from(ROLES), st.one_of(pool, spans_in(text, ["SPAN"], True))),
            max_size=3,
        )
    )
    attrs = []
    if draw(st.booleans()):
        attrs.append(("Modality", draw(st.sampled_from(["actual", "future", "hypo.thetical"]))))
    if draw(st.booleans()):
        attrs.append(("Negation", True))
    return Event(trigger, tuple(Argument(r, s) for r, s in args), tuple(attrs))


@st.composite
def gold(draw, holdable: bool = True) -> ExportDoc:
    text = draw(texts)
    spans = draw(st.lists(spans_in(text, LABELS, holdable), max_size=6))
    events = draw(st.lists(events_in(text, spans), max_size=3))
    article = Article(1, "h", text, "t", "en", None, None, "", "doc", {})
    return ExportDoc(article, "ann", spans, events)


def _round_trip(doc: ExportDoc) -> tuple[ParsedDoc, ExportReport]:
    folder = Path(tempfile.mkdtemp())
    try:
        report = ExportReport()
        write_brat(unsplit([doc]), folder / "out", report)
        items = list(read_brat(folder / "out", lang="en"))
    finally:
        shutil.rmtree(folder)
    assert len(items) == 1 and isinstance(items[0], ParsedDoc), [str(i) for i in items]
    return items[0], report


def _key(span: Span) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)


def _event_keys(events) -> list[tuple]:
    triggers = {e.trigger for e in events}

    def arg(e, a) -> tuple:  # noqa: ANN001
        # another event as the argument: labelled with its type, or a SPAN phrase on its
        # trigger's words, it reads back as the phrase (never an entity of that type)
        other = any(
            t != e.trigger and (t.start, t.end) == (a.span.start, a.span.end) for t in triggers
        )
        if other and (a.span in triggers or a.span.label == "SPAN"):
            return (a.role, a.span.start, a.span.end, "SPAN")
        return (a.role, *_key(a.span))

    return sorted(
        (
            _key(e.trigger),
            tuple(arg(e, a) for a in e.arguments),
            # brat writes a binary attribute only when true, and the reader gives the
            # schema's binary attributes back as false when absent: false == absent
            tuple(sorted((k, v) for k, v in e.attributes if v is not False)),
        )
        for e in events
    )


@SETTINGS
@given(gold())
def test_brat_properties_gold_brat_can_hold_comes_back_unchanged(doc):
    back, report = _round_trip(doc)
    assert back.text == doc.article.text
    assert sorted(back.spans) == sorted(set(doc.spans))
    assert _event_keys(back.events) == _event_keys(doc.events)
    assert report.loss_lines() == []
    assert back.annotated == bool(doc.spans or doc.events)


@SETTINGS
@given(gold(holdable=False))
def test_brat_properties_what_brat_cannot_hold_is_counted_never_silently_changed(doc):
    back, report = _round_trip(doc)
    assert back.text == doc.article.text
    trimmed = report.losses.get(EDGE_BREAK)
    dropped = report.losses.get(ONLY_BREAKS)
    counted = (trimmed.count if trimmed else 0) + (dropped.count if dropped else 0)
    written = set(doc.spans) | {a.span for e in doc.events for a in e.arguments}
    written |= {e.trigger for e in doc.events}
    changed = set(back.spans) - set(doc.spans)
    lost = set(doc.spans) - set(back.spans)
    assert len(changed) <= counted and len(lost) <= counted
    if not counted:  # nothing reported: everything came back as it was
        assert not changed and not lost
        assert _event_keys(back.events) == _event_keys(doc.events)
    edge = [
        s
        for s in written
        if doc.article.text[s.start] == "\n" or doc.article.text[s.end - 1] == "\n"
    ]
    assert bool(edge) == bool(counted)


names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=0, max_size=8)


@SETTINGS
@given(label=names, role=names, value=names)
def test_brat_properties_a_name_is_written_as_is_or_the_export_is_refused(label, role, value):
    text = "Tokayev met Putin."
    person = Span(0, 7, label) if label else Span(0, 7, "PERSON")
    event = Event(Span(8, 11, "Meet"), (Argument(role, person),), (("Modality", value),))
    doc = ExportDoc(
        Article(1, "h", text, "t", "en", None, None, "", "d", {}), "a", [person], [event]
    )
    safe = not any(
        name_problem(*p)
        for p in ((person.label, "label"), (role, "role"), (value, "attribute value"))
    )
    folder = Path(tempfile.mkdtemp())
    try:
        try:
            write_brat(unsplit([doc]), folder / "out")
        except ValueError as err:
            assert not safe and "brat cannot hold" in str(err)
            assert not (folder / "out").exists()
            return
        assert safe
        items = list(read_brat(folder / "out", lang="en"))
    finally:
        shutil.rmtree(folder)
    assert not any(isinstance(i, Skipped) for i in items)
    (back,) = items
    assert back.spans == [person] and _event_keys(back.events) == _event_keys([event])
