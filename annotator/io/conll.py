"""CoNLL-2003 style NER files: a writer and a reader.

Written as spaCy documents it (``spacy convert -c ner``) and seqeval read it::

    -DOCSTART- -X- O O

    Kassym-Jomart B-PERSON
    Tokayev I-PERSON
    met O
    ...

One token and its IOB2 tag per line, a blank line between sentences, ``-DOCSTART- -X- O O``
before every article. Tokens are spaCy tokens of the language's blank tokenizer; whitespace
tokens are not written. Sentences come from spaCy's rule-based ``sentencizer`` plus line
breaks in the text, and never split an entity.

The format holds one layer of non-overlapping entities and nothing else: overlapping spans
(policy: longest first), spans not on token boundaries, spans starting or ending with
whitespace and all events are left out and counted in the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from annotator.core.models import ParsedDoc, ReadError, Span
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    non_overlapping,
    sorted_spans,
    span_example,
    write_rendered,
)
from annotator.io.plaintext import preview_title
from annotator.io.tokens import align, pipe_docs, sentencizer, space_at_edge

DOCSTART = "-DOCSTART- -X- O O"
SUFFIX = ".conll"

MISALIGNED = "entity spans not on token boundaries: not in the CoNLL tags"
OVERLAP = "overlapping entity spans (CoNLL holds one layer; longest kept): not in the tags"
EDGE_SPACE = "entity spans starting or ending with whitespace: not in the CoNLL tags"
EVENTS = "events (CoNLL cannot hold them): not written"


def iob_tags(tokens: Doc, doc: AnnotatedDoc, report: ExportReport | None = None) -> list[str]:
    """IOB2 tags for every token of ``tokens`` (whitespace tokens get "O")."""
    report = report or ExportReport()
    usable: dict[Span, tuple[int, int]] = {}
    for span in sorted_spans(doc.spans):
        got = align(tokens, span)
        if got is None:
            report.lose(MISALIGNED, span_example(doc, span))
        elif space_at_edge(got):
            report.lose(EDGE_SPACE, span_example(doc, span))
        else:
            usable[span] = (got.start, got.end)
    kept, dropped = non_overlapping(usable)
    for span in dropped:
        report.lose(OVERLAP, span_example(doc, span))
    tags = ["O"] * len(tokens)
    for span in kept:
        start, end = usable[span]
        tags[start] = f"B-{span.label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{span.label}"
    return tags


def conll_sentences(tokens: Doc, tags: list[str]) -> list[list[str]]:
    """Lines ("token TAG") grouped into sentences; breaks inside an entity are skipped."""
    sentencizer()(tokens)
    sentences: list[list[str]] = []
    current: list[str] = []
    pending_break = False
    for token, tag in zip(tokens, tags):
        pending_break = pending_break or token.is_sent_start
        if token.is_space:
            pending_break = pending_break or "\n" in token.text
            continue
        if pending_break and current and not tag.startswith("I-"):
            sentences.append(current)
            current = []
        pending_break = False
        current.append(f"{token.text} {tag}")
    if current:
        sentences.append(current)
    return sentences


def conll_text(tokens: Doc, doc: AnnotatedDoc, report: ExportReport | None = None) -> str:
    """One article as a CoNLL block, starting with the -DOCSTART- line."""
    report = report or ExportReport()
    tags = iob_tags(tokens, doc, report)
    if doc.events:
        report.lose(EVENTS, n=len(doc.events))
    blocks = ["\n".join(lines) for lines in conll_sentences(tokens, tags)]
    return "\n\n".join([DOCSTART, *blocks]) + "\n\n"


def write_conll(
    items: Iterable[Item], out: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """Write one CoNLL file (no split: ``out``) or one per split (``out/<split>.conll``)."""
    report = report or ExportReport()

    def text(tokens: Doc, doc: AnnotatedDoc) -> str:
        return conll_text(tokens, doc, report)

    return write_rendered(pipe_docs(items, _text, _lang), out, SUFFIX, report, text)


def _text(item: Item) -> str:
    return item[1].article.text


def _lang(item: Item) -> str:
    return item[1].article.lang


# -- reading ------------------------------------------------------------------------------


class _DocBuilder:
    """Collects one article's tokens and tags while the reader walks the lines."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.sentences: list[list[tuple[str, str, int]]] = [[]]

    def add(self, token: str, tag: str, line_no: int) -> None:
        self.sentences[-1].append((token, tag, line_no))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    @property
    def empty(self) -> bool:
        return not any(self.sentences)

    def build(self, source: str, n: int, lang: str | None) -> ParsedDoc:
        """Tokens joined by spaces, sentences by line breaks; spans from the tags."""
        parts: list[str] = []
        spans: list[Span] = []
        open_: tuple[int, str] | None = None  # (start, label) of the entity being read
        pos = 0
        for sent in (s for s in self.sentences if s):
            if parts:
                parts.append("\n")
                pos += 1
            for i, (token, tag, line_no) in enumerate(sent):
                if i:
                    parts.append(" ")
                    pos += 1
                open_ = _step(open_, tag, pos, spans, line_no)
                parts.append(token)
                pos += len(token)
                if open_ and tag[:2] in ("E-", "L-", "S-", "U-"):
                    spans.append(Span(open_[0], pos, open_[1]))
                    open_ = None
                last_end = pos
            if open_:  # an entity never crosses a sentence break
                spans.append(Span(open_[0], last_end, open_[1]))
                open_ = None
        text = "".join(parts)
        stem = Path(source).stem
        return ParsedDoc(
            text=text,
            title=preview_title(text),
            lang=(lang or "xx").lower(),
            source=source,
            external_id=f"{stem}:{n}",
            meta={"format": "conll", "source_line": self.first_line},
            spans=spans,
        )


class _TagError(ValueError):
    def __init__(self, reason: str, line_no: int) -> None:
        super().__init__(reason)
        self.line_no = line_no


def _step(
    open_: tuple[int, str] | None, tag: str, pos: int, spans: list[Span], line_no: int
) -> tuple[int, str] | None:
    """Advance the entity state machine by one tag (IOB1, IOB2, BIOES and BILOU)."""
    if tag == "O":
        if open_:
            spans.append(Span(open_[0], pos - 1, open_[1]))
        return None
    prefix, sep, label = tag.partition("-")
    if not sep or not label or prefix not in ("B", "I", "E", "L", "S", "U"):
        raise _TagError(f"unknown tag {tag!r} (expected O, B-X, I-X, E-X, S-X)", line_no)
    continues = prefix in ("I", "E", "L") and open_ is not None and open_[1] == label
    if continues:
        return open_
    if open_:
        spans.append(Span(open_[0], pos - 1, open_[1]))
    return (pos, label)


def read_conll(path: str | Path, lang: str | None = None) -> Iterator[ParsedDoc | ReadError]:
    """Read a CoNLL NER file (see :func:`parse_conll`)."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), f"cannot read: {exc}")
        return
    yield from parse_conll(raw, str(path), lang)


def parse_conll(
    text: str, source: str = "", lang: str | None = None
) -> Iterator[ParsedDoc | ReadError]:
    """Parse CoNLL NER text: token first, tag last on each line; -DOCSTART- splits articles.

    Tags may be IOB2, IOB1, BIOES or BILOU. Text without -DOCSTART- lines is one article.
    The text is rebuilt from the tokens (a space between tokens, a line break between
    sentences); ``lang`` sets the language (CoNLL does not record it). The signature is the
    import registry's (text, source, lang).
    """
    builder = _DocBuilder(1)
    n = 0
    for line_no, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        cols = line.split()
        if cols and cols[0] == "-DOCSTART-":
            if not builder.empty:
                n += 1
                yield _finish(builder, source, n, lang)
            builder = _DocBuilder(line_no)
        elif not cols:
            builder.end_sentence()
        elif len(cols) < 2:
            yield ReadError(source, "expected a token and a tag separated by whitespace", line_no)
            return
        else:
            builder.add(cols[0], cols[-1], line_no)
    if not builder.empty:
        yield _finish(builder, source, n + 1, lang)


def _finish(builder: _DocBuilder, source: str, n: int, lang: str | None) -> ParsedDoc | ReadError:
    try:
        return builder.build(source, n, lang)
    except _TagError as err:
        return ReadError(source, str(err), err.line_no)
