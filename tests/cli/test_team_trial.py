"""A new-user trial of the team commands: assign, split, merge and agree, each finding
as a test that failed on the code before its fix."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from test_team_cmds import _file, annotate

from annotator.cli.main import cli
from annotator.store import Store
from annotator.store.audit import check


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _err(result) -> str:
    return result.stderr if hasattr(result, "stderr") else result.output


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


def _gold_jsonl(path: Path, n: int, label: str = "PERSON") -> Path:
    """``n`` articles with a span and an event with an argument and attributes."""
    rows = []
    for i in range(n):
        text = f"Tokayev visited Astana on Monday, story {i}."
        rows.append(
            {
                "text": text,
                "meta": {"lang": "en"},
                "spans": [
                    {"start": 0, "end": 7, "label": label},
                    {"start": 16, "end": 22, "label": "GPE"},
                ],
                "events": [
                    {
                        "trigger": {"start": 8, "end": 15},
                        "type": "Visit",
                        "arguments": [{"role": "Place", "start": 16, "end": 22, "label": "GPE"}],
                        "attributes": {"Negation": False, "Modality": "actual"},
                    }
                ],
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _import_gold(db: Path, source: Path, who: str = "ann1") -> None:
    out = run("import", source, "--db", db, "--as-gold", "--annotator", who, "--lang", "en")
    assert out.exit_code == 0, out.output


def test_team_trial_merge_the_same_gold_imported_twice_is_no_clash(tmp_path):
    source = _gold_jsonl(tmp_path / "g.jsonl", 3)
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _import_gold(a, source)
    _import_gold(b, source)  # other event uids, other decision times: the same gold
    out = run("merge", a, "--into", b)
    assert out.exit_code == 0, out.output
    assert "3 with the same gold already" in out.output and "clash" not in out.output
    with Store(b) as s:
        assert check(s) == []


def test_team_trial_merge_real_clashes_are_capped_with_a_count(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _import_gold(a, _gold_jsonl(tmp_path / "g.jsonl", 25))
    _import_gold(b, _gold_jsonl(tmp_path / "h.jsonl", 25, label="ORG"))
    out = run("merge", a, "--into", b)
    assert out.exit_code == 1
    lines = _err(out).strip().splitlines()
    assert len(lines) == 21
    assert all("different decisions" in line for line in lines[:20])
    assert lines[-1] == f"{a}: ... and 5 more articles not merged (25 in all)"
    assert "25 clashes" in out.stdout


def test_team_trial_merge_gold_differing_only_in_an_event_attribute_is_a_clash(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    source = _gold_jsonl(tmp_path / "g.jsonl", 1)
    _import_gold(a, source)
    other = source.read_text(encoding="utf-8").replace('"actual"', '"hypothetical"')
    (tmp_path / "h.jsonl").write_text(other, encoding="utf-8")
    _import_gold(b, tmp_path / "h.jsonl")
    out = run("merge", a, "--into", b)
    assert out.exit_code == 1 and "1 clashes" in out.stdout


def _team(tmp_path: Path) -> Path:
    """alice and bob on articles 1-4, carol on 1-2 (another label for Mirziyoyev)."""
    team = _file(tmp_path / "team.db", "alice")
    with Store(team) as s:
        for who, label, articles in (("bob", "PERSON", 4), ("carol", "ORG", 2)):
            annotate(s, who, label, articles)
    return team


def test_team_trial_agree_an_unknown_label_is_one_usage_error(tmp_path):
    team = _team(tmp_path)
    out = run("agree", "--db", team, "--label", "NOPE")
    assert out.exit_code == 2
    (line,) = _err(out).strip().splitlines()
    assert line.startswith("error: --label NOPE: no annotator used it")
    assert "labels used: ORG, PERSON" in line
    # a label of the label set nobody used is no error: its figures are "-", never 1.000
    fac = run("agree", "--db", team, "--label", "FAC")
    assert fac.exit_code == 0 and "1.000" not in fac.output
    assert "lowest span agreement" not in fac.output


def test_team_trial_agree_says_what_each_overall_figure_is_computed_on(tmp_path):
    out = run("agree", "--db", _team(tmp_path))
    assert out.exit_code == 0, out.output
    text = out.output
    assert "on 4 articles done by one or more (4 by two or more, 2 by all)" in text
    # α over the 4 articles two or more did; Fleiss κ and α_U over the 2 all three did
    assert re.search(
        r"\n  Fleiss κ 0\.794, α_U \(spans\) 0\.292: on the 2 articles done by all 3\n", text
    )
    assert "\n  Krippendorff α (tokens) 0.876: on the 4 articles done by two or more\n" in text
    assert "α_U on the 2 articles done by all):" in text


def test_team_trial_agree_prints_a_tiny_negative_figure_as_zero():
    from annotator.cli.agree_cmd import _f

    assert _f(-0.00001) == " 0.000" and _f(-0.0) == " 0.000" and _f(-0.25) == "-0.250"


def test_team_trial_split_refuses_a_name_with_no_assignments_and_no_work(tmp_path):
    team = _team(tmp_path)
    out = run("split", "--db", team, "--annotator", "zed", "--out", tmp_path / "zed.db")
    assert out.exit_code == 1 and not (tmp_path / "zed.db").exists()
    (line,) = _err(out).strip().splitlines()
    assert line.startswith("error: zed: no assignments and no work in team.db")
    assert "alice (0 assigned, 4 with work)" in line and "--all-articles" in line
    new = run("split", "--db", team, "--annotator", "zed", "--out", tmp_path / "zed.db",
              "--all-articles")  # fmt: skip
    assert new.exit_code == 0 and "6 articles for zed" in new.output


def test_team_trial_split_onto_an_existing_file_says_what_it_kept(tmp_path):
    team = _team(tmp_path)
    carol = tmp_path / "carol.db"
    first = run("split", "--db", team, "--annotator", "carol", "--out", carol)
    assert first.exit_code == 0 and "(2 with their work)" in first.output
    again = run("split", "--db", team, "--annotator", "carol", "--out", carol)
    assert again.exit_code == 0, again.output
    assert f"{carol} exists: added 0 articles (6 there now)" in again.output
    assert "their work on 2 articles there, 2 done" in again.output
    # another annotator's file is not a target unless asked
    bob = run("split", "--db", team, "--annotator", "bob", "--out", carol)
    assert bob.exit_code == 1
    (line,) = _err(bob).strip().splitlines()
    assert "holds the work of carol" in line and "--keep-others" in line
    with Store(carol) as s:
        assert s.annotators() == ["carol"]
    both = run("split", "--db", team, "--annotator", "bob", "--out", carol, "--keep-others")
    assert both.exit_code == 0 and "bob's work: 4 articles copied in" in both.output
