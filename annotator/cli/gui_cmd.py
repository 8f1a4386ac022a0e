"""``annotator gui``: open the annotation window (also what ``annotator`` alone does)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import db_option, default_annotator, default_db, fail, open_store
from annotator.store.team import ADJUDICATOR, RESERVED_NAME


@click.command("gui")
@db_option
@click.option(
    "--annotator",
    default=None,
    help="Record decisions under this name (default: preferences, else the OS user).",
)
@click.option(
    "--samples/--no-samples",
    default=None,
    help="Import the bundled sample articles into an empty project "
    "(default: only for the default project).",
)
def gui_cmd(db: Path | None, annotator: str | None, samples: bool | None) -> None:
    """Open the annotation window on a project.

    On first start the default project is filled with the bundled sample articles.
    Press F1 in the window for the keyboard shortcuts.
    """
    if annotator is not None and annotator.strip() == ADJUDICATOR:
        fail(RESERVED_NAME)
    path = db or default_db()
    try:
        from annotator.gui.app import run  # Qt loads only for this command
        from annotator.gui.project import WINDOW_LOCK_TIMEOUT
    except ImportError as exc:
        fail(f"the window needs Qt (PySide6), which did not load: {exc}")
    store = open_store(path)
    store.lock_timeout = WINDOW_LOCK_TIMEOUT  # keys write on the GUI thread: never freeze long
    sys.exit(
        run(
            store,
            annotator=annotator or "",
            default_annotator=default_annotator(),
            samples=db is None if samples is None else samples,
        )
    )
