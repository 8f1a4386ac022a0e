"""``annotator stats``: what the project holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.store.stats import project_stats


def _table(title: str, counts: dict[str, int]) -> list[str]:
    if not counts:
        return [f"{title}: none"]
    width = max(len(k) for k in counts)
    return [f"{title}:"] + [f"  {k:<{width}}  {v:>8,}" for k, v in counts.items()]


def render(stats: dict[str, Any]) -> str:
    lines = [f"Articles: {stats['articles']:,}"]
    lines += _table("By language", stats["languages"])
    for who, counts in stats["status"].items():
        lines += _table(f"Status for {who}", counts)
    for kind, counts in stats["suggestions"].items():
        lines += _table(f"Suggested {kind} labels", counts)
    for m in stats["models"]:
        lines.append(f"Model {m['model']} {m['version']}: ran on {m['articles']:,} articles")
    lines += _table("Gold entity labels", stats["gold_spans"])
    lines += _table("Gold event types", stats["gold_events"])
    lines += _table("Annotators (decisions)", stats["annotators"])
    unclean = stats["unclean_gold"]
    if unclean["count"]:
        lines.append(
            f"Gold spans with whitespace at an edge or across a paragraph break: "
            f"{unclean['count']:,} (the first below; fix them in the window)"
        )
        lines += [f"  {line}" for line in unclean["examples"]]
    misfit = stats["misfit_arguments"]
    if misfit["count"]:
        lines.append(
            f"Event arguments whose entity label the role does not take: {misfit['count']:,} "
            "(flagged ⚠ in the window)"
        )
        lines += [f"  {line}" for line in misfit["examples"]]
    return "\n".join(lines)


@click.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@user_errors
def stats_cmd(db: Path | None, as_json: bool) -> None:
    """Articles by language and status, suggestion and gold counts by label, annotators."""
    with open_store(db, create=False) as store:
        stats = project_stats(store)
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json else render(stats))
