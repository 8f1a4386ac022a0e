"""An article file whose header names no language gets it detected on import; a header
with a language keeps it (issue 12)."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.store import Store


def test_import_article_header_without_language_is_detected(tmp_path, corpus_dir):
    englishes = [p for p in sorted(corpus_dir.glob("*.txt")) if " EN" in p.read_text()[:40]]
    english, other = englishes[0], englishes[1]
    russian = next(p for p in sorted(corpus_dir.glob("*.txt")) if " RU" in p.read_text()[:40])
    folder = tmp_path / "in"
    folder.mkdir()
    for src, name in ((english, "a.txt"), (russian, "b.txt")):
        raw = src.read_text(encoding="utf-8-sig")
        first, rest = raw.split("\n", 1)
        (folder / name).write_text(first.rsplit(" ", 1)[0] + "\n" + rest, encoding="utf-8")
    (folder / "c.txt").write_text(other.read_text(encoding="utf-8-sig"), encoding="utf-8")
    db = tmp_path / "p.db"
    out = CliRunner().invoke(cli, ["import", str(folder), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "language detected for 2 articles: en 1, ru 1" in out.output
    with Store(db) as store:
        langs = dict(store.db.execute("SELECT source, lang FROM articles"))
    assert {k.rsplit("/", 1)[-1]: v for k, v in langs.items()} == {
        "a.txt": "en", "b.txt": "ru", "c.txt": "en"
    }  # fmt: skip
