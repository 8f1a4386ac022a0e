"""--format brat on a file that is no brat document (a new user's .jsonl came in as an
article of raw JSON, language xx, no warning): one line naming the file, nothing stored."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.store import Store


def test_brat_format_forced_on_a_jsonl_file_is_one_error_line(tmp_path):
    src = tmp_path / "trunc.jsonl"
    src.write_text('{"text": "Tokayev met Mirziyoyev in Astana."}\n', "utf-8")
    db = tmp_path / "p.db"
    res = CliRunner().invoke(cli, ["import", str(src), "--db", str(db), "--format", "brat"])
    assert res.exit_code == 1, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "trunc.jsonl" in errors[0] and "not a brat document" in errors[0]
    with Store(db) as store:
        assert store.count_articles() == 0


def test_brat_format_forced_on_a_txt_with_its_ann_still_reads(tmp_path):
    (tmp_path / "doc.txt").write_text("Tokayev met Mirziyoyev.", "utf-8")
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 7\tTokayev\n", "utf-8")
    db = tmp_path / "p.db"
    res = CliRunner().invoke(
        cli,
        [
            "import",
            str(tmp_path / "doc.txt"),
            "--db",
            str(db),
            "--format",
            "brat",
            "--as-gold",
            "--annotator",
            "a",
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    with Store(db) as store:
        (gold,) = list(store.iter_gold())
        assert [s.label for s in gold.spans] == ["PERSON"]
