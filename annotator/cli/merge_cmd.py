"""``annotator merge``: bring annotators' project files together into one."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from annotator.cli.common import open_store, user_errors
from annotator.store.errors import StoreError, describe
from annotator.store.merge import merge_file


def parse_renames(values: tuple[str, ...], inputs: list[Path]) -> dict[Path, dict[str, str]]:
    """``FILE:OLD=NEW`` → {file: {old: new}}; FILE must be one of the inputs."""
    out: dict[Path, dict[str, str]] = {}
    known = {p.resolve(): p for p in inputs}
    for value in values:
        where, sep, names = value.rpartition(":")
        old, eq, new = names.partition("=")
        if not sep or not eq or not old or not new:
            raise click.BadParameter(f"{value!r}: expected FILE:OLD=NEW", param_hint="--rename")
        path = known.get(Path(where).resolve())
        if path is None:
            raise click.BadParameter(f"{where}: not one of the input files", param_hint="--rename")
        out.setdefault(path, {})[old] = new
    return out


SHOWN = 20  # clash and problem lines shown per input; the rest are counted


def report_lines(path: Path, lines: list[str]) -> None:
    """One line per article not merged, on stderr: the first :data:`SHOWN`, then how
    many more (a thousand lines drown what they say)."""
    for line in lines[:SHOWN]:
        click.echo(f"{path}: {line}", err=True)
    if len(lines) > SHOWN:
        click.echo(
            f"{path}: ... and {len(lines) - SHOWN:,} more articles not merged "
            f"({len(lines):,} in all)",
            err=True,
        )


def _about(path: Path, message: str) -> str:
    """``FILE: message``, once: the store's own messages often name the file already."""
    return message if message.startswith(f"{path}:") else f"{path}: {message}"


@click.command("merge")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--into",
    "--db",
    "into",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The team project to merge into (made when missing; --db says the same).",
)
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="FILE:OLD=NEW",
    help="Take annotator OLD of input FILE in as NEW (two people, one name).",
)
@user_errors
def merge_cmd(inputs: tuple[Path, ...], into: Path, renames: tuple[str, ...]) -> None:
    """Merge annotators' project files INPUTS into one project (--into): articles by
    content, every annotator's gold, events, statuses, suggestion states and decisions.

    Idempotent, and the same whatever the order of the inputs. Where one annotator name
    holds different work for the same article in two files, that is reported (one line,
    the first 20 per file; exit 1) and not merged; the rest goes on. The same gold by
    another log (one file imported into both) is counted, not a clash. Inputs are only
    read.
    """
    files = list(inputs)
    by_file = parse_renames(renames, files)
    bad = 0
    made = not into.exists()  # the target is made here: not left behind if nothing merged
    merged = False
    with open_store(into) as store:
        for path in files:
            try:
                result = merge_file(store, path, rename=by_file.get(path))
            except (sqlite3.Error, StoreError) as exc:
                click.echo(f"error: {_about(path, describe(exc))}", err=True)
                bad += 1
                continue
            except (ValueError, OSError) as exc:
                click.echo(f"error: {_about(path, str(exc))}", err=True)
                bad += 1
                continue
            merged = True
            click.echo(result.summary())
            report_lines(path, result.clashes + result.problems)
            bad += bool(result.clashes or result.problems)
    if made and not merged:  # every input failed: no empty project left behind
        for leftover in (into, *(into.with_name(into.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        click.echo(f"{into}: not made (nothing was merged)", err=True)
    if bad:
        sys.exit(1)
