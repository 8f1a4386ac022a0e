"""Language tags other tools write (eng, rus, kaz, en-GB) are stored as the project's codes."""

from __future__ import annotations

import json

import pytest

from annotator.core.langs import canonical_lang, check_lang
from annotator.io.reader import read_file
from annotator.store import Store
from annotator.suggest.resolve import canonical_lang as suggest_lang
from annotator.workflows.importing import import_paths


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("eng", "en"),
        ("rus", "ru"),
        ("kaz", "kk"),
        ("en-GB", "en"),
        ("en_US", "en"),
        ("KZ", "kk"),  # the project's alias wins: a country code, not a language
        ("kz", "kk"),
        ("deu", "de"),
        ("ger", "de"),
        ("iw", "he"),  # deprecated codes to their successors
        ("und", "xx"),
        ("mul", "xx"),
        ("xx", "xx"),
    ],
)
def test_lang_codes_normalised_through_langcodes_behind_the_aliases(tag, code):
    assert check_lang(tag) == code and canonical_lang(tag) == code
    assert suggest_lang(tag) == code  # what suggest picks its pipeline by


@pytest.mark.parametrize("tag", ["english", "../x", "e", ""])
def test_lang_codes_still_refuse_what_is_not_a_tag(tag):
    with pytest.raises(ValueError, match="bad language code"):
        check_lang(tag)


def test_lang_codes_an_article_tagged_eng_is_stored_as_en(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [
        {"text": "Tokayev spoke.", "meta": {"lang": "eng"}},
        {"text": "Токаев выступил.", "meta": {"lang": "rus"}},
        {"text": "Тоқаев сөйледі.", "meta": {"language": "kaz"}},
        {"text": "The Mayor spoke.", "meta": {"lang": "en-GB"}},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    assert [d.lang for d in read_file(path)] == ["en", "ru", "kk", "en"]
    store = Store()
    import_paths(store, [path])
    assert sorted(store.languages()) == ["en", "kk", "ru"]
    assert [r.id for r in store.list_articles("", lang="eng")] == [1, 4]
