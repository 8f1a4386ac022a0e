"""Language detection for imported articles whose input names no language (lingua)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.io import langdetect
from annotator.io.article import parse_article
from annotator.io.jsonl import parse_jsonl_line
from annotator.io.labelstudio import parse_task
from annotator.io.langdetect import DETECTED, UNSTATED, describe, detect, detect_doc
from annotator.io.plaintext import parse_plaintext


def _bundled(corpus_dir: Path) -> dict[str, list[str]]:
    """The bodies (paragraphs after the title) of the bundled articles, by header language."""
    bodies: dict[str, list[str]] = {}
    for path in sorted(corpus_dir.glob("*.txt")):
        doc = parse_article(path.read_text(encoding="utf-8"), str(path))
        body = doc.text.split("\n\n", 1)[1]
        bodies.setdefault(doc.lang, []).append(body)
    return bodies


@pytest.fixture(scope="module")
def bodies() -> dict[str, list[str]]:
    from annotator.core.paths import datasets_dir

    return _bundled(datasets_dir())


def test_langdetect_tells_kazakh_from_russian_cyrillic(bodies):
    assert len(bodies["kk"]) >= 3 and len(bodies["ru"]) >= 3
    for lang in ("kk", "ru"):
        for body in bodies[lang]:
            guess = detect(body)
            assert (guess.lang, guess.best) == (lang, lang), body[:80]
            assert guess.confidence >= 0.9


def test_langdetect_finds_english_in_every_bundled_english_body(bodies):
    guesses = {detect(body).lang for body in bodies["en"]}
    assert guesses == {"en"}


@pytest.mark.parametrize(
    "text",
    ["Astana", "Tokayev met Putin", "Қазақстан", "12:30, 5 мая 2025", "Kazakhstan", "", "  \n"],
)
def test_langdetect_short_texts_are_xx(text):
    # lingua calls "Kazakhstan" French and "Қазақстан" Kazakh with high confidence: a name
    # or a fragment says too little, so under MIN_LETTERS letters nothing is guessed
    assert detect(text).lang == "xx"


def test_langdetect_text_in_no_candidate_script_is_xx():
    assert detect("これは日本語の文章です。東京で首脳会談が開かれました。" * 3).lang == "xx"


def test_langdetect_mixed_half_and_half_is_xx_and_a_quote_does_not_decide(bodies):
    en, ru, kk = bodies["en"][0], bodies["ru"][0], bodies["kk"][0]
    half = en[:300].rsplit(" ", 1)[0] + " " + ru[:300].rsplit(" ", 1)[0]
    guess = detect(half)
    assert guess.lang == "xx" and 0.3 < guess.confidence < langdetect.THRESHOLD
    kk_ru = kk[:300].rsplit(" ", 1)[0] + " " + ru[:300].rsplit(" ", 1)[0]
    assert detect(kk_ru).lang == "xx"
    # English with a Russian quote inside the sample: English
    quoted = en[:450].rsplit(" ", 1)[0] + " «" + ru[:150].rsplit(" ", 1)[0] + "» " + en[450:]
    assert detect(quoted).lang == "en"


def test_langdetect_stops_reading_when_the_answer_is_certain(bodies):
    # three English pieces decide; the Russian fourth piece is never read, so the score
    # (over the pieces read) stays ~1.0 and the answer is the one a full read gives (0.75)
    en, ru = bodies["en"][0], bodies["ru"][0]
    start = en[:620].rsplit(" ", 1)[0]
    guess = detect(start + " " + ru[:200])
    assert guess.lang == "en" and guess.confidence > 0.99


def test_langdetect_reads_only_the_start_of_a_long_text(bodies):
    # a long Russian tail after 1,000+ characters of English does not change the answer
    en, ru = bodies["en"][0], bodies["ru"][0]
    assert len(en) > langdetect.SAMPLE_CHARS
    assert detect(en + "\n\n" + ru * 5).lang == "en"


def test_langdetect_builds_one_detector_per_process():
    assert langdetect._detector() is langdetect._detector()


def test_langdetect_readers_mark_only_articles_without_a_language():
    text = "Leaders meet in Astana\n\nThe presidents discussed trade and transport corridors."
    assert parse_plaintext(text, "a.txt").meta[UNSTATED] is True
    assert UNSTATED not in parse_plaintext(text, "a.txt", "ru").meta
    line = {"text": text}
    assert parse_jsonl_line(json.dumps(line)).meta[UNSTATED] is True
    for stated in ({"meta": {"lang": "kk"}}, {"meta": {"language": "xx"}}, {"lang": "ru"}):
        doc = parse_jsonl_line(json.dumps({**line, **stated}))
        assert UNSTATED not in doc.meta, stated
    assert UNSTATED not in parse_jsonl_line(json.dumps(line), lang="kk").meta
    task = {"data": {"text": text}}
    assert parse_task(task, "t.json", None, 1)[0].meta[UNSTATED] is True
    stated_task = {"data": {"text": text, "lang": "en"}}
    assert UNSTATED not in parse_task(stated_task, "t.json", None, 1)[0].meta


def test_langdetect_doccano_top_level_lang_is_the_files_language():
    record = {"text": "Tokayev met Mirziyoyev in Astana.", "label": [], "lang": "kk"}
    assert parse_jsonl_line(json.dumps(record)).lang == "kk"
    # a meta.lang wins over a top-level one; a top-level non-string is some other field
    both = {**record, "meta": {"lang": "ru"}}
    assert parse_jsonl_line(json.dumps(both)).lang == "ru"
    odd = {**record, "lang": 5}
    assert UNSTATED in parse_jsonl_line(json.dumps(odd)).meta


def test_langdetect_detect_doc_sets_the_language_and_keeps_the_guess(bodies):
    doc = parse_plaintext("Жаңалықтар\n\n" + bodies["kk"][0], "kk.txt")
    guess = detect_doc(doc)
    assert guess is not None and doc.lang == "kk"
    assert UNSTATED not in doc.meta
    assert doc.meta[DETECTED]["best"] == "kk" and doc.meta[DETECTED]["confidence"] >= 0.9
    stated = parse_plaintext(bodies["en"][0], "en.txt", "ru")
    assert detect_doc(stated) is None and stated.lang == "ru"


def test_langdetect_describe_says_what_was_detected():
    assert describe({}) == ""
    line = describe({"en": 120, "ru": 3, "xx": 2})
    assert line.startswith("language detected for 123 articles: en 120, ru 3; 2 left as xx")
    assert f"confidence {langdetect.THRESHOLD}" in line
    assert describe({"kk": 1}) == "language detected for 1 article: kk 1"
    assert describe({"xx": 1}).startswith("language not detected for 1 article: left as xx (")
