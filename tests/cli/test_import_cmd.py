from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import __version__
from annotator.cli.main import cli
from annotator.core.models import Span
from annotator.store import Store

GOOD = (
    " date 2025-04-22 EN\n    Leaders meet in Astana\n\n    13:45, 22 April 2025\n\n"
    "    Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana.\n\n"
    "    Tokayev and Mirziyoyev\n    Photo credit: Akorda\n\n"
    "    The sides discussed trade.\n\n    Kazakhstan Uzbekistan\n    Jane Doe\n    Jane Doe\n"
    "    Автор\n"
)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_import_cmd_imports_corpus_then_reimport_is_noop(tmp_path, corpus_dir):
    db = str(tmp_path / "p.db")
    first = run("import", str(corpus_dir), "--db", db)
    assert first.exit_code == 0, first.output
    n = Store(db).count_articles()
    assert n >= 30
    assert f"{n} articles imported" in first.output
    dups = int(re.search(r"(\d+) already in the project", first.output).group(1))
    again = run("import", str(corpus_dir), "--db", db)
    assert again.exit_code == 0
    assert "0 articles imported" in again.output
    assert f"{n + dups} already in the project" in again.output
    assert Store(db).count_articles() == n


def test_import_cmd_bad_files_one_line_each_good_ones_imported(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "empty.txt").write_text("")
    (src / "cp1251.txt").write_bytes(GOOD.replace("Jane", "Жанна").encode("cp1251"))
    (src / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    (src / "baddate.txt").write_text(GOOD.replace("2025-04-22", "2025-02-30"), encoding="utf-8")
    (src / "big.txt").write_text(GOOD + ("    word " * 200_000), encoding="utf-8")
    lines = [
        json.dumps(
            {"text": "Astana hosts talks.", "spans": [{"start": 0, "end": 6, "label": "GPE"}]}
        ),
        "{broken",
        json.dumps({"meta": {}}),
    ]
    (src / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    res = CliRunner().invoke(cli, ["import", str(src), "--db", db, "--max-size", "1MB"])
    assert res.exit_code == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    named = {
        name: [e for e in errors if name in e]
        for name in [
            "empty.txt",
            "cp1251.txt",
            "garbage.txt",
            "baddate.txt",
            "big.txt",
            "mixed.jsonl",
        ]
    }
    assert all(len(v) >= 1 for v in named.values()), res.stderr
    assert len(named["mixed.jsonl"]) == 2  # the broken line and the object without text
    assert "--encoding" in named["cp1251.txt"][0]
    assert "Traceback" not in res.output + res.stderr
    assert "2 articles imported" in res.stdout
    store = Store(db)
    assert store.count_articles() == 2
    (row,) = [r for r in store.list_articles("x") if r.title.startswith("Astana")]
    assert [s.span.label for s, _ in store.suggestions(row.id, "x")] == ["GPE"]


def test_import_cmd_encoding_option_reads_cp1251(tmp_path):
    f = tmp_path / "ru.txt"
    f.write_bytes(GOOD.replace("EN", "RU").replace("Jane Doe", "Жанна Доу").encode("cp1251"))
    db = str(tmp_path / "p.db")
    res = run("import", str(f), "--db", db, "--encoding", "cp1251")
    assert res.exit_code == 0, res.output
    (row,) = Store(db).list_articles("x")
    assert row.lang == "ru"
    assert Store(db).get_article(row.id).meta["author"] == "Жанна Доу"


def test_import_cmd_encoding_of_a_folder_refuses_its_utf8_files_instead_of_garbling(tmp_path):
    """--encoding names the encoding of a folder's legacy files; a UTF-8 file beside them
    (valid UTF-8 with letters outside ASCII) would be stored garbled: it is refused with
    one line, the others are imported."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    ru = GOOD.replace("EN", "RU").replace("Jane Doe", "Жанна Доу")
    (folder / "legacy.txt").write_bytes(ru.encode("cp1251"))
    (folder / "modern.txt").write_bytes(ru.replace("Astana", "Almaty").encode("utf-8"))
    (folder / "plain.txt").write_bytes(GOOD.replace("Astana", "Aktau").encode("cp1251"))
    db = str(tmp_path / "p.db")
    res = run("import", str(folder), "--db", db, "--encoding", "cp1251")
    assert res.exit_code == 1, res.output
    errors = [ln for ln in res.stderr.splitlines() if "modern.txt" in ln]
    assert len(errors) == 1 and "UTF-8 text, but --encoding cp1251 was given" in errors[0]
    with Store(db) as store:
        authors = sorted(store.get_article(r.id).meta["author"] for r in store.list_articles("x"))
    assert authors == ["Jane Doe", "Жанна Доу"]  # nothing garbled ("Р–Р°РЅРЅР°")


def test_import_cmd_as_gold_marks_done_for_annotator(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text(
        json.dumps(
            {
                "text": "Tokayev visited Baku.",
                "spans": [
                    {"start": 0, "end": 7, "label": "PERSON"},
                    {"start": 16, "end": 20, "label": "GPE"},
                ],
            }
        )
    )
    db = str(tmp_path / "p.db")
    res = run("import", str(f), "--db", db, "--as-gold", "--annotator", "alice")
    assert res.exit_code == 0, res.output
    store = Store(db)
    (doc,) = store.iter_gold(annotator="alice")
    assert [s.label for s in doc.spans] == ["PERSON", "GPE"]
    assert [d.action for d in store.decisions(doc.article.id, "alice")] == ["import"]


def test_import_cmd_missing_path_and_usage_errors(tmp_path):
    db = str(tmp_path / "p.db")
    res = CliRunner().invoke(cli, ["import", str(tmp_path / "nope"), "--db", db])
    assert res.exit_code == 1 and "nope" in res.stderr
    usage = CliRunner().invoke(cli, ["import", "--format", "pdf", "x", "--db", db])
    assert usage.exit_code == 2


def test_import_cmd_db_defaults_to_env_variable(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(GOOD, encoding="utf-8")
    db = tmp_path / "env.db"
    res = run("import", str(f), env={"ANNOTATOR_DB": str(db)})
    assert res.exit_code == 0 and Store(db).count_articles() == 1


def test_stats_cmd_json_and_table(tmp_path, corpus_dir):
    db = str(tmp_path / "p.db")
    run("import", str(corpus_dir), "--db", db)
    res = run("stats", "--db", db, "--json")
    data = json.loads(res.output)
    assert data["articles"] >= 30 and {"en", "ru"} <= set(data["languages"])
    table = run("stats", "--db", db).output
    assert f"Articles: {data['articles']}" in table and "By language" in table


def test_cli_version_and_help_everywhere():
    from annotator.cli.main import COMMANDS

    assert __version__ in run("--version").output
    listed = run("--help").output
    for command in COMMANDS:
        assert command in listed
        res = run(command, "--help")
        assert res.exit_code == 0 and "--db" in res.output, command


@pytest.mark.slow
def test_cli_console_script_runs_without_qt(tmp_path):
    exe = Path(sys.executable).parent / "annotator"
    env = {**os.environ, "ANNOTATOR_DB": str(tmp_path / "x.db")}
    done = subprocess.run([exe, "stats"], capture_output=True, text=True, env=env)
    # a read-only command does not create a project where there is none
    assert done.returncode == 1 and "no such project" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.db").exists()
    f = tmp_path / "a.txt"
    f.write_text(GOOD, encoding="utf-8")
    assert subprocess.run([exe, "import", str(f)], env=env, capture_output=True).returncode == 0
    done = subprocess.run([exe, "stats"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "Articles: 1" in done.stdout


def test_stats_cmd_counts_articles_an_annotator_never_opened_as_new(tmp_path, corpus_dir):
    from annotator.core import commands as cmd

    db = str(tmp_path / "p.db")
    run("import", str(corpus_dir), "--db", db)
    with Store(db) as store:
        n = store.count_articles()
        store.apply(1, "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    data = json.loads(run("stats", "--db", db, "--json").output)
    assert data["status"] == {"ann": {"done": 1, "new": n - 1}}


def _gold_line(text: str, spans: list[tuple[int, int, str]], **extra) -> str:
    return json.dumps(
        {"text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}
        | extra
    )


def test_import_cmd_gold_for_articles_already_there_attaches_refuses_or_replaces(tmp_path):
    db = str(tmp_path / "p.db")
    raw, gold, other = (tmp_path / n for n in ("raw.jsonl", "gold.jsonl", "other.jsonl"))
    texts = ["Astana hosts talks.", "Tokayev visits Tashkent."]
    raw.write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n")
    gold.write_text(
        _gold_line(texts[0], [(0, 6, "GPE")]) + "\n" + _gold_line(texts[1], [(0, 7, "PERSON")])
    )
    other.write_text(_gold_line(texts[0], [(0, 6, "LOC")]) + "\n")
    assert run("import", str(raw), "--db", db).exit_code == 0
    res = run("import", str(gold), "--db", db, "--as-gold", "--annotator", "alice")
    assert res.exit_code == 0, res.output
    assert "2 already in the project, gold attached to 2 of them" in res.output
    with Store(db) as store:
        assert [len(store.gold_spans(i, "alice")) for i in (1, 2)] == [1, 1]
        assert [d.article.id for d in store.iter_gold(annotator="alice")] == [1, 2]
    res = run("import", str(other), "--db", db, "--as-gold", "--annotator", "alice")
    assert res.exit_code == 1
    assert f"error: {other}:1: alice already has different gold for this text" in res.stderr
    assert "--replace" in res.stderr and "1 refused" in res.stdout
    with Store(db) as store:
        assert [s.label for s in store.gold_spans(1, "alice")] == ["GPE"]
    args = ("import", str(other), "--db", db, "--as-gold", "--annotator", "alice", "--replace")
    res = run(*args)
    assert res.exit_code == 0 and "gold replaced on 1" in res.output
    with Store(db) as store:
        assert [s.label for s in store.gold_spans(1, "alice")] == ["LOC"]


def test_import_cmd_plain_text_as_gold_stays_plain_unless_empty_is_gold(tmp_path):
    db = str(tmp_path / "p.db")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "b.txt").write_text("Second title\n\nSecond body.", encoding="utf-8")
    res = run("import", str(src), "--db", db, "--as-gold", "--annotator", "alice")
    assert res.exit_code == 0
    assert "2 had no annotations (or were answered reject) and were not made gold" in res.output
    with Store(db) as store:
        assert list(store.iter_gold(annotator="alice")) == []
        assert store.status(1, "alice") == "new"
    res = run(
        "import", str(src), "--db", db, "--as-gold", "--annotator", "alice", "--empty-is-gold"
    )
    assert res.exit_code == 0 and "gold attached to 2 of them" in res.output
    with Store(db) as store:
        assert [(d.spans, d.events) for d in store.iter_gold(annotator="alice")] == [([], [])] * 2


def test_import_cmd_replace_needs_as_gold(tmp_path):
    res = CliRunner().invoke(cli, ["import", str(tmp_path), "--replace", "--db", "x.db"])
    assert res.exit_code == 2 and "only apply with --as-gold" in res.output


def test_import_cmd_foreign_sqlite_file_is_one_line_and_untouched(tmp_path):
    import sqlite3

    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE settings(k, v)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    text = tmp_path / "a.txt"
    text.write_text(GOOD, encoding="utf-8")
    res = run("import", str(text), "--db", str(path))
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"error: {path}: not an annotator project (an SQLite database of another program); "
        "choose a new file name for a project"
    ]
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("PRAGMA query_only=1", "the project file (or its folder) is read-only"),
        ("PRAGMA max_page_count={pages}", "the disk is full"),
    ],
)
def test_import_cmd_read_only_and_full_disk_say_what_they_are(
    tmp_path, monkeypatch, pragma, expected
):
    """Real SQLite failures, provoked through the connection the command opens."""
    from annotator.cli import common

    db = tmp_path / "p.db"
    text = tmp_path / "a.txt"
    text.write_text(GOOD.replace("trade", "trade " * 3000), encoding="utf-8")
    opened = common.open_store

    def crippled(path, **kw):
        store = opened(path, **kw)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(pragma.format(pages=pages))
        return store

    run("stats", "--db", str(db))  # nothing yet: refused (read-only command)
    Store(db).close()
    monkeypatch.setattr("annotator.cli.import_cmd.open_store", crippled)
    res = run("import", str(text), "--db", str(db))
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"error: {expected}"]
    assert Store(db).count_articles() == 0


def test_import_cmd_bad_lang_option_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(
        cli, ["import", str(tmp_path), "--lang", "../../x", "--db", str(tmp_path / "p.db")]
    )
    assert res.exit_code == 2 and "bad language code '../../x'" in res.output
    assert not (tmp_path / "p.db").exists()


def test_import_cmd_prodigy_answers_ignore_skipped_reject_not_gold(tmp_path):
    src = tmp_path / "prodigy.jsonl"
    lines = [
        _gold_line("Astana hosts talks.", [(0, 6, "GPE")], answer="accept"),
        _gold_line("Tokayev visits Tashkent.", [(0, 7, "PERSON")], answer="reject"),
        _gold_line("Nothing here.", [], answer="ignore"),
    ]
    src.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "p.db")
    res = run("import", str(src), "--db", db, "--as-gold", "--annotator", "alice")
    assert res.exit_code == 0, res.output
    assert res.stderr.startswith(f"skipped: {src}:3: ")
    assert "2 articles imported" in res.stdout and "1 had no annotations" in res.stdout
    with Store(db) as store:
        gold = [(d.article.text, d.spans) for d in store.iter_gold(annotator="alice")]
        assert gold == [("Astana hosts talks.", [Span(0, 6, "GPE")])]
        assert [s.span for s, st in store.suggestions(2, "alice")] == [Span(0, 7, "PERSON")]


def test_import_cmd_nul_escapes_and_structured_attributes_are_one_line_each(tmp_path):
    src = tmp_path / "tricky.jsonl"
    lines = [
        '{"text": "Nul\\u0000 here Astana", "spans": [{"start": 10, "end": 16, "label": "GPE"}]}',
        json.dumps(
            {
                "text": "Attributes here.",
                "events": [
                    {"trigger": {"start": 0, "end": 5}, "type": "Meet", "attributes": {"x": [1]}}
                ],
            }
        ),
        _gold_line("Astana hosts talks.", [(0, 6, "GPE")]),
    ]
    src.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "p.db")
    res = run("import", str(src), "--db", db, "--as-gold", "--annotator", "al")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"error: {src}:1: the text contains a NUL character (at 3)",
        f"error: {src}:2: events[0].attributes.x must be a string, number, true/false or null, "
        "found a list",
    ]
    assert "1 article imported" in res.stdout


def test_import_cmd_an_encoding_that_cannot_read_the_file_is_one_line(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Title\n\nBody.\n", encoding="utf-8")
    res = run("import", str(text), "--encoding", "punycode", "--db", str(tmp_path / "p.db"))
    assert res.exit_code == 1
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"error: {text}: cannot be read as punycode: ")


def test_import_cmd_control_characters_in_names_are_refused(tmp_path):
    src = tmp_path / "names.jsonl"
    event = {"trigger": {"start": 0, "end": 6}, "type": "Me\u0000et", "attributes": {"N": "a\tb"}}
    src.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "text": "Astana talks",
                        "spans": [{"start": 0, "end": 6, "label": "PER\u0000SON"}],
                    }
                ),
                json.dumps({"text": "Astana meets", "events": [event]}),
                _gold_line("Good one", [(0, 4, "X")]),
            ]
        )
        + "\n"
    )
    res = run("import", str(src), "--db", str(tmp_path / "p.db"), "--as-gold", "--annotator", "a")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"error: {src}:1: label 'PER\\x00SON' holds a control character",
        f"error: {src}:2: event type 'Me\\x00et' holds a control character; "
        "attribute value 'a\\tb' holds a control character",
    ]
    assert "1 article imported" in res.stdout
