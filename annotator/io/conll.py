"""CoNLL-2003 style NER files: a writer and a reader.

Written as spaCy documents it (``spacy convert -c ner``) and seqeval read it::

    -DOCSTART- -X- O O

    Kassym-Jomart B-PERSON
    Tokayev I-PERSON
    met O
    ...

One token and its IOB2 tag per line, a blank line between sentences, ``-DOCSTART- -X- O O``
before every article. Tokens are spaCy tokens of the language's blank tokenizer, cut at
every gold span's start and end (``tokens.gold_doc``: "Acme Ltd" before a full stop is
written ``Ltd B-ORG`` then ``. O``), so every entity sits on whole tokens; whitespace
tokens are not written. Sentences come from spaCy's rule-based ``sentencizer`` run on the
tokenizer's tokens (a cut never adds a sentence break) plus line breaks in the text, and
never split an entity.

The format holds one layer of non-overlapping entities and nothing else: overlapping spans
(policy: longest first), spans starting or ending with whitespace and all events are left
out and counted in the report.

Three things it cannot say are not written at all:

- An article with a ``-DOCSTART-`` token (a reader would start a new article there).
- An article with undecided entity suggestions: its entity gold is not complete, and
  CoNLL has no way to mark a token as "not annotated" (every token gets a tag, so the
  undecided names would be taught as "O"). Such articles are left out and counted.
- A label with whitespace in it (``"NEW LABEL"``, a line break): a reader splits columns
  on whitespace, so the tag could not be read back. The export is refused with one line
  naming the label and the article (``ValueError``) rather than the label encoded: any
  encoding (``NEW_LABEL``) would come back as a different label than the gold says.
  ``annotator export`` stages its output, so nothing is written; a caller of
  :func:`write_conll` gets the error before that article is written.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import compress, repeat
from operator import not_
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.models import ParsedDoc, ReadError, Span, partial_entities
from annotator.core.schema import EventSchema
from annotator.io.errors import ParseError
from annotator.io.export_chunks import Key, Pieces, chunk_items, joined
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    Rendered,
    TokenTable,
    doc_ref,
    non_overlapping,
    pending_entities,
    render_chunks,
    sorted_spans,
    span_example,
    warmed,
    write_texts,
)
from annotator.io.plaintext import norm_lang, preview_title, stem
from annotator.io.token_cache import PUNCT, SPACE, TRAILING, TokenCache, Tokens
from annotator.io.tokens import (
    FALLBACK_LANG,
    align,
    blank,
    gold_doc,
    sentencizer,
    spacy_lang,
    splits_at_whitespace,
)

if TYPE_CHECKING:  # spaCy is imported where it is used: CoNLL from cached tokens needs none
    from spacy.tokens import Doc

DOCSTART = "-DOCSTART- -X- O O"
DOCSTART_WORD = "-DOCSTART-"
SUFFIX = ".conll"

MISALIGNED = "entity spans beyond the end of the article text: not in the CoNLL tags"
OVERLAP = "overlapping entity spans (CoNLL holds one layer; longest kept): not in the tags"
EDGE_SPACE = "entity spans starting or ending with whitespace: not in the CoNLL tags"
EVENTS = "events (CoNLL cannot hold them): not written"
DOCSTART_LOSS = (
    "articles with a -DOCSTART- token (a CoNLL reader takes it for the next article): left out"
)
PARTIAL_LOSS = (
    "articles whose entity gold is partial (made for events): left out (CoNLL would tag "
    "every other name O; export jsonl or spacy, which mark them partial)"
)
PENDING = (
    "their articles are left out (CoNLL would tag those names O; decide them, or export "
    "jsonl/spacy, which mark such articles' entities partial)"
)


Tagged = tuple[list[Span], list[tuple[str, Span]]]  # (spans tagged, (loss, span) left out)


def tagged_spans(doc: AnnotatedDoc) -> Tagged:
    """The entity spans CoNLL tags, in text order, and the others with why they are not.

    By characters, so the answer does not depend on the tokens: spans starting or ending
    with whitespace go first (NER cannot learn them), then overlaps (longest first)."""
    text = doc.article.text
    lost: list[tuple[str, Span]] = []
    usable = []
    for span in sorted_spans(doc.spans):
        if span.end > len(text):
            lost.append((MISALIGNED, span))
        elif text[span.start].isspace() or text[span.end - 1].isspace():
            lost.append((EDGE_SPACE, span))
        else:
            usable.append(span)
    kept, dropped = non_overlapping(usable)
    return kept, lost + [(OVERLAP, span) for span in dropped]


def conll_tokens(tokens: Doc, kept: list[Span], text: str) -> Doc:
    """The tokenizer's ``tokens`` with the sentencizer's sentence starts, then cut at the
    edges of the spans ``kept`` for the tags (sentences first: "Ltd" "." is no break).

    Only those spans cut tokens: the file holds nothing else, and a cut for a span it
    leaves out (an overlapped one, an event argument) would only garble its tokens."""
    if not tokens.has_annotation("SENT_START"):
        sentencizer()(tokens)
    return gold_doc(tokens, [*kept, *_spaced_pieces(tokens)], text)


def _spaced_pieces(tokens: Doc) -> list[Span]:
    """The words inside tokens that hold a space (a tokenizer exception such as Russian
    "в т.ч."): a CoNLL line cannot hold one, its reader would keep only the first word."""
    if splits_at_whitespace(tokens.lang_):
        return []
    pieces = []
    for token in tokens:
        if not token.is_space and any(c.isspace() for c in token.text):
            pieces += [
                Span(token.idx + m.start(), token.idx + m.end(), "_")
                for m in re.finditer(r"\S+", token.text)
            ]
    return pieces


def iob_tags(tokens: Doc, doc: AnnotatedDoc, tagged: Tagged, report: ExportReport) -> list[str]:
    """IOB2 tags for every token of ``tokens`` (whitespace tokens outside an entity get
    "O"), by spaCy's own ``offsets_to_biluo_tags`` and ``biluo_to_iob``; ``tokens`` are cut
    at the edges of the spans tagged (:func:`conll_tokens`), which do not overlap."""
    kept, lost = tagged
    for what, span in lost:
        report.lose(what, span_example(doc, span))
    for span in kept:
        if align(tokens, span) is None:
            raise ValueError(f"{span_example(doc, span)}: not on the tokens' boundaries")
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    biluo = offsets_to_biluo_tags(tokens, [(s.start, s.end, s.label) for s in kept])
    return biluo_to_iob(biluo)


def _block_tags(tokens: Doc, doc: AnnotatedDoc, tagged: Tagged, report: ExportReport) -> list[str]:
    """:func:`iob_tags`, and the article's events counted as left out."""
    if doc.events:
        report.lose(EVENTS, n=len(doc.events))
    return iob_tags(tokens, doc, tagged, report)


def conll_sentences(tokens: Doc, tags: list[str]) -> list[list[str]]:
    """Lines ("token TAG") grouped into sentences; breaks inside an entity are skipped.

    ``tokens`` carry sentence starts (:func:`conll_tokens`)."""
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
    """One article (``tokens``: the tokenizer's) as a CoNLL block, from -DOCSTART- on."""
    tagged = tagged_spans(doc)
    tokens = conll_tokens(tokens, tagged[0], doc.article.text)
    return _block(tokens, doc, tagged, report or ExportReport())


def _block(tokens: Doc, doc: AnnotatedDoc, tagged: Tagged, report: ExportReport) -> str:
    tags = _block_tags(tokens, doc, tagged, report)
    blocks = ["\n".join(lines) for lines in conll_sentences(tokens, tags)]
    return "\n\n".join([DOCSTART, *blocks]) + "\n\n"


def write_conll(
    items: Iterable[Item],
    out: Path,
    report: ExportReport | None = None,
    cache: TokenCache | None = None,
) -> dict[str, Path]:
    """Write one CoNLL file (no split: ``out``) or one per split (``out/<split>.conll``).

    Tokens come from ``cache`` (the project's token cache; None: tokenize here), and
    rendering runs on every core for a large export (``render_chunks``)."""
    report = report or ExportReport()
    work = partial(_blocks, cache or TokenCache(None))
    rendered = render_chunks(warmed(_labels_checked(items)), work, report)
    return write_texts(rendered, out, SUFFIX, report)


def _blocks(cache: TokenCache, chunk: list[Item]) -> Rendered:
    """One chunk's CoNLL blocks (None for an article left out), with the report of what
    they could not hold (in a worker)."""
    report = ExportReport()
    written: dict[int, str] = {}
    arts = [d.article for _, d in chunk]
    remember_facts(cache, {a.lang for a in arts})
    known = cache.tokens([(a.content_hash, a.lang, a.text) for a in arts])
    for (_, doc), (tokens, tagged) in _writable(zip(chunk, known), report, plain=True):
        if isinstance(tokens, _Plain):
            written[id(doc)] = _plain_block(tokens, doc, tagged, report)
        else:
            written[id(doc)] = _block(tokens, doc, tagged, report)
    return [written.get(id(doc)) for _, doc in chunk], report


def gold_blocks(
    cache: TokenCache,
    read: Callable[[list[Key]], list[Any]],
    schema: EventSchema | None,
    keys: list[Key],
) -> Pieces:
    """One chunk of a project's gold as CoNLL bytes per split, read here (in a worker:
    :mod:`annotator.io.export_chunks`) by ``read``, counted in the chunk's report."""
    chunk = chunk_items(read, keys)
    for _, doc in chunk:
        check_labels(doc)
    texts, report = _blocks(cache, chunk)
    report.schema = schema  # to count arguments whose label misfits the role
    out: dict[str, list[bytes]] = {}
    for (split, doc), text in zip(chunk, texts):
        if text is not None:
            report.count(split, doc)
            out.setdefault(split, []).append(text.encode())
    return joined(out), report


def check_labels(doc: AnnotatedDoc) -> None:
    """Raise ValueError (one line) when a span label cannot be one column of a CoNLL line."""
    for span in doc.spans:
        if span.label.split() != [span.label]:
            raise ValueError(
                f"{doc_ref(doc)}: entity label {span.label!r} cannot be written to CoNLL "
                "(a label there must not be empty or hold spaces or line breaks); "
                "nothing exported"
            )


def _labels_checked(items: Iterable[Item]) -> Iterator[Item]:
    """Items after :func:`check_labels`: a worker takes a whole chunk before any is written."""
    for split, doc in items:
        check_labels(doc)
        yield split, doc


def _writable(
    piped: Iterable[tuple[Item, Doc | Tokens]],
    report: ExportReport,
    docstart: bool = True,
    plain: bool = False,
) -> Iterator[tuple[Item, tuple[Doc | _Plain, Tagged]]]:
    """Articles CoNLL can write, each with its tokens (cut) and its spans (tagged or not);
    ``docstart``: the file separates articles with -DOCSTART- lines (a token that reads
    like one cannot be written).

    With ``plain``, an article whose tokens need no cut (nearly all) is read as numbers
    (:class:`_Plain`), never as spaCy ``Token`` objects; the few that need one take
    :func:`conll_tokens`' way. Both write the same lines. Tokens may come as numbers (the
    token cache's :class:`Tokens`): an article they do not serve plainly is tokenized."""
    report.pending_how = PENDING
    for (split, doc), tokens in piped:
        if n := pending_entities(doc):
            report.pending(doc, n)
            continue
        if partial_entities(doc.article.meta):
            report.lose(PARTIAL_LOSS, doc_ref(doc))
            continue
        tagged = tagged_spans(doc)
        text = doc.article.text
        prepared: Doc | _Plain
        if isinstance(tokens, Tokens):
            cached = _Plain.of(tokens, text, doc.article.lang, tagged[0]) if plain else None
            if cached is not None:
                words = cached.words() if docstart and DOCSTART_WORD in text else ()
                if any(w == DOCSTART_WORD for w in words):
                    report.lose(DOCSTART_LOSS, doc_ref(doc))
                else:
                    yield (split, doc), (cached, tagged)
                continue
            tokens = blank(doc.article.lang).tokenizer(text)
        if plain and gold_doc(tokens, [*tagged[0], *_spaced_pieces(tokens)], text) is tokens:
            prepared = _Plain(tokens, text)
            words = prepared.words() if docstart and DOCSTART_WORD in text else ()
        else:
            prepared = conll_tokens(tokens, tagged[0], text)
            words = (t.text for t in prepared) if docstart else ()
        if any(w == DOCSTART_WORD for w in words):
            report.lose(DOCSTART_LOSS, doc_ref(doc))
        else:
            yield (split, doc), (prepared, tagged)


class _Plain(TokenTable):
    """The tokenizer's tokens as numbers, with the sentencizer's sentence starts and the
    lexeme flags CoNLL needs (whitespace, punctuation)."""

    __slots__ = ("text", "is_space", "sent_starts", "_words")

    def __init__(self, tokens: Doc, text: str) -> None:
        super().__init__(tokens)
        self.text = text
        self._words: list[str] | None = None
        from spacy.attrs import IS_PUNCT, IS_SPACE

        flags = tokens.to_array([IS_SPACE, IS_PUNCT]).tolist() if len(tokens) else []
        self.is_space = [f[0] for f in flags]
        self.sent_starts = _sentence_starts(self.words(), [f[1] for f in flags])

    def words(self) -> list[str]:
        if self._words is None:
            self._words = list(map(self.text.__getitem__, map(slice, self.starts, self.ends)))
        return self._words

    @classmethod
    def of(cls, tokens: Tokens, text: str, lang: str, kept: list[Span]) -> _Plain | None:
        """The same from the token cache's numbers, when they serve: the spans ``kept``
        for the tags on whole tokens, and no token holding a space (as for :func:`gold_doc`
        returning the tokens themselves); else None."""
        whole_words = _WHOLE_WORDS.get(lang)
        if whole_words is None:
            whole_words = splits_at_whitespace(spacy_lang(lang))
        if not whole_words:
            return None  # a token may hold a space (_spaced_pieces): the Doc's way
        on_starts = _on(tokens.starts, [s.start for s in kept])
        if not (on_starts and _on(tokens.ends, [s.end for s in kept])):
            return None
        plain = cls.__new__(cls)
        plain.starts, plain.ends, plain.text = tokens.starts, tokens.ends, text
        flags = tokens.flags
        plain.spaces = flags.translate(_TRAILING_BIT)  # type: ignore[assignment]  # 0/1 bytes
        plain._by_start = plain._by_end = None
        plain._words = None
        plain.is_space = flags.translate(_SPACE_BIT)
        plain.sent_starts = _sentence_starts(plain.words(), flags.translate(_PUNCT_BIT))
        return plain


# flag bytes -> 0/1 bytes of one flag (bytes.translate: a C loop, not a Python one)
_SPACE_BIT = bytes(int(bool(f & SPACE)) for f in range(256))
_PUNCT_BIT = bytes(int(bool(f & PUNCT)) for f in range(256))
_TRAILING_BIT = bytes(int(bool(f & TRAILING)) for f in range(256))


def _on(offsets: list[int], wanted: list[int]) -> bool:
    """True when every one of ``wanted`` is in the increasing ``offsets`` (bisect in C)."""
    if not wanted:
        return True
    at = list(map(bisect_left, repeat(offsets, len(wanted)), wanted))
    return max(at) < len(offsets) and list(map(offsets.__getitem__, at)) == wanted


def _sentence_starts(words: list[str], is_punct: list[int]) -> list[bool]:
    """spaCy's ``Sentencizer.predict`` for one document, on plain lists: a sentence starts
    at the first token after a sentence-ending character that is neither punctuation nor
    such a character (visited per such character, not per token)."""
    punct_chars = _punct_chars()
    n = len(words)
    starts = [False] * n
    if not words:
        return starts
    starts[0] = True
    ending = list(map(punct_chars.__contains__, words))
    after = 0  # tokens before this one belong to a sentence already cut
    for at in compress(range(n), ending):
        if at < after:
            continue
        j = at + 1
        while j < n and (is_punct[j] or ending[j]):
            j += 1
        if j >= n:
            break
        starts[j] = True
        after = j
    return starts


def _punct_chars() -> frozenset[str]:
    if "" not in _PUNCT:
        _PUNCT[""] = frozenset(sentencizer().punct_chars)
    return _PUNCT[""]


# what the CoNLL export of cached tokens asks spaCy, remembered in the token cache per
# installation (TokenCache.remember): whether a language's tokens never hold a space, and
# the sentencizer's sentence-ending characters. Filled before the workers fork.
_WHOLE_WORDS: dict[str, bool] = {}
_PUNCT: dict[str, frozenset[str]] = {}
FACTS = "conll-facts:1"


def remember_facts(cache: TokenCache, langs: Iterable[str]) -> None:
    """Fill :data:`_WHOLE_WORDS` and :data:`_PUNCT` from the token cache's memory (spaCy is
    imported only when the installation changed since they were remembered)."""
    for lang in langs:
        if lang in _WHOLE_WORDS:
            continue

        def ask(lang: str = lang) -> str:
            punct = sorted(sentencizer().punct_chars)
            return json.dumps([splits_at_whitespace(spacy_lang(lang)), punct])

        whole_words, punct = json.loads(cache.remember(lang, FACTS, ask))
        _WHOLE_WORDS[lang] = bool(whole_words)
        _PUNCT[""] = frozenset(punct)


def _entity_tags(label: str, n: int) -> list[str]:
    """IOB2 tags of an entity of ``n`` tokens, as spaCy's BILUO tags after its
    ``biluo_to_iob`` (which rewrites the first "U-" or "L-" anywhere in a tag, so a label
    holding one comes out changed: the file says what spaCy's conversion says)."""
    if "U-" not in label and "L-" not in label:
        return [f"B-{label}"] + [f"I-{label}"] * (n - 1)
    from spacy.training import biluo_to_iob

    if n == 1:
        return biluo_to_iob([f"U-{label}"])
    return biluo_to_iob([f"B-{label}"] + [f"I-{label}"] * (n - 2) + [f"L-{label}"])


def _plain_block(tokens: _Plain, doc: AnnotatedDoc, tagged: Tagged, report: ExportReport) -> str:
    """:func:`_block` on plain tokens: the same lines, tags as spaCy's
    ``offsets_to_biluo_tags`` and ``biluo_to_iob`` give them for spans on whole tokens."""
    if doc.events:
        report.lose(EVENTS, n=len(doc.events))
    kept, lost = tagged
    for what, span in lost:
        report.lose(what, span_example(doc, span))
    tags = ["O"] * len(tokens)
    starts, ends = tokens.starts, tokens.ends
    for span in kept:
        first, last = bisect_left(starts, span.start), bisect_left(ends, span.end)
        if first == len(starts) or last == len(ends):
            first = -1
        if first < 0 or starts[first] != span.start or ends[last] != span.end:
            raise ValueError(f"{span_example(doc, span)}: not on the tokens' boundaries")
        tags[first : last + 1] = _entity_tags(span.label, last + 1 - first)
    return _lines(tokens, tags)


def _lines(tokens: _Plain, tags: list[str]) -> str:
    """The CoNLL block of tagged plain tokens: a line per token that is not whitespace, a
    blank line where a sentence starts (the sentencizer's starts, line breaks in the
    text), never inside an entity. As :func:`conll_sentences`, per sentence start and
    whitespace token, not per token."""
    text = tokens.text
    n = len(tags)
    written = list(compress(range(n), map(not_, tokens.is_space)))
    if not written:
        return f"{DOCSTART}\n\n"
    # where a break is pending: sentence starts and whitespace tokens holding a line break;
    # it falls before the next written token (if any was written before it, and it does
    # not continue an entity)
    pending = list(compress(range(n), tokens.sent_starts))
    for i in compress(range(n), tokens.is_space):
        if "\n" in text[tokens.starts[i] : tokens.ends[i]]:
            pending.append(i)
    ends = ["\n"] * len(written)
    for i in pending:
        at = bisect_left(written, i)
        if 0 < at < len(written) and not tags[written[at]].startswith("I-"):
            ends[at - 1] = "\n\n"
    ends[-1] = "\n\n"
    parts: list[str] = [""] * (4 * len(written))
    parts[0::4] = map(tokens.words().__getitem__, written)
    parts[1::4] = [" "] * len(written)
    parts[2::4] = map(tags.__getitem__, written)
    parts[3::4] = ends
    return f"{DOCSTART}\n\n" + "".join(parts)


# -- reading ------------------------------------------------------------------------------

PREFIXES = ("B", "I", "E", "L", "S", "U")


class _DocBuilder:
    """Collects one article's tokens and tags (or its bad lines) while the reader walks."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.sentences: list[list[tuple[str, str]]] = [[]]
        self.problems: list[tuple[int, str]] = []  # (line, reason)

    def add(self, cols: list[str], line_no: int) -> None:
        problem = _line_problem(cols)
        if problem:
            self.problems.append((line_no, problem))
        else:
            self.sentences[-1].append((cols[0], cols[-1]))

    def end_sentence(self) -> None:
        if self.sentences[-1]:
            self.sentences.append([])

    @property
    def empty(self) -> bool:
        return not any(self.sentences) and not self.problems

    def build(self, source: str, n: int, lang: str | None) -> ParsedDoc:
        """Tokens joined by spaces, sentences by line breaks; spans from the tags, by
        spaCy's ``iob_to_biluo`` and ``biluo_tags_to_spans``, one sentence at a time (an
        entity never crosses a sentence break)."""
        from spacy.tokens import Doc
        from spacy.training import biluo_tags_to_spans, iob_to_biluo

        parts: list[str] = []
        spans: list[Span] = []
        pos = 0
        for sent in (s for s in self.sentences if s):
            if parts:
                parts.append("\n")
                pos += 1
            words = [token for token, _ in sent]
            starts = []
            for i, word in enumerate(words):
                pos += 1 if i else 0
                starts.append(pos)
                pos += len(word)
            parts.append(" ".join(words))
            tagged = biluo_tags_to_spans(
                Doc(blank(FALLBACK_LANG).vocab, words=words),
                iob_to_biluo(as_iob2([tag for _, tag in sent])),
            )
            spans += [
                Span(starts[e.start], starts[e.end - 1] + len(words[e.end - 1]), e.label_)
                for e in tagged
            ]
        text = "".join(parts)
        return ParsedDoc(
            text=text,
            title=preview_title(text),
            lang=norm_lang(lang),
            source=source,
            external_id=f"{stem(source) or ''}:{n}",
            meta={"format": "conll", "source_line": self.first_line},
            spans=spans,
            annotated=True,  # every token carries a tag: "O" is a statement too
        )


def _line_problem(cols: list[str]) -> str | None:
    if len(cols) < 2:
        return "expected a token and a tag separated by whitespace"
    tag = cols[-1]
    prefix, sep, label = tag.partition("-")
    if tag != "O" and not (sep and label and prefix in PREFIXES):
        return f"unknown tag {tag[:40]!r} (expected O, B-X, I-X, E-X, S-X)"
    return None


def as_iob2(tags: list[str]) -> list[str]:
    """Checked IOB1, IOB2, BIOES or BILOU tags as IOB2, for spaCy's ``iob_to_biluo``.

    A tag continues the entity before it when it is I-, E- or L- of the same label and
    that entity is still open (not closed by E-, L-, S- or U-); any other entity tag
    starts a new entity (so IOB1's I- after O, or a stray I-, begins one)."""
    out = []
    open_label: str | None = None
    for tag in tags:
        if tag == "O":
            out.append(tag)
            open_label = None
            continue
        prefix, _, label = tag.partition("-")
        inside = prefix in ("I", "E", "L") and open_label == label
        out.append(f"{'I' if inside else 'B'}-{label}")
        open_label = None if prefix in ("E", "L", "S", "U") else label
    return out


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

    Tags may be IOB2, IOB1, BIOES or BILOU. In text without any -DOCSTART- line each
    blank-line block is one article (an example, as doccano and most sentence-level NER
    sets write them; the file as one article made a doccano CoNLL export one article).
    The text is rebuilt from the tokens (a space between tokens, a line break between
    sentences); ``lang`` sets the language (CoNLL does not record it). The signature is the
    import registry's (text, source, lang).

    Every bad line is one ReadError; the article it is in is left out (half an article's
    tags would be wrong gold), the other articles of the file still come in.
    """
    builder = _DocBuilder(1)
    n = 0
    blocks = not _has_docstart(text)  # no article marks: a block is an article
    for line_no, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        cols = line.split()
        if cols and cols[0] == "-DOCSTART-":
            if not builder.empty:
                n += 1
                yield from _finish(builder, source, n, lang)
            builder = _DocBuilder(line_no)
        elif not cols and blocks:
            if not builder.empty:
                n += 1
                yield from _finish(builder, source, n, lang)
            builder = _DocBuilder(line_no + 1)
        elif not cols:
            builder.end_sentence()
        else:
            builder.add(cols, line_no)
    if not builder.empty:
        yield from _finish(builder, source, n + 1, lang)


def _has_docstart(text: str) -> bool:
    return any(line.split()[:1] == [DOCSTART_WORD] for line in text.split("\n") if "-DOC" in line)


def _finish(
    builder: _DocBuilder, source: str, n: int, lang: str | None
) -> Iterator[ParsedDoc | ReadError]:
    if builder.problems:
        left_out = f"the article from line {builder.first_line} is not imported"
        for line_no, reason in builder.problems:
            yield ReadError(source, f"{reason}; {left_out}", line_no)
        return
    try:
        yield builder.build(source, n, lang)
    except ParseError as err:
        yield ReadError(source, err.reason, err.line)
