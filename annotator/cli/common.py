"""What every command shares: the --db option, opening the store, one-line errors."""

from __future__ import annotations

import getpass
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import platformdirs

from annotator.core.langs import check_lang
from annotator.store import Store
from annotator.store.errors import READ_ONLY_FOLDER, StoreError, describe, read_only_folder

F = TypeVar("F", bound=Callable[..., Any])

APP = "annotator"


def default_db() -> Path:
    """ANNOTATOR_DB, else ``project.db`` in the platform's user data directory."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "project.db"


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return os.environ.get("USER", "annotator")


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Project database (default: $ANNOTATOR_DB or the user data directory).",
    )(func)


def lang_param(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Click callback: a --lang value must look like a language tag (usage error if not)."""
    if value is None:
        return None
    try:
        return check_lang(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def schema_option(help_text: str) -> Callable[[F], F]:
    """``--schema FILE``: a project's event schema instead of the bundled one."""
    return click.option(
        "--schema",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help=help_text,
    )


def lock_timeout() -> float:
    """Seconds a write waits for another process's write: $ANNOTATOR_LOCK_TIMEOUT or 30."""
    raw = os.environ.get("ANNOTATOR_LOCK_TIMEOUT", "30")
    try:
        return max(0.0, float(raw))
    except ValueError:
        fail(f"ANNOTATOR_LOCK_TIMEOUT={raw!r} is not a number of seconds", code=2)
        raise  # unreachable: fail exits


def open_store(db: Path | None, *, create: bool = True) -> Store:
    """Open the project; commands that only read it refuse to create one (a typo in
    ``--db`` must not silently make an empty project)."""
    path = db or default_db()
    if not create and not path.exists():
        hint = "" if db else " (import articles first, or pass --db)"
        fail(f"{path}: no such project{hint}")
    try:
        store = Store(path, lock_timeout=lock_timeout())
    except (sqlite3.Error, StoreError) as exc:
        if path.exists() and read_only_folder(path):
            fail(f"{path}: {READ_ONLY_FOLDER}")
        fail(f"{path}: {describe(exc)}")
    except OSError as exc:
        fail(f"{path}: cannot open the project: {exc.strerror or exc}")
    if store.backup_path:
        click.echo(f"Migrated {path}; a backup of the old file is at {store.backup_path}", err=True)
    for line in store.migration_notes:
        click.echo(line, err=True)
    return store


def fail(message: str, code: int = 1) -> None:
    """Print one line on stderr and exit (1: user/data error)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def user_errors(func: F) -> F:
    """Turn expected user errors into one line and exit code 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (sqlite3.Error, StoreError) as exc:  # locked, read-only, disk full ...
            fail(describe(exc))
        except (OSError, ValueError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
