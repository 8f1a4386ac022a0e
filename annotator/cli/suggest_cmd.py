"""``annotator suggest``: pre-annotate pending articles with each language's pipeline."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click
from tqdm import tqdm

from annotator.cli.common import db_option, lang_param, open_store, schema_option, user_errors
from annotator.workflows.suggesting import (
    LanguageRun,
    SuggestSummary,
    plan_suggest,
    suggest_pending,
)


class StopRequest:
    """A SIGINT handler: the first Ctrl+C stops handing articles to spaCy (those in progress
    are finished and saved), the second aborts: KeyboardInterrupt, or ``abort()`` when
    raising inside spaCy's multiprocessing would leave its workers blocked.

    spaCy's worker processes (``--n-process``) are forked and inherit this handler; in them
    it does nothing, so a Ctrl+C on the terminal does not kill them mid-batch.
    """

    def __init__(self, abort: Callable[[], None] | None = None) -> None:
        self.requested = False
        self._abort = abort
        self._pid = os.getpid()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:
            return
        if not self.requested:
            self.requested = True
            click.echo(
                "\nStopping: finishing the articles in progress (Ctrl+C again to abort)", err=True
            )
            return
        if self._abort is not None:
            self._abort()
        raise KeyboardInterrupt


@contextmanager
def sigint_handler(handler: StopRequest) -> Iterator[StopRequest]:
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave Ctrl+C alone
        yield handler
        return
    try:
        yield handler
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command("suggest")
@db_option
@click.option("--model", default=None, help="spaCy package name or pipeline directory.")
@click.option(
    "--lang",
    default=None,
    callback=lang_param,
    help="Only articles in this language (e.g. en, ru, kk).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Project pipeline config (TOML, the layout of resources/pipelines.toml).",
)
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(min=1),
    help="Articles per nlp.pipe batch and per saved transaction.",
)
@click.option(
    "--n-process",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="spaCy worker processes.",
)
@click.option("--limit", default=None, type=click.IntRange(min=1), help="At most N articles.")
@click.option("--force", is_flag=True, help="Redo articles this model version already ran on.")
@click.option(
    "--events/--no-events",
    default=True,
    show_default=True,
    help="Also suggest events (rules over the parse; models with a parser only).",
)
@schema_option("Event schema TOML (default: the bundled resources/events/schema.toml).")
@click.option(
    "--dask",
    "scheduler",
    default=None,
    metavar="SCHEDULER",
    help="Run on a Dask cluster: its scheduler address (tcp://host:8786), a scheduler "
    "JSON file, or 'local' for a local cluster (--n-process workers, default one per "
    "core). Needs pip install 'annotator[dask]'.",
)
@click.option(
    "--shard-size",
    default=128,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --dask: articles per shard sent to a worker and saved in one transaction.",
)
@user_errors
def suggest_cmd(
    db: Path | None,
    model: str | None,
    lang: str | None,
    config: Path | None,
    batch_size: int,
    n_process: int,
    limit: int | None,
    force: bool,
    events: bool,
    schema: Path | None,
    scheduler: str | None,
    shard_size: int,
) -> None:
    """Suggest entities and events for the articles a model version has not run on yet.

    Each language uses its configured spaCy pipeline; languages without one use rule
    patterns from resources/patterns. Suggestions are saved per batch, so Ctrl+C keeps
    what is done and running the command again resumes. Gold is never touched.

    With --dask the articles go to a Dask cluster in shards; each worker loads the
    pipelines once, only suggestions come back, and this process saves each shard as it
    arrives (a lost worker's shard runs again elsewhere).
    """
    if scheduler is not None:
        from annotator.workflows.dask_suggest import require_dask

        require_dask()
    with open_store(db) as store:
        summary = plan_suggest(
            store,
            model=model,
            lang=lang,
            config=config,
            force=force,
            limit=limit,
            events=events,
            schema=schema,
        )
        for note in summary.notes:
            click.echo(f"note: {note}", err=True)
        if not summary.runs:
            where = f" in '{lang}'" if lang else ""
            click.echo(f"Nothing to do: the project has no articles{where}.")
            return
        if summary.pending == 0:
            click.echo(
                "Nothing to do: every article already has these models' suggestions"
                " (use --force to redo them)."
            )
            return
        if scheduler is not None:
            _run_dask(store, summary, scheduler, n_process, batch_size, shard_size, force)
        else:
            _run(store, summary, batch_size, n_process, force)
    _report(summary, force)


def _progress_bars() -> tuple[list[tqdm], Callable[[LanguageRun], None]]:
    """A progress bar per language run: the list, and the ``on_start`` that adds one."""
    bars: list[tqdm] = []

    def on_start(run: LanguageRun) -> None:
        if bars:
            bars[-1].close()
        bars.append(
            tqdm(
                total=run.pending,
                desc=f"{run.lang} ({run.model})",
                unit="article",
                disable=not sys.stderr.isatty(),
                leave=False,
            )
        )

    return bars, on_start


def _run(store, summary: SuggestSummary, batch_size: int, n_process: int, force: bool) -> None:
    bars, on_start = _progress_bars()

    def abort() -> None:
        """Kill spaCy's workers and leave at once; committed batches stay in the store."""
        for child in multiprocessing.active_children():
            child.kill()
        for bar in bars:
            bar.close()
        click.echo(
            f"Aborted: {summary.articles} articles saved; run the command again to resume.",
            err=True,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)

    stop = StopRequest(abort if n_process > 1 else None)
    try:
        with sigint_handler(stop):
            suggest_pending(
                store,
                summary,
                batch_size=batch_size,
                n_process=n_process,
                force=force,
                on_start=on_start,
                on_progress=lambda n: bars[-1].update(n),
                should_stop=lambda: stop.requested,
            )
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        for bar in bars:
            bar.close()


def _run_dask(
    store,
    summary: SuggestSummary,
    scheduler: str,
    n_process: int,
    batch_size: int,
    shard_size: int,
    force: bool,
) -> None:
    """The run on a Dask cluster; the first Ctrl+C sends no more shards (those out are
    finished and saved), the second cancels them (saved shards stay)."""
    from annotator.workflows.dask_suggest import dask_client, suggest_on_dask

    bars, on_start = _progress_bars()
    stop = StopRequest()
    try:
        with (
            sigint_handler(stop),
            dask_client(scheduler, n_workers=n_process if n_process > 1 else None) as client,
        ):
            suggest_on_dask(
                store,
                summary,
                client,
                shard_size=shard_size,
                batch_size=batch_size,
                force=force,
                on_start=on_start,
                on_progress=lambda n: bars[-1].update(n),
                should_stop=lambda: stop.requested,
            )
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        for bar in bars:
            bar.close()


def _report(summary: SuggestSummary, force: bool) -> None:
    for run in summary.runs:
        if run.articles:
            click.echo(run.line())
    for line in summary.skipped:
        click.echo(f"error: {line}", err=True)
    if cleaned := summary.cleaned_line():
        click.echo(f"note: {cleaned}", err=True)
    if summary.interrupted:
        again = "with --force starts over" if force else "resumes where this one stopped"
        click.echo(
            f"Interrupted: {summary.articles} of {summary.pending} articles done and saved "
            f"({summary.suggestions} suggestions); running the command again {again}.",
            err=True,
        )
        sys.exit(130)
    click.echo(summary.line())
    if summary.skipped:
        sys.exit(1)
