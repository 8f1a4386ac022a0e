"""Export -> `annotator import` (auto-detected) -> export gives the same annotations."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store


def _docs() -> list[ParsedDoc]:
    out = []
    for i, (name, city) in enumerate([("Tokayev", "Astana"), ("Mirziyoyev", "Tashkent")]):
        text = f"{name} met Sadyr Japarov in {city} on Monday.\n\nNo one else came ({i})."
        per = Span(0, len(name), "PERSON")
        other = Span(text.index("Sadyr"), text.index("Sadyr") + 13, "PERSON")
        gpe = Span(text.index(city), text.index(city) + len(city), "GPE")
        met = text.index("met")
        ev = Event(
            Span(met, met + 3, "Meet"),
            (Argument("Participant", per), Argument("Participant", other), Argument("Place", gpe)),
            (("Modality", "actual"), ("Negation", False)),  # as the schema's defaults give
        )
        out.append(
            ParsedDoc(
                text, title=text.split("\n")[0], lang="en", spans=[per, other, gpe], events=[ev]
            )
        )
    # reviewed, nothing to mark: an explicit empty annotation is gold too
    out.append(ParsedDoc("Nothing to mark here.", title="Empty", lang="en", annotated=True))
    return out


def _gold(db: Path) -> list[tuple]:
    with Store(db) as s:
        return sorted(
            (
                d.article.text,
                tuple(d.spans),
                tuple((e.trigger, e.arguments, e.attributes) for e in d.events),
            )
            for d in s.iter_gold()
        )


def invoke(*args: str):
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_roundtrip_export_import_export_keeps_gold(tmp_path, fmt):
    first = tmp_path / "first.db"
    with Store(first) as s:
        s.add_docs(_docs(), as_gold=True, annotator="ann")
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    invoke("export", "--format", fmt, "--out", str(out), "--db", str(first))
    second = tmp_path / "second.db"
    # an empty .ann is also what brat makes for a text nobody opened: say it is the truth
    empty = ["--empty-is-gold"] if fmt == "brat" else []
    invoke("import", str(out), "--db", str(second), "--as-gold", "--annotator", "ann", *empty)
    assert _gold(second) == _gold(first)
    assert len(_gold(first)) == 3  # the article without spans is gold too


def test_roundtrip_conll_keeps_entities(tmp_path):
    first = tmp_path / "first.db"
    with Store(first) as s:
        s.add_docs(_docs(), as_gold=True, annotator="ann")
    out = tmp_path / "out.conll"
    invoke("export", "--format", "conll", "--out", str(out), "--db", str(first))
    conll = out if out.is_file() else next(out.rglob("*.conll"))
    second = tmp_path / "second.db"
    invoke(
        "import", str(conll), "--db", str(second), "--as-gold", "--annotator", "ann", "--lang", "en"
    )
    with Store(second) as s:
        got = [[(d.article.text[x.start : x.end], x.label) for x in d.spans] for d in s.iter_gold()]
    assert sorted(sum(got, [])) == sorted(
        (t[sp.start : sp.end], sp.label) for d in _docs() for t in [d.text] for sp in d.spans
    )


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_roundtrip_bundled_event_gold_arguments_stay_on_their_entities(tmp_path, fmt, corpus_dir):
    """The hand-made event gold: every argument refers to an entity (brat: the entity's
    own T line; only SPAN phrases have "argument only" lines) and comes back so."""
    import re

    first = tmp_path / "first.db"
    gold = corpus_dir / "gold" / "events_gold.jsonl"
    invoke("import", str(gold), "--db", str(first), "--as-gold", "--annotator", "ann")
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    invoke("export", "--format", fmt, "--out", str(out), "--db", str(first))
    if fmt == "brat":
        for ann in out.rglob("*.ann"):
            lines = ann.read_text(encoding="utf-8").splitlines()
            labels = {m[1]: m[2] for x in lines if (m := re.match(r"(T\d+)\t(\S+) ", x))}
            only = {
                m[1]
                for x in lines
                if (m := re.match(r"#\d+\tAnnotatorNotes (T\d+)\targument only", x))
            }
            assert all(labels[t] == "SPAN" for t in only), ann.name
    second = tmp_path / "second.db"
    invoke("import", str(out), "--db", str(second), "--as-gold", "--annotator", "ann")
    assert _gold(second) == _gold(first)
    with Store(second) as s:
        for d in s.iter_gold():
            spans = set(d.spans)
            for e in d.events:
                assert all(a.span in spans or a.span.label == "SPAN" for a in e.arguments)


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_roundtrip_events_without_attributes_come_back_without_any(tmp_path, fmt):
    """brat came back with Negation false on every event that had no attributes (an
    absent binary attribute is false to brat: new-user trial)."""
    docs = _docs()
    for doc in docs[:1]:
        doc.events = [Event(e.trigger, e.arguments) for e in doc.events]
    first = tmp_path / "first.db"
    with Store(first) as s:
        s.add_docs(docs, as_gold=True, annotator="ann")
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    invoke("export", "--format", fmt, "--out", str(out), "--db", str(first))
    second = tmp_path / "second.db"
    empty = ["--empty-is-gold"] if fmt == "brat" else []
    invoke("import", str(out), "--db", str(second), "--as-gold", "--annotator", "ann", *empty)
    assert _gold(second) == _gold(first)
    attrs = sorted(e[2] for _, _, events in _gold(second) for e in events)
    assert attrs == [(), (("Modality", "actual"), ("Negation", False))]


def _entities(db: Path) -> list[tuple]:
    with Store(db) as s:
        return sorted((d.article.text.split()[0], tuple(d.spans)) for d in s.iter_gold())


def _events(db: Path) -> list[tuple]:
    """The gold without event attributes (Label Studio's export has no place for them)."""
    return [(text, spans, tuple(e[:2] for e in events)) for text, spans, events in _gold(db)]


# every file export, the file name export gives it itself (--split), and what of the gold
# comes back (Label Studio: no event attributes; doccano and CoNLL: entities only)
FILE_EXPORTS = [
    ("jsonl", "train.jsonl", _gold),
    ("labelstudio", "train.json", _events),
    ("doccano", "train.jsonl", _entities),
    ("doccano-conll", "train.conll", _entities),
    ("conll", "train.conll", _entities),
]


@pytest.mark.parametrize(("fmt", "name", "got"), FILE_EXPORTS)
def test_roundtrip_every_export_imports_back_by_its_name_and_by_its_format(
    tmp_path, fmt, name, got
):
    """Under the names export writes, import finds the format itself; with any other name
    `--format` takes export's own format name (`--format doccano` was refused: only
    import's names, jsonl and conll, were known), and export says so when it writes one."""
    first = tmp_path / "first.db"
    with Store(first) as s:
        s.add_docs(_docs(), as_gold=True, annotator="ann")
    want = got(first)
    own = tmp_path / "own"
    invoke("export", "--format", fmt, "--out", str(own), "--db", str(first), "--split", "1,0,0")
    assert [p.name for p in own.iterdir()] == [name]
    back = ["--as-gold", "--annotator", "ann", "--lang", "en", "--empty-is-gold"]
    invoke("import", str(own), "--db", str(tmp_path / "auto.db"), *back)
    assert got(tmp_path / "auto.db") == want
    odd = tmp_path / "tasks.export"  # a name import takes for no format
    res = invoke("export", "--format", fmt, "--out", str(odd), "--db", str(first))
    assert f"import it back with --format {fmt}" in res.stderr
    invoke("import", str(odd), "--format", fmt, "--db", str(tmp_path / "named.db"), *back)
    assert got(tmp_path / "named.db") == want


@pytest.mark.parametrize(
    ("fmt", "shape", "hint"),
    [
        ("labelstudio", "a JSON list", "labelstudio"),
        ("jsonl", "JSON Lines", "jsonl"),
        ("doccano-conll", "CoNLL", "conll"),
    ],
)
def test_roundtrip_an_export_named_txt_is_refused_not_imported_as_plain_text(
    tmp_path, fmt, shape, hint
):
    """An export written as out.txt was read as a plain-text article: exit 0, the gold
    gone and the markup made an article's text. Now one line says what it is."""
    first = tmp_path / "first.db"
    with Store(first) as s:
        s.add_docs(_docs(), as_gold=True, annotator="ann")
    out = tmp_path / "out.txt"
    invoke("export", "--format", fmt, "--out", str(out), "--db", str(first))
    second = tmp_path / "second.db"
    res = CliRunner().invoke(cli, ["import", str(out), "--db", str(second), "--as-gold"])
    assert res.exit_code == 1
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: {out}: looks like {shape}")
    assert line.endswith(f"not plain text: pass --format {hint}")
    with Store(second) as s:
        assert s.list_articles("") == []
    # plain text that merely starts with a bracket is still an article
    plain = tmp_path / "plain.txt"
    plain.write_text("[Update] Astana news\n\nThe akim spoke.\n", encoding="utf-8")
    invoke("import", str(plain), "--db", str(second))


def test_roundtrip_a_spacy_docbin_is_refused_with_why(tmp_path):
    docbin = tmp_path / "train.spacy"
    docbin.write_bytes(b"\x00\x01binary")
    res = CliRunner().invoke(cli, ["import", str(docbin), "--db", str(tmp_path / "p.db")])
    assert res.exit_code == 1
    assert f"error: {docbin}: a spaCy DocBin (export --format spacy) is for spaCy" in res.stderr
