"""``annotator check``: is the project sound? SQLite's checks and the log replayed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.store.audit import check


@click.command("check")
@db_option
@user_errors
def check_cmd(db: Path | None) -> None:
    """Check the project file: SQLite's integrity and foreign-key checks, and every
    annotator's decisions log replayed against the gold tables.

    Prints one line per problem and exits 1 when there is any; "ok" and 0 otherwise.
    """
    with open_store(db, create=False) as store:
        problems = check(store)
    for line in problems:
        click.echo(f"problem: {line}", err=True)
    if problems:
        sys.exit(1)
    click.echo("ok: the file is sound and every decisions log replays to the gold tables")
