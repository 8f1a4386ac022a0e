"""``annotator export``: options, outputs, summaries and one-line errors."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from spacy.tokens import DocBin

from annotator.cli.main import cli as cli_main
from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span, Suggestion
from annotator.io.tokens import blank
from annotator.store import Store

TEMPLATE = "{name} met Shavkat Mirziyoyev in Astana on day {i}."


def _docs(n: int = 30, lang: str = "en") -> list[ParsedDoc]:
    docs = []
    for i in range(n):
        name = f"Tokayev{i}"
        text = TEMPLATE.format(name=name, i=i)
        met = text.index(" met") + 1
        spans = [
            Span(0, len(name), "PERSON"),
            Span(text.index("Astana"), text.index("Astana") + 6, "GPE"),
        ]
        event = Event(Span(met, met + 3, "Meet"), (Argument("Participant", spans[0]),))
        docs.append(ParsedDoc(text, title=f"t{i}", lang=lang, spans=spans, events=[event]))
    return docs


def _db(tmp_path, docs=None, annotator="ann") -> str:
    path = tmp_path / "p.db"
    with Store(path) as store:
        store.add_docs(docs if docs is not None else _docs(), as_gold=True, annotator=annotator)
    return str(path)


def run(*args: str):
    from annotator.cli.main import cli

    return CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)


def _lines(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]


def test_export_cmd_jsonl_to_a_file_with_a_summary(tmp_path):
    db = _db(tmp_path)
    out = tmp_path / "gold.jsonl"
    res = run("--format", "jsonl", "--out", str(out), "--db", db)
    assert res.exit_code == 0, res.output
    assert len(_lines(out)) == 30
    assert re.search(r"^documents +30$", res.stdout, re.M) and "event Meet" in res.stdout
    assert f"wrote {out}" in res.stdout


def test_export_cmd_split_is_deterministic_and_keeps_copies_together(tmp_path):
    db = _db(tmp_path)
    with Store(db) as store:  # a second annotator's gold on every article
        for row in store.list_articles("other"):
            store.apply(
                row.id,
                "other",
                cmd.Command("g", (cmd.add_span(Span(0, 5, "X")), cmd.set_status("new", "done"))),
            )
    args = ["--format", "jsonl", "--db", db, "--split", "0.6,0.2,0.2", "--seed", "4"]
    assert run(*args, "--out", str(tmp_path / "a")).exit_code == 0
    assert run(*args, "--out", str(tmp_path / "b")).exit_code == 0
    for name in ("train", "dev", "test"):
        a, b = tmp_path / "a" / f"{name}.jsonl", tmp_path / "b" / f"{name}.jsonl"
        assert a.read_bytes() == b.read_bytes()
    where: dict[str, set[str]] = {}
    for name in ("train", "dev", "test"):
        for rec in _lines(tmp_path / "a" / f"{name}.jsonl"):
            where.setdefault(rec["text"], set()).add(name)
    assert len(where) == 30 and all(len(s) == 1 for s in where.values())
    assert sum(len(_lines(tmp_path / "a" / f"{n}.jsonl")) for n in ("train", "dev", "test")) == 60


def test_export_cmd_filters_by_status_annotator_and_language(tmp_path):
    db = _db(tmp_path, _docs(4))
    with Store(db) as store:
        store.add_docs(
            [ParsedDoc("Путин прибыл в Астану.", lang="ru", spans=[Span(0, 5, "PERSON")])],
            as_gold=True,
            annotator="bob",
        )
        store.apply(1, "ann", cmd.Command("reopen", (cmd.set_status("done", "in_progress"),)))
    out = tmp_path / "o.jsonl"
    assert run("--format", "jsonl", "--out", str(out), "--db", db).exit_code == 0
    assert len(_lines(out)) == 4
    run("--format", "jsonl", "--out", str(out), "--db", db, "--status", "any", "--force")
    assert len(_lines(out)) == 5
    run("--format", "jsonl", "--out", str(out), "--db", db, "--annotator", "bob", "--force")
    assert [r["_annotator_id"] for r in _lines(out)] == ["bob"]
    run("--format", "jsonl", "--out", str(out), "--db", db, "--lang", "en", "--force")
    assert {r["meta"]["language"] for r in _lines(out)} == {"en"}


def test_export_cmd_spacy_writes_docbins_and_config(tmp_path):
    db = _db(tmp_path)
    out = tmp_path / "sp"
    res = run("--format", "spacy", "--out", str(out), "--db", db, "--base-model", "en_core_web_sm")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "dev.spacy", "train.spacy"]
    n = sum(len(DocBin().from_disk(out / f"{s}.spacy")) for s in ("train", "dev"))
    assert n == 30
    config = (out / "config.cfg").read_text()
    assert f'train = "{out / "train.spacy"}"' in config and 'source = "en_core_web_sm"' in config


def test_export_cmd_conll_notes_what_it_dropped(tmp_path):
    out = tmp_path / "g.conll"
    res = run("--format", "conll", "--out", str(out), "--db", _db(tmp_path))
    assert res.exit_code == 0
    assert "note: 30 events (CoNLL cannot hold them): not written" in res.stderr
    assert out.read_text().count("-DOCSTART-") == 30


def test_export_cmd_conll_and_spacy_keep_a_span_ending_inside_a_token(tmp_path):
    """spaCy keeps "Ltd." whole: the span "Aral Energy Ltd" was counted and left out."""
    text = "Tokayev met Aral Energy Ltd. in Astana."
    spans = [Span(0, 7, "PERSON"), Span(12, 27, "ORG"), Span(32, 38, "GPE")]
    docs = [ParsedDoc(text, title="t", lang="en", spans=spans), *_docs(4)]
    db = _db(tmp_path, docs)
    conll = run("--format", "conll", "--out", str(tmp_path / "g.conll"), "--db", db)
    assert conll.exit_code == 0 and conll.stderr.count("note:") == 1  # only the events
    assert "Energy I-ORG\nLtd I-ORG\n. O\nin O\nAstana B-GPE" in (tmp_path / "g.conll").read_text()
    spacy_out = tmp_path / "spacy"
    res = run("--format", "spacy", "--out", str(spacy_out), "--db", db, "--split", "0.5,0.5")
    assert res.exit_code == 0 and "note:" not in res.stderr
    ents = [
        (e.text, e.label_)
        for name in ("train", "dev")
        for doc in DocBin().from_disk(spacy_out / f"{name}.spacy").get_docs(blank("en").vocab)
        for e in doc.ents
    ]
    assert ("Aral Energy Ltd", "ORG") in ents


def test_export_cmd_brat_writes_a_folder_per_split(tmp_path):
    out = tmp_path / "brat"
    res = run("--format", "brat", "--out", str(out), "--db", _db(tmp_path), "--split", "0.5,0.5")
    assert res.exit_code == 0
    for split in ("train", "dev"):
        conf = (out / split / "annotation.conf").read_text()
        assert "\nMeet\tParticipant*:" in conf  # from the event schema
        assert "\nVisit\t" in conf and "Negation\tArg:<EVENT>\n" in conf
    assert len(list(out.rglob("*.ann"))) == 30


def test_export_cmd_suggestions_instead_of_gold(tmp_path):
    db = _db(tmp_path, _docs(2))
    with Store(db) as store:
        store.add_docs([ParsedDoc("Astana is big.", lang="en")])
        ids = [r.id for r in store.list_articles("")]
        store.add_suggestions([(i, [Suggestion(Span(0, 6, "ORG"))]) for i in ids], "m", "1")
        store.add_suggestions([(ids[0], [Suggestion(Span(0, 3, "X"))])], "n", "2")
    out = tmp_path / "s.jsonl"
    res = run("--format", "jsonl", "--out", str(out), "--db", db, "--suggestions", "--model", "m")
    assert res.exit_code == 0, res.output
    recs = _lines(out)
    assert len(recs) == 3 and all(r["_annotator_id"] == "m" for r in recs)
    assert all([(s["start"], s["label"]) for s in r["spans"]] == [(0, "ORG")] for r in recs)


def test_export_cmd_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "g.jsonl"
    out.write_text("keep me")
    res = run("--format", "jsonl", "--out", str(out), "--db", _db(tmp_path))
    assert (
        res.exit_code == 1
        and res.stderr.strip() == f"error: {out}: already exists (pass --force to replace it)"
    )
    assert out.read_text() == "keep me"


def test_export_cmd_nothing_to_export_is_one_line_and_exit_1(tmp_path):
    res = run("--format", "jsonl", "--out", str(tmp_path / "x.jsonl"), "--db", _db(tmp_path, []))
    assert res.exit_code == 1
    assert res.stderr.strip() == "error: nothing to export: no gold with status 'done'"


def test_export_cmd_usage_errors_exit_2(tmp_path):
    db = _db(tmp_path)
    assert run("--format", "jsonl", "--out", "x", "--db", db, "--model", "m").exit_code == 2
    assert run("--format", "xml", "--out", "x", "--db", db).exit_code == 2
    res = run("--format", "jsonl", "--out", str(tmp_path / "d"), "--db", db, "--split", "0.5")
    assert res.exit_code == 2 and "give 2" in res.output  # a usage error, like the others


def test_export_cmd_folder_output_over_a_file_is_one_clear_line(tmp_path):
    db = _db(tmp_path)
    existing = tmp_path / "out.jsonl"
    existing.write_text("x")
    res = CliRunner().invoke(
        cli_main, ["export", "--format", "spacy", "--out", str(existing), "--db", db, "--force"]
    )
    assert res.exit_code == 1
    assert "is not a folder" in res.stderr and "Errno" not in res.stderr


def test_export_cmd_all_gold_left_out_says_why_not_that_there_is_none(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        doc = ParsedDoc("Tokayev met Putin.", lang="en", spans=[Span(0, 7, "PERSON")],
                  meta={"entities": "partial"}, annotated=True)  # fmt: skip
        store.add_docs([doc], as_gold=True, annotator="a")
    res = CliRunner().invoke(
        cli_main,
        ["export", "--format", "conll", "--out", str(tmp_path / "o.conll"), "--db", str(db)],
    )
    assert res.exit_code == 1
    (line,) = res.stderr.splitlines()
    assert line.startswith("error: nothing exported: ") and "entity gold is partial" in line


def test_export_cmd_foreign_formats_write_files_splits_and_import_back(tmp_path):
    db = _db(tmp_path)
    for fmt, name in [
        ("labelstudio", "ls.json"),
        ("doccano", "d.jsonl"),
        ("doccano-conll", "d.conll"),
    ]:
        out = tmp_path / name
        res = run("--format", fmt, "--out", str(out), "--db", db)
        assert res.exit_code == 0, res.output
        assert out.is_file() and f"wrote {out}" in res.stdout
        if fmt != "labelstudio":  # events have no place there: said on stderr
            assert "30 events" in res.stderr
    tasks = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    assert len(tasks) == 30 and all(len(t["annotations"]) == 1 for t in tasks)
    split = run("--format", "labelstudio", "--out", str(tmp_path / "s"), "--db", db,
                "--split", "0.5,0.5")  # fmt: skip
    assert split.exit_code == 0, split.output
    parts = [json.loads(p.read_text("utf-8")) for p in sorted((tmp_path / "s").glob("*.json"))]
    assert sum(len(p) for p in parts) == 30
    again = tmp_path / "again.db"
    for name, who in (("ls.json", "b"), ("d.jsonl", "c")):  # doccano: no events
        res = CliRunner().invoke(
            cli_main,
            ["import", str(tmp_path / name), "--db", str(again), "--as-gold", "--annotator", who],
        )
        assert res.exit_code == 0, res.output
    with Store(again) as store:
        from_ls = list(store.iter_gold(annotator="b"))
        from_doccano = list(store.iter_gold(annotator="c"))
    assert len(from_ls) == len(from_doccano) == 30
    assert all(len(g.spans) == 2 and len(g.events) == 1 for g in from_ls)
    assert [g.spans for g in from_doccano] == [g.spans for g in from_ls]


def test_export_cmd_a_split_part_of_ratio_0_is_not_written_in_any_format(tmp_path):
    """--split 1,0,0 is one output of everything: spaCy as JSONL and CoNLL (it was refused)."""
    db = _db(tmp_path)
    spacy_out = tmp_path / "sp"
    res = run("--format", "spacy", "--out", str(spacy_out), "--db", db, "--split", "1,0,0")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in spacy_out.iterdir()) == ["train.spacy"]
    assert len(DocBin().from_disk(spacy_out / "train.spacy")) == 30
    assert f"wrote train: {spacy_out / 'train.spacy'}" in res.stdout
    assert res.stderr == (
        "note: no config.cfg written: --split 1,0,0 gives dev a ratio of 0, and spacy train "
        "needs a train and a dev part (e.g. --split 0.8,0.2)\n"
    )
    for fmt in ("jsonl", "conll"):
        out = tmp_path / fmt
        res = run("--format", fmt, "--out", str(out), "--db", db, "--split", "1,0,0")
        assert res.exit_code == 0 and res.stderr.count("note:") == (fmt == "conll")
        assert sorted(p.name for p in out.iterdir()) == [f"train.{fmt}"]
        assert f"wrote train: {out / f'train.{fmt}'}" in res.stdout


def test_export_cmd_says_which_split_asked_for_got_no_documents(tmp_path):
    db = _db(tmp_path, _docs(10))
    for fmt in ("jsonl", "spacy"):
        out = tmp_path / fmt
        res = run("--format", fmt, "--out", str(out), "--db", db, "--split", "0.5,0.5,0")
        assert res.exit_code == 0 and "test" not in res.stderr
        res = run(
            "--format", fmt, "--out", str(out), "--db", db, "--split", ".98,.01,.01", "--force"
        )
        assert res.exit_code == (1 if fmt == "spacy" else 0), res.output
        if fmt == "jsonl":
            assert sorted(p.name for p in out.iterdir()) == ["train.jsonl"]
            assert res.stderr == (
                "note: no documents fell in the dev split: nothing written for it\n"
                "note: no documents fell in the test split: nothing written for it\n"
            )
        else:  # spaCy: config.cfg needs the dev part asked for
            assert "no documents fell in the dev split; spaCy needs both" in res.stderr


def test_export_cmd_split_and_seed_usage_errors(tmp_path):
    """A --split that is no split, and --seed without one, are usage errors (exit 2),
    said before the project is read (new-user trial: exit 1, and --seed was ignored)."""
    from click.testing import CliRunner

    from annotator.cli.main import cli

    db = tmp_path / "none.db"  # never opened: the options are checked first
    cases = [
        (["--split", "0.5,abc"], "Invalid value for --split: '0.5,abc': expected numbers"),
        (["--split", "0.5,0.6"], "'0.5,0.6': ratios must add up to 1 (they add up to 1.1)"),
        (["--seed", "3"], "--seed only applies with --split"),
    ]
    for extra, said in cases:
        res = CliRunner().invoke(
            cli, ["export", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"),
                  "--db", str(db), *extra],
        )  # fmt: skip
        assert res.exit_code == 2, res.output
        assert said in res.output
    assert not db.exists()
