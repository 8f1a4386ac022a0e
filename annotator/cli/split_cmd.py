"""``annotator split``: one annotator's project file out of a team project."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import db_option, fail, open_store, user_errors
from annotator.cli.merge_cmd import report_lines
from annotator.store import Store
from annotator.store.merge import split
from annotator.store.team import members


@click.command("split")
@db_option
@click.option("--annotator", required=True, help="Whose file to make.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The project file to write (an existing one of the annotator's is brought up "
    "to date: their work there is kept).",
)
@click.option(
    "--all-articles",
    is_flag=True,
    help="Every article, not only those assigned to the annotator (also: a new annotator "
    "the team project has no assignments or work of).",
)
@click.option(
    "--keep-others",
    is_flag=True,
    help="--out may be an existing file holding other annotators' work (it is kept).",
)
@user_errors
def split_cmd(
    db: Path | None, annotator: str, out: Path, all_articles: bool, keep_others: bool
) -> None:
    """Write ANNOTATOR's own project file: the articles assigned to them (all when none
    are), their suggestions, and only that annotator's work. Hand it out; merge it back
    with `annotator merge FILE --into TEAM`. An existing --out is brought up to date:
    articles added, the annotator's work there kept (newer work of the team's copied in)."""
    with open_store(db, create=False) as team:
        source = team.path
        known = members(team)
    if source is None or out.resolve() == source.resolve():
        fail(f"{out}: is the team project itself; choose another file")
    if annotator not in known and not all_articles:
        fail(
            f"{annotator}: no assignments and no work in {source.name} (annotators there: "
            f"{_names(known)}); check the name, assign articles with `annotator assign`, or "
            "pass --all-articles to give a new annotator every article"
        )
    existed = out.exists()
    with open_store(out) as target:
        if existed:
            _check_target(out, target, annotator, keep_others)
        before = target.count_articles()
        result = split(source, target, annotator, all_articles=all_articles)
        articles = target.count_articles()
        worked = members(target).get(annotator, (0, 0))[1]
        done = target.db.execute(
            "SELECT count(*) FROM article_status WHERE annotator = ? AND status = 'done'",
            [annotator],
        ).fetchone()[0]
    if not existed:
        click.echo(
            f"Wrote {out}: {articles:,} articles for {annotator} ({result.added} with their work)."
        )
    else:
        click.echo(
            f"{out} exists: added {articles - before:,} articles ({articles:,} there now); "
            f"{annotator}'s work: {result.added:,} articles copied in, {result.extended:,} "
            f"brought up to date, the rest kept as {out} has it — their work on "
            f"{worked:,} articles there, {done:,} done."
        )
    report_lines(out, result.clashes + result.problems)
    if result.clashes or result.problems:
        sys.exit(1)


def _names(known: dict[str, tuple[int, int]]) -> str:
    if not known:
        return "none"
    return ", ".join(f"{w} ({a:,} assigned, {n:,} with work)" for w, (a, n) in known.items())


def _check_target(out: Path, target: Store, annotator: str, keep_others: bool) -> None:
    """An existing --out that holds other annotators' work is refused unless asked:
    it is probably another annotator's file."""
    others = {w: v for w, v in members(target).items() if w != annotator and v[1]}
    if others and not keep_others:
        fail(
            f"{out}: exists and holds the work of {_names(others)}, not only {annotator}'s; "
            "choose another --out, or pass --keep-others to add to it"
        )
