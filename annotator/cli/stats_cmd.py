"""``annotator stats``: what the project holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.store.stats import project_stats
from annotator.store.team import team_stats


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
        n = m["articles"]
        lines.append(f"Model {m['model']} {m['version']}: ran on {n:,} article{'s' * (n != 1)}")
    lines += _table("Gold entity labels", stats["gold_spans"])
    lines += _table("Gold event types", stats["gold_events"])
    lines += _table("Annotators (decisions)", stats["annotators"])
    unclean = stats["unclean_gold"]
    if unclean["count"]:
        lines.append(
            "Gold spans with whitespace or invisible characters at an edge, or across a "
            f"paragraph break: "
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
    lines += render_team(stats.get("team"))
    return "\n".join(lines)


def render_team(team: dict[str, Any] | None) -> list[str]:
    """Progress on assignments, agreement so far, articles waiting for adjudication."""
    if not team:
        return []
    lines = []
    for who, p in team["progress"].items():
        lines.append(
            f"Assigned to {who}: {p['assigned']:,} ({p.get('done', 0):,} done, "
            f"{p.get('in_progress', 0):,} in progress, {p.get('skipped', 0):,} skipped, "
            f"{p['to_do']:,} to do)"
        )
    agreement = team["agreement"]
    if agreement:
        fig = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
        # each figure on its own articles (as `annotator agree` says): the pairs' means on
        # what each pair did, α on those done by two or more with full entity gold, α_U on
        # those done by all with it
        two = agreement.get("articles_two_or_more_full_entities")
        everyone = agreement.get("articles_all_annotators_full_entities")
        lines.append(
            f"Agreement so far ({agreement['articles']:,} articles done by two or more): "
            f"pairs' mean Cohen κ {fig(agreement['mean_cohen_kappa'])}, span F1 "
            f"{fig(agreement['mean_span_f1_exact'])}; α (tokens) "
            f"{fig(agreement['alpha_nominal'])} on {two:,} with full entity gold; α_U "
            f"{fig(agreement['alpha_unitizing'])} on the {everyone:,} done by all with it "
            "(details: annotator agree)"
        )
    waiting = team["waiting_for_adjudication"]
    if waiting["count"]:
        ids = ", ".join(map(str, waiting["examples"]))
        lines.append(f"Waiting for adjudication: {waiting['count']:,} articles (e.g. {ids})")
    return lines


@click.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@user_errors
def stats_cmd(db: Path | None, as_json: bool) -> None:
    """Articles by language and status, suggestion and gold counts by label, annotators;
    per-annotator progress on assignments, agreement so far, articles waiting for
    adjudication."""
    with open_store(db, create=False) as store:
        stats = project_stats(store)
        stats["team"] = team_stats(store)
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json else render(stats))
