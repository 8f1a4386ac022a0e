"""A team's gold exported and imported back stays each annotator's: JSONL records carry
``_annotator_id``, a brat export of several annotators notes each file's annotator. Without
--annotator each record or file goes to the annotator it names; with --annotator NAME the
other annotators' brat files are left out and counted (a new-user trial got bob's gold
imported as alice's, and all of it as the OS user's)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store

TEXTS = [f"Tokayev met Putin in Astana, story {i}." for i in range(3)]
VERSIONS = {"alice": "PERSON", "bob": "ORG"}


def _team(path) -> str:
    with Store(path) as s:
        s.add_docs([ParsedDoc(t, lang="en") for t in TEXTS])
        for aid in (1, 2, 3):
            for who, label in VERSIONS.items():
                s.apply(aid, who, cmd.Command("add", (cmd.add_span(Span(0, 7, label)),)))
                s.apply(aid, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    return str(path)


def _gold(path) -> dict[str, set[str]]:
    with Store(path) as s:
        rows = s.db.execute("SELECT annotator, label FROM gold_spans").fetchall()
    out: dict[str, set[str]] = {}
    for who, label in rows:
        out.setdefault(who, set()).add(label)
    return out


def _run(*args):
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res


def _export_jsonl(db: str, out) -> None:
    """Each annotator's gold exported, the files joined (one file holding the team)."""
    parts = []
    for who in VERSIONS:
        part = out.with_name(f"{who}.jsonl")
        _run("export", "--format", "jsonl", "--out", part, "--db", db, "--annotator", who)
        parts.append(part.read_text())
    out.write_text("".join(parts))


def test_team_round_trip_jsonl_each_record_goes_to_its_annotator(tmp_path):
    db = _team(tmp_path / "team.db")
    out = tmp_path / "all.jsonl"
    _export_jsonl(db, out)
    again = tmp_path / "again.db"
    _run("import", out, "--db", again, "--as-gold")
    assert _gold(again) == {"alice": {"PERSON"}, "bob": {"ORG"}}


@pytest.mark.parametrize("annotator", [None, "alice"])
def test_team_round_trip_brat_files_name_their_annotator(tmp_path, annotator):
    from annotator.io.brat import write_brat

    db = _team(tmp_path / "team.db")
    with Store(db) as s:
        items = [("", doc) for doc in s.iter_gold()]
    assert {doc.annotator for _, doc in items} == {"alice", "bob"}
    out = tmp_path / "teamb"
    write_brat(items, out)
    anns = sorted(p.read_text() for p in out.glob("*.ann"))
    assert sum("annotator: bob" in a for a in anns) == 3
    again = tmp_path / "again.db"
    extra = ["--annotator", annotator] if annotator else []
    res = _run("import", out, "--db", again, "--as-gold", "--lang", "en", *extra)
    if annotator:
        assert _gold(again) == {"alice": {"PERSON"}}
        assert "3 files of other annotators" in res.stderr
    else:
        assert _gold(again) == {"alice": {"PERSON"}, "bob": {"ORG"}}


def test_team_round_trip_export_says_what_a_team_export_doubles_or_leaves_out(tmp_path):
    """Without --annotator, before adjudication every annotator's version is written side
    by side (said, with how many), and once adjudication began only the adjudicated
    articles are (said, with how many are left out): a new-user trial met both silently."""
    db = _team(tmp_path / "team.db")
    res = CliRunner().invoke(cli, ["export", "--format", "jsonl", "--out",
                                   str(tmp_path / "a.jsonl"), "--db", db])  # fmt: skip
    assert res.exit_code == 0
    assert "3 articles are in this export once per annotator (up to 2 versions" in res.stderr
    with Store(db) as s:
        s.apply(1, "gold", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
        s.apply(1, "gold", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    res = CliRunner().invoke(cli, ["export", "--format", "jsonl", "--out",
                                   str(tmp_path / "b.jsonl"), "--db", db])  # fmt: skip
    assert res.exit_code == 0
    assert "2 articles the annotators finished are not adjudicated yet" in res.stderr
    args = ["export", "--format", "jsonl", "--out", str(tmp_path / "c.jsonl"), "--db", db]
    one = CliRunner().invoke(cli, [*args, "--annotator", "bob"])
    assert one.exit_code == 0 and "adjudicat" not in one.stderr
