"""``annotator split``: one annotator's project file out of a team project."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import db_option, fail, open_store, user_errors
from annotator.store.merge import split


@click.command("split")
@db_option
@click.option("--annotator", required=True, help="Whose file to make.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project file to write (an existing one is brought up to date).",
)
@click.option(
    "--all-articles", is_flag=True, help="Every article, not only those assigned to the annotator."
)
@user_errors
def split_cmd(db: Path | None, annotator: str, out: Path, all_articles: bool) -> None:
    """Write ANNOTATOR's own project file: the articles assigned to them (all when none
    are), their suggestions, and only that annotator's work. Hand it out; merge it back
    with `annotator merge FILE --into TEAM`."""
    with open_store(db, create=False) as team:
        source = team.path
    if source is None or out.resolve() == source.resolve():
        fail(f"{out}: is the team project itself; choose another file")
    with open_store(out) as target:
        result = split(source, target, annotator, all_articles=all_articles)
        articles = target.count_articles()
    click.echo(
        f"Wrote {out}: {articles:,} articles for {annotator} ({result.added} with their work)."
    )
