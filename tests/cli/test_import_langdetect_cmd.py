"""``annotator import`` detects the language of articles whose file names none, and
``annotator suggest`` then runs each article's own pipeline (issue 12)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.io.article import parse_article
from annotator.io.langdetect import DETECTED
from annotator.store import Store
from annotator.suggest import pipeline_identity, resolve_pipeline


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def bundled(corpus_dir):
    docs = [parse_article(p.read_text(encoding="utf-8"), str(p)) for p in corpus_dir.glob("*.txt")]
    by_lang: dict[str, list] = {}
    for doc in sorted(docs, key=lambda d: d.source):
        by_lang.setdefault(doc.lang, []).append(doc)
    return by_lang


def _prodigy(path, docs) -> None:
    """A Prodigy-style JSONL: text, a title in meta but no language, answer and hashes."""
    with path.open("w", encoding="utf-8") as out:
        for i, doc in enumerate(docs):
            record = {"text": doc.text, "meta": {"title": doc.title}, "_input_hash": i}
            out.write(json.dumps({**record, "answer": "accept", "spans": []}) + "\n")


def _langs(db) -> list[str]:
    with Store(db) as store:
        return [r[0] for r in store.db.execute("SELECT lang FROM articles ORDER BY id")]


@pytest.mark.model
def test_import_langdetect_prodigy_english_gets_english_suggestions_without_a_flag(
    tmp_path, bundled
):
    english = bundled["en"][:4]
    path = tmp_path / "news.jsonl"
    _prodigy(path, english)
    db = tmp_path / "p.db"
    imported = run("import", "--db", str(db), str(path))
    assert imported.exit_code == 0, imported.output
    assert "language detected for 4 articles: en 4\n" in imported.stdout
    assert _langs(db) == ["en"] * 4

    suggested = run("suggest", "--db", str(db))
    assert suggested.exit_code == 0, suggested.output
    model = pipeline_identity(resolve_pipeline("en"))[0]
    assert not model.startswith("rules:")  # the English spaCy pipeline, not rules or xx
    with Store(db) as store:
        per_article = dict(
            store.db.execute(
                "SELECT article_id, count(*) FROM suggestions WHERE model = ? GROUP BY article_id",
                [model],
            ).fetchall()
        )
        others = store.db.execute("SELECT count(*) FROM suggestions WHERE model != ?", [model])
        assert others.fetchone()[0] == 0
    assert sorted(per_article) == [1, 2, 3, 4] and min(per_article.values()) >= 5


def test_import_langdetect_explicit_lang_and_the_files_own_win(tmp_path, bundled):
    english = bundled["en"][:2]
    path = tmp_path / "news.jsonl"
    _prodigy(path, english)
    db = tmp_path / "p.db"
    forced = run("import", "--db", str(db), "--lang", "kk", str(path))
    assert forced.exit_code == 0, forced.output
    assert "language detected" not in forced.stdout
    assert _langs(db) == ["kk", "kk"]

    stated = tmp_path / "stated.jsonl"
    text = bundled["ru"][0].text
    stated.write_text(json.dumps({"text": text, "meta": {"lang": "en"}}) + "\n", "utf-8")
    said = run("import", "--db", str(db), str(stated))
    assert "language detected" not in said.stdout
    assert _langs(db)[-1] == "en"  # the file says English: kept, even of a Russian text


def test_import_langdetect_plain_text_and_label_studio_by_language(tmp_path, bundled):
    folder = tmp_path / "in"
    folder.mkdir()
    for lang in ("en", "ru", "kk"):
        doc = bundled[lang][0]
        (folder / f"{lang}.txt").write_text(doc.text, encoding="utf-8")  # plain text
    task = {"data": {"text": bundled["kk"][1].text}}
    (folder / "tasks.json").write_text(json.dumps([task]), encoding="utf-8")
    (folder / "short.txt").write_text("Astana, 5 May\n", encoding="utf-8")
    db = tmp_path / "p.db"
    result = run("import", "--db", str(db), str(folder))
    assert result.exit_code == 0, result.output
    line = "language detected for 4 articles: kk 2, en 1, ru 1; 1 left as xx"
    assert line in result.stdout
    with Store(db) as store:
        rows = store.db.execute("SELECT source, lang, meta FROM articles").fetchall()
    by_file = {source.rsplit("/", 1)[-1]: (lang, json.loads(meta)) for source, lang, meta in rows}
    assert {k: v[0] for k, v in by_file.items()} == {
        "en.txt": "en",
        "ru.txt": "ru",
        "kk.txt": "kk",
        "tasks.json": "kk",
        "short.txt": "xx",
    }
    assert by_file["kk.txt"][1][DETECTED]["best"] == "kk"
    assert by_file["short.txt"][1][DETECTED] == {"best": None, "confidence": 0.0}
    assert not any(k.startswith("import:") for _, meta in by_file.values() for k in meta)

    again = run("import", "--db", str(db), str(folder))  # duplicates: nothing detected anew
    assert "language detected" not in again.stdout
