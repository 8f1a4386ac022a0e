"""An import treats an invisible character at a span's edge (a zero-width space, joiner,
word joiner, BOM, soft hyphen) as it treats whitespace there: gold with one is refused
(one line) unless ``--trim-spans`` trims it; suggestions are trimmed (new-user trial:
"\u200bAstana" came in as it was)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.store import Store

TEXT = "Tokayev met Putin in \u200bAstana\u00ad on Monday."
AT = TEXT.index("Astana") - 1


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _src(tmp_path):
    src = tmp_path / "gold.jsonl"
    spans = [
        {"start": 0, "end": 7, "label": "PERSON"},
        {"start": AT, "end": AT + 8, "label": "GPE"},
    ]
    src.write_text(json.dumps({"text": TEXT, "spans": spans, "meta": {"lang": "en"}}) + "\n")
    return src


def test_import_invisible_edges_gold_is_refused_or_trimmed(tmp_path):
    src, db = _src(tmp_path), str(tmp_path / "p.db")
    res = _run("import", str(src), "--db", db, "--as-gold", "--annotator", "a")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"error: {src}:1: span {AT}..{AT + 8} (GPE) '\\u200bAstana\\xad' has an invisible "
        "character (U+00AD, U+200B) at its edge; not imported (--trim-spans trims such spans)"
    ]
    with Store(db) as store:
        assert store.count_articles() == 0
    res = _run("import", str(src), "--db", db, "--as-gold", "--annotator", "a", "--trim-spans")
    assert res.exit_code == 0, res.output
    assert "1 trimmed" in res.stdout
    with Store(db) as store:
        (doc,) = store.iter_gold(annotator="a")
        assert [s.text(doc.article.text) for s in doc.spans] == ["Tokayev", "Astana"]


def test_import_invisible_edges_suggestions_are_trimmed(tmp_path):
    src, db = _src(tmp_path), str(tmp_path / "p.db")
    res = _run("import", str(src), "--db", db)
    assert res.exit_code == 0, res.output
    with Store(db) as store:
        (row,) = store.list_articles("")
        found = sorted(s.span for s, _ in store.suggestions(row.id, ""))
    assert [(s.start, s.end, s.label) for s in found] == [(0, 7, "PERSON"), (AT + 1, AT + 7, "GPE")]
