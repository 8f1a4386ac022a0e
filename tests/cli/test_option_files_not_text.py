"""A --schema or --config file that is not UTF-8 text (a binary file given by mistake):
one line naming the file, exit 1 (it said "'utf-8' codec can't decode byte 0xbf in
position 6" without naming any file: new-user trial)."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store


def test_binary_schema_and_config_files_are_named(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as s:
        s.add_docs([ParsedDoc("Tokayev met Putin.", lang="en", spans=[Span(0, 7, "PERSON")])])
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"ab\xbf\xfe\x00cd")
    runs = {
        "schema": ["export", "--format", "brat", "--out", tmp_path / "b", "--status", "any",
                   "--suggestions", "--schema", junk],
        "pipeline config": ["suggest", "--config", junk],
    }  # fmt: skip
    for what, args in runs.items():
        res = CliRunner().invoke(cli, [*map(str, args), "--db", str(db)])
        assert res.exit_code == 1, res.output
        assert f"{junk}: not a {what}: not UTF-8 text (byte 2: invalid start byte)" in res.output
        assert "Traceback" not in res.output
