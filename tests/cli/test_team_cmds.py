"""merge, split, assign, agree and stats from the command line, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store
from annotator.store.audit import check
from annotator.store.team import ADJUDICATOR, default_export_annotator

TEXTS = [f"Tokayev met Mirziyoyev in Astana, story {i}." for i in range(6)]


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def annotate(s: Store, who: str, label: str = "PERSON", articles: int = 4) -> None:
    """``who`` marks Tokayev (PERSON) and Mirziyoyev (``label``) in the first articles,
    each done."""
    for aid in range(1, articles + 1):
        spans = (cmd.add_span(Span(0, 7, "PERSON")), cmd.add_span(Span(12, 22, label)))
        s.apply(aid, who, cmd.Command("add", spans))
        s.apply(aid, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))


def _file(path: Path, who: str, label: str = "PERSON", articles: int = 4) -> Path:
    with Store(path) as s:
        s.add_docs([ParsedDoc(t, lang="en") for t in TEXTS])
        annotate(s, who, label, articles)
    return path


def test_team_cmds_merge_assign_agree_stats_split_round_trip(tmp_path):
    a = _file(tmp_path / "a.db", "alice")
    b = _file(tmp_path / "b.db", "bob", label="ORG")
    team = tmp_path / "team.db"
    done = run("merge", a, b, "--into", team)
    assert done.exit_code == 0, done.output
    assert "4 added" in done.output
    again = run("merge", b, a, "--into", team)
    assert again.exit_code == 0 and "0 added" in again.output
    out = run("assign", "--db", team, "--annotators", "alice,bob", "--overlap", "2")
    assert out.exit_code == 0 and "Assigned 6 articles" in out.output
    report = run("agree", "--db", team, "--json", "--plot", tmp_path / "agree.png")
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    (pair,) = data["pairs"]
    assert pair["articles"] == 4 and pair["span_exact"]["f1"] == 0.5
    assert (tmp_path / "agree.png").read_bytes()[:4] == b"\x89PNG"
    table = run("agree", "--db", team, "--label", "PERSON")
    assert table.exit_code == 0 and "alice – bob" in table.output
    stats = run("stats", "--db", team)
    assert "Assigned to alice: 6 (4 done" in stats.output
    assert "Waiting for adjudication: 4 articles" in stats.output
    assert "Agreement so far (4 articles" in stats.output
    # each figure says its base (α_U is on the articles done by all, not by two or more)
    assert "α (tokens) " in stats.output and " on the 4 done by all with it" in stats.output
    split = run("split", "--db", team, "--annotator", "bob", "--out", tmp_path / "bob.db")
    assert split.exit_code == 0, split.output
    with Store(tmp_path / "bob.db") as s:
        assert s.annotators() == ["bob"] and s.count_articles() == 6 and check(s) == []
    with Store(team) as s:
        assert default_export_annotator(s) is None
        s.apply(1, ADJUDICATOR, cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
        assert default_export_annotator(s) == ADJUDICATOR
    stats = run("stats", "--db", team, "--json")
    assert json.loads(stats.output)["team"]["waiting_for_adjudication"]["count"] == 3


def test_team_cmds_merge_reports_a_clash_and_bad_files_and_goes_on(tmp_path):
    a = _file(tmp_path / "a.db", "alice")
    other = _file(tmp_path / "other.db", "alice", label="ORG")
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    team = tmp_path / "team.db"
    result = CliRunner().invoke(cli, ["merge", str(a), str(junk), str(other), "--into", str(team)])
    assert result.exit_code == 1
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert "junk.db: not an annotator project" in err
    assert err.count("annotator 'alice' has different decisions") == 4
    fixed = run("merge", other, "--into", team, "--rename", f"{other}:alice=alice2")
    assert fixed.exit_code == 0, fixed.output
    with Store(team) as s:
        assert s.annotators() == ["alice", "alice2"] and check(s) == []
    bad = CliRunner().invoke(cli, ["merge", str(a), "--into", str(team), "--rename", "x"])
    assert bad.exit_code == 2


def test_team_cmds_assign_and_agree_usage_errors(tmp_path):
    team = _file(tmp_path / "t.db", "alice")
    bad = CliRunner().invoke(
        cli, ["assign", "--db", str(team), "--annotators", "a", "--overlap", "2"]
    )
    assert bad.exit_code == 2 and "overlap 2" in bad.output
    # it said "needs between 1 and 1" (new-user trial)
    assert "would need 2 different annotators, and --annotators names 1 annotator" in bad.output
    lone = CliRunner().invoke(cli, ["agree", "--db", str(team)])
    assert lone.exit_code == 1 and "two or more annotators" in lone.output
    with Store(team) as s:
        annotate(s, "bob")
    typo = CliRunner().invoke(cli, ["agree", "--db", str(team), "--annotators", "alice,zed,bob"])
    assert typo.exit_code == 0, typo.output
    assert "note: no article marked done by 'zed' (a name misspelt, or no work yet)" in typo.output


def test_team_cmds_merge_while_an_annotator_writes_to_the_target(tmp_path):
    """A second process keeps deciding in the team project while merge runs: both land."""
    a = _file(tmp_path / "a.db", "alice")
    team = tmp_path / "team.db"
    with Store(team) as s:
        s.add_docs([ParsedDoc("Something else entirely.", lang="en")])
    procs = Path(__file__).resolve().parents[1] / "store" / "procs.py"
    writer = subprocess.Popen(
        [sys.executable, str(procs), "decide", str(team), "1", "carol", "30", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    result = run("merge", a, "--into", team)
    out, _ = writer.communicate(timeout=300)
    assert result.exit_code == 0, result.output
    assert json.loads(out.strip().splitlines()[-1])["finished"]
    with Store(team) as s:
        assert check(s) == [] and s.count_articles() == 7
        assert len(s.decisions(1, "carol")) > 0


def test_team_cmds_merge_of_a_split_made_before_any_work_is_older_not_a_clash(tmp_path):
    """A file split off before its annotator started (assignments, no work) merged back
    into the team project that holds their work since: older than the target's, no clash
    (it reported a clash per article and exit 1: new-user trial)."""
    team = tmp_path / "team.db"
    with Store(team) as s:
        s.add_docs([ParsedDoc(t, lang="en") for t in TEXTS])
    assert run("assign", "--db", team, "--annotators", "ann1").exit_code == 0
    old = tmp_path / "ann1_old.db"
    assert run("split", "--db", team, "--annotator", "ann1", "--out", old).exit_code == 0
    with Store(team) as s:
        annotate(s, "ann1", articles=3)
    res = run("merge", old, "--into", team)
    assert res.exit_code == 0, res.output
    assert "older than the target's" in res.output and "clash" not in res.output
    with Store(team) as s:
        assert len(s.gold_spans(1, "ann1")) == 2 and check(s) == []


def test_team_cmds_a_merge_that_merges_nothing_leaves_no_new_target(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    for source in (tmp_path / "nothere.db", junk):
        target = tmp_path / f"new-{source.stem}.db"
        res = CliRunner().invoke(cli, ["merge", str(source), "--into", str(target)])
        assert res.exit_code == 1
        assert not target.exists() and not list(tmp_path.glob(f"{target.name}-*"))
    kept = _file(tmp_path / "kept.db", "alice")  # an existing target stays whatever happens
    res = CliRunner().invoke(cli, ["merge", str(junk), "--into", str(kept)])
    assert res.exit_code == 1 and kept.exists()
