"""``annotator train``: an NER model from the project's gold, compared with its base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import db_option, lang_param, open_store, user_errors
from annotator.workflows.training import BLANK, TrainResult, train


def _scores_table(result: TrainResult) -> list[str]:
    new = result.scores.get("entities", {})
    base = result.base_scores.get("entities", {})
    labels = sorted(set(new.get("by_label", {})) | set(base.get("by_label", {})))
    head = f"  {'label':<14} {'new P':>6} {'R':>6} {'F1':>6}   {'base P':>6} {'R':>6} {'F1':>6}"
    if not result.scores.get("docs", 0):  # every held-out article's entity gold is partial
        return [
            f"Entities: nothing to score: the {result.heldout_docs} held-out gold articles "
            "mark entities only partly (an entity they leave out is no error); mark articles "
            "done with every entity decided to score them"
        ]
    lines = [f"Entities on {result.scores.get('docs', 0)} held-out gold articles:", head]

    def row(name: str, n: dict[str, Any], b: dict[str, Any]) -> str:
        def f(d: dict[str, Any], k: str) -> str:
            return f"{d[k]:6.3f}" if k in d else f"{'—':>6}"

        cells = " ".join(f(n, k) for k in ("precision", "recall", "f1"))
        cells += "   " + " ".join(f(b, k) for k in ("precision", "recall", "f1"))
        return f"  {name:<14} {cells}"

    for label in labels:
        lines.append(row(label, new.get("by_label", {}).get(label, {}),
                         base.get("by_label", {}).get(label, {})))  # fmt: skip
    lines.append(row("all", new.get("all", {}), base.get("all", {})))
    return lines


@click.command("train")
@db_option
@click.option("--lang", default="en", show_default=True, callback=lang_param,
              help="Train on the gold of this language.")  # fmt: skip
@click.option(
    "--base",
    default="en_core_web_sm",
    show_default=True,
    help=f"Pipeline to fine-tune (its tagger and parser are kept), or '{BLANK}'.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the data, config and model (default: models/NAME beside the project).",
)
@click.option("--max-steps", default=1000, show_default=True, type=click.IntRange(1),
              help="Training steps (Ctrl+C stops early and keeps the best model).")  # fmt: skip
@click.option(
    "--annotator",
    default=None,
    help="Whose gold (default: the adjudicated 'gold', else each article's first).",
)
@click.option("--name", default=None, help="Register the model under this name "
              "(default: trained-LANG); versions count up.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@user_errors
def train_cmd(
    db: Path | None,
    lang: str,
    base: str,
    out: Path | None,
    max_steps: int,
    annotator: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Train an NER model on the project's gold with spaCy, print its P/R/F1 by label next
    to the base model's on the same held-out gold, and register it in the project (use it
    with `annotator suggest --model NAME`)."""
    with open_store(db, create=False) as store:
        folder = out or (store.path.parent if store.path else Path.cwd()) / "models" / (
            name or f"trained-{lang}"
        )
        result = train(
            store,
            folder,
            lang=lang,
            base=base,
            annotator=annotator,
            max_steps=max_steps,
            name=name,
            on_line=lambda line: click.echo(line, err=True),
        )
    if as_json:
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(result).items()}
        click.echo(json.dumps(data, indent=2))
        return
    click.echo("\n".join(_scores_table(result)))
    how = " (stopped early: the best model so far)" if result.stopped else ""
    click.echo(
        f"Registered {result.name}@{result.version}{how}: {result.path} "
        f"(use: annotator suggest --model {result.name})"
    )
