"""Label Studio: a refusal made after a task was read names the task by its id, like the
reader's own error lines (they named only the file: new-user trial)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli.main import cli

TEXT = "Tokayev met Putin in Astana."


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_label_studio_refusals_made_after_reading_name_the_task(tmp_path):
    """A refusal made after the task was read (here the span rule under --as-gold) names
    the task by its id, as the reader's own error lines do."""

    def task(tid: int, text: str, start: int, end: int, label: str) -> dict:
        value = {"start": start, "end": end, "labels": [label]}
        result = {"id": "r", "from_name": "label", "to_name": "text", "type": "labels",
                  "value": value}  # fmt: skip
        return {"id": tid, "data": {"text": text}, "annotations": [{"id": 1, "result": [result]}]}

    src = tmp_path / "tasks.json"
    src.write_text(json.dumps([
        task(4241, TEXT, 0, 7, "PERSON"),
        task(4242, "Second text about Almaty.", 17, 24, "GPE"),  # " Almaty"
    ]), encoding="utf-8")  # fmt: skip
    res = _run("import", str(src), "--db", str(tmp_path / "p.db"), "--as-gold", "--annotator", "a")
    errors = [x for x in res.output.splitlines() if x.startswith("error:")]
    assert len(errors) == 1, res.output
    assert errors[0].startswith(f"error: {src}: task id 4242: span 17..24 (GPE) ' Almaty'")
