"""``annotator assign``: hand each article to N annotators, balanced and deterministic."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import db_option, fail, open_store, user_errors
from annotator.store.team import assign, assigned_counts


@click.command("assign")
@db_option
@click.option("--annotators", required=True, help="Comma-separated annotator names.")
@click.option(
    "--overlap",
    type=int,
    default=1,
    show_default=True,
    help="How many annotators get each article (2 or more to measure agreement).",
)
@user_errors
def assign_cmd(db: Path | None, annotators: str, overlap: int) -> None:
    """Assign every article not assigned yet to OVERLAP of the ANNOTATORS: balanced over
    annotators and pairs, deterministic (by content hash); earlier assignments stay.
    The window shows each annotator their queue; `annotator stats` shows progress."""
    names = [n.strip() for n in annotators.split(",")]
    with open_store(db, create=False) as store:
        try:
            result = assign(store, names, overlap=overlap)
        except ValueError as exc:
            fail(str(exc), code=2)
        counts = assigned_counts(store)
    click.echo(f"Assigned {result.articles:,} articles ({result.rows:,} assignments).")
    for who, n in counts.items():
        click.echo(f"  {who}: {n:,} articles")
