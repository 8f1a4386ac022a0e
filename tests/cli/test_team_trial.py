"""A new-user trial of the team commands: assign, split, merge and agree, each finding
as a test that failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store

TEXTS = [f"Tokayev met Mirziyoyev in Astana, story {i}." for i in range(6)]


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _err(result) -> str:
    return result.stderr if hasattr(result, "stderr") else result.output


def _file(path: Path, who: str, label: str = "PERSON", articles: int = 4) -> Path:
    with Store(path) as s:
        s.add_docs([ParsedDoc(t, lang="en") for t in TEXTS])
        for aid in range(1, articles + 1):
            spans = (cmd.add_span(Span(0, 7, "PERSON")), cmd.add_span(Span(12, 22, label)))
            s.apply(aid, who, cmd.Command("add", spans))
            s.apply(aid, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    return path


def test_team_trial_assign_refuses_the_adjudicators_name(tmp_path):
    team = _file(tmp_path / "t.db", "alice")
    out = run("assign", "--db", team, "--annotators", "gold,bob", "--overlap", "1")
    assert out.exit_code == 2
    lines = _err(out).strip().splitlines()
    assert len(lines) == 1 and "'gold' is the name of the adjudicated version" in lines[0]
    with Store(team) as s:
        assert s.db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_team_trial_merge_names_a_bad_file_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _file(tmp_path / "e.db", "alice")
    out = CliRunner().invoke(cli, ["merge", "e.db", "missing.db", "--into", "e.db"])
    assert out.exit_code == 1
    assert _err(out).strip().splitlines() == [
        "error: e.db: is the target itself",
        "error: missing.db: no such project file",
    ]
