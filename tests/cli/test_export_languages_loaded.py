"""An export loads the tokenizers of its own languages only, and what it remembers about
spaCy does not depend on the folder it is run from."""

from __future__ import annotations

import sys

from annotator.cli import export_cmd
from annotator.cli.export_cmd import run_export
from annotator.core.models import ParsedDoc, Span
from annotator.io import token_cache
from annotator.store import Store


def test_export_with_lang_loads_only_that_languages_tokenizer(tmp_path, monkeypatch):
    with Store(tmp_path / "p.db") as store:
        store.add_docs(
            [ParsedDoc("Tokayev met Mirziyoyev.", lang="en", spans=[Span(0, 7, "PERSON")])],
            as_gold=True, annotator="a",
        )  # fmt: skip
        store.add_docs(
            [ParsedDoc("Токаев встретился с послом.", lang="ru", spans=[Span(0, 6, "PER")])],
            as_gold=True, annotator="a",
        )  # fmt: skip
        loaded: list[str] = []
        real = export_cmd.tokenizer_version

        def spy(lang: str) -> str:
            loaded.append(lang)
            return real(lang)

        monkeypatch.setattr(export_cmd, "tokenizer_version", spy)
        report, _ = run_export(store, "conll", tmp_path / "en.conll", annotator="a", lang="en")
    assert sum(report.docs.values()) == 1
    assert set(loaded) == {"en"}  # no Russian (nor Kazakh ...) tokenizer built for nothing


def test_remembered_facts_do_not_depend_on_the_current_folder(tmp_path, monkeypatch):
    """``python -m annotator`` puts the current folder first on sys.path: a folder without
    installed packages changes nothing spaCy loads, so the remembered facts still hold."""
    token_cache.installation.cache_clear()
    before = token_cache.installation("en")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    token_cache.installation.cache_clear()
    try:
        assert token_cache.installation("en") == before
    finally:
        token_cache.installation.cache_clear()


def test_spacy_export_of_several_languages_says_so_in_words(tmp_path):
    from click.testing import CliRunner

    from annotator.cli.main import cli

    db = tmp_path / "p.db"
    with Store(db) as store:
        docs = [ParsedDoc(f"Tokayev met Mirziyoyev {i}.", lang="en", spans=[Span(0, 7, "PERSON")])
                for i in range(3)]  # fmt: skip
        docs.append(ParsedDoc("Токаев встретился с послом.", lang="ru", spans=[Span(0, 6, "PER")]))
        store.add_docs(docs, as_gold=True, annotator="a")
    res = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "spacy", "--annotator", "a",
              "--out", str(tmp_path / "out")],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "documents in several languages (3 en, 1 ru); config.cfg is for en" in res.output
    assert "{" not in res.output  # no Python dict


def test_export_without_lang_loads_the_tokenizers_of_the_exported_articles_only(
    tmp_path, monkeypatch
):
    """The Russian article has no gold: an export of the gold needs no Russian tokenizer."""
    with Store(tmp_path / "p.db") as store:
        store.add_docs(
            [ParsedDoc("Tokayev met Mirziyoyev.", lang="en", spans=[Span(0, 7, "PERSON")])],
            as_gold=True, annotator="a",
        )  # fmt: skip
        store.add_docs([ParsedDoc("Токаев встретился с послом.", lang="ru")])
        loaded: list[str] = []
        real = export_cmd.tokenizer_version
        monkeypatch.setattr(
            export_cmd, "tokenizer_version", lambda lang: loaded.append(lang) or real(lang)
        )
        report, _ = run_export(store, "conll", tmp_path / "all.conll", annotator="a")
    assert sum(report.docs.values()) == 1
    assert set(loaded) == {"en"}
