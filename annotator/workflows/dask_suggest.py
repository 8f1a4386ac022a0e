"""Pre-annotate past one machine: the batch suggestion run on a Dask distributed cluster.

The client (this process) plans the run exactly as :func:`plan_suggest` does, reads the
pending articles a page at a time and sends them out in shards of (id, text). Each worker
loads each language's pipeline once, through a :class:`PipelinePlugin`, and sends back
only the suggestions. The client alone writes the store (SQLite has one writer): each
shard in one transaction, as it arrives, so Ctrl+C keeps every finished shard and the next
run resumes. A shard whose result arrives twice is written once (a run remembers the
shards it wrote, and the store skips articles a model version already ran on). A worker
lost mid-shard has the scheduler run the shard elsewhere; ``retries`` re-runs a shard
whose task raised.

Dask is an optional extra (``pip install 'annotator[dask]'``): without it this module
still imports (the CLI imports it only for ``--dask``) and a run says how to install it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.models import Suggestion
from annotator.store import Store
from annotator.suggest import Pipeline, PipelineSpec, load_pipeline
from annotator.workflows.suggesting import LanguageRun, SuggestSummary

if TYPE_CHECKING:
    from distributed import Client, Future

try:  # the optional extra: PipelinePlugin must be a WorkerPlugin for Dask to run it
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - exercised where Dask is not installed
    WorkerPlugin = object  # type: ignore[assignment,misc]

INSTALL = "annotator suggest --dask needs Dask: pip install 'annotator[dask]'"
WAIT_FOR_WORKERS = 60.0  # seconds a remote scheduler may take to have a worker


def require_dask() -> None:
    """ValueError (one line) when the optional Dask extra is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ValueError(INSTALL) from None


@contextmanager
def dask_client(scheduler: str, *, n_workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``, or a scheduler
    JSON file), or of a local cluster of ``n_workers`` processes for ``local``."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler == "local":
        workers = n_workers or os.cpu_count() or 1
        # one thread per worker: spaCy is CPU-bound Python, threads would share the GIL;
        # the preload (dask_setup below) keeps a terminal's Ctrl+C out of the workers
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                dashboard_address=None,
                silence_logs=logging.ERROR,
                preload=[__name__],
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    as_file = scheduler.endswith(".json") and Path(scheduler).expanduser().is_file()
    try:
        client = (
            Client(scheduler_file=str(Path(scheduler).expanduser()), timeout="30s")
            if as_file
            else Client(scheduler, timeout="30s")
        )
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"{scheduler}: cannot reach the Dask scheduler ({exc})") from None
    with client:
        yield client


def dask_setup(worker: Any) -> None:
    """Dask preload hook of the local cluster's worker processes: ignore SIGINT.

    They share the terminal's process group, so a Ctrl+C meant for ``annotator suggest``
    (finish the shards out, then stop) would otherwise kill them mid-shard. The client
    closes them when the run ends.
    """
    with contextlib.suppress(ValueError):  # not the main thread: nothing to protect
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class PipelinePlugin(WorkerPlugin):
    """Loads one language's pipeline once per worker (and again on a restarted worker).

    The worker checks that it built the model version
    the client planned: a worker with another model installed fails the run rather than
    store suggestions under the wrong version.
    """

    def __init__(
        self,
        spec: PipelineSpec,
        model: str,
        version: str,
        *,
        events: bool,
        schema: Path | None,
        loader: Callable[..., Pipeline] = load_pipeline,
    ) -> None:
        self.spec, self.model, self.version = spec, model, version
        self.events, self.schema, self.loader = events, schema, loader
        self.pipeline: Pipeline | None = None
        self.lock: threading.Lock | None = None

    @property
    def name(self) -> str:
        return f"annotator-pipeline-{self.model}-{self.version}"

    def setup(self, worker: Any) -> None:
        self.lock = threading.Lock()  # a worker's threads share one nlp: one batch at a time
        pipeline = self.loader(
            self.spec, entities_only=True, events=self.events, schema=self.schema
        )
        if (pipeline.model, pipeline.version) != (self.model, self.version):
            raise ValueError(
                f"worker {worker.address}: {self.spec.name} loads as {pipeline.model} "
                f"{pipeline.version}, the project planned {self.model} {self.version} "
                "(install the same model on every worker)"
            )
        self.pipeline = pipeline

    def teardown(self, worker: Any) -> None:
        self.pipeline = None

    def __getstate__(self) -> dict[str, Any]:  # the loaded pipeline never travels
        return {**self.__dict__, "pipeline": None, "lock": None}


@dataclass
class ShardResult:
    """What comes back from a worker: suggestions per article, and the articles too long
    for the pipeline (id, characters, limit), which stay pending."""

    key: str
    results: list[tuple[int, list[Suggestion]]]
    too_long: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.results) + len(self.too_long)


def suggest_shard(
    plugin_name: str, key: str, items: list[tuple[int, str]], batch_size: int
) -> ShardResult:
    """Runs on a worker: the shard's suggestions from the pipeline its plugin loaded."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(plugin_name)
    if plugin is None or plugin.pipeline is None or plugin.lock is None:
        raise RuntimeError(f"worker {get_worker().address}: no pipeline ({plugin_name})")
    pipeline: Pipeline = plugin.pipeline
    limit = pipeline.nlp.max_length
    fits = [(i, text) for i, text in items if len(text) <= limit]
    too_long = [(i, len(text), limit) for i, text in items if len(text) > limit]
    with plugin.lock:
        docs = pipeline.nlp.pipe([text for _, text in fits], batch_size=batch_size)
        results = [(i, pipeline.suggestions(doc)) for (i, _), doc in zip(fits, docs)]
    return ShardResult(key, results, too_long)


class ShardWriter:
    """Writes shard results for one language run, each shard once."""

    def __init__(self, store: Store, run: LanguageRun, force: bool) -> None:
        self.store, self.run, self.force = store, run, force
        self.written: set[str] = set()

    def write(self, shard: ShardResult) -> int:
        """Store a shard in one transaction; the articles it covered (0: seen before)."""
        if shard.key in self.written:
            return 0
        run = self.run
        run.suggestions += self.store.add_suggestions(
            shard.results, run.model, run.version, force=self.force, tally=run.cleaned
        )
        self.written.add(shard.key)
        run.articles += len(shard.results)
        for article_id, length, limit in shard.too_long:
            source = self.store.get_article(article_id).source
            run.skipped.append(
                f"article {article_id} ({source or 'no source'}): {length:,} characters, "
                f"more than the pipeline takes ({limit:,}, spaCy's nlp.max_length); skipped"
            )
        return shard.size


def suggest_on_dask(
    store: Store,
    summary: SuggestSummary,
    client: Client,
    *,
    shard_size: int = 128,
    batch_size: int = 32,
    force: bool = False,
    retries: int = 3,
    on_start: Callable[[LanguageRun], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    loader: Callable[..., Pipeline] = load_pipeline,
) -> SuggestSummary:
    """Run the planned languages on the cluster; counts land in ``summary``.

    Same contract as :func:`annotator.workflows.suggesting.suggest_pending`: once
    ``should_stop()`` is true no more shards go out, those out are finished and saved,
    and the summary is marked interrupted; a KeyboardInterrupt keeps the shards already
    saved, cancels the others and re-raises. ``loader`` builds the pipeline on the workers
    (it must pickle).
    """
    require_dask()
    try:
        for run in summary.runs:
            if run.pending == 0:
                continue
            plugin = PipelinePlugin(
                run.spec,
                run.model,
                run.version,
                events=summary.events,
                schema=summary.schema,
                loader=loader,
            )
            if on_start:
                on_start(run)
            if _run_language(
                store, client, plugin, run, shard_size, batch_size, force, retries,
                on_progress, should_stop,
            ):  # fmt: skip
                summary.interrupted = True
                break
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    return summary


def _run_language(
    store: Store,
    client: Client,
    plugin: PipelinePlugin,
    run: LanguageRun,
    shard_size: int,
    batch_size: int,
    force: bool,
    retries: int,
    on_progress: Callable[[int], None] | None,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """One language's shards through the cluster; True when stopped early."""
    stopped = should_stop or (lambda: False)
    _register(client, plugin)
    try:
        _stream(
            client, plugin.name, ShardWriter(store, run, force),
            _shards(store, run, force, shard_size), batch_size, retries, on_progress, stopped,
        )  # fmt: skip
    finally:
        _unregister(client, plugin)
    return stopped() and run.articles + len(run.skipped) < run.pending


def _stream(
    client: Client,
    plugin_name: str,
    writer: ShardWriter,
    shards: Iterator[list[tuple[int, str]]],
    batch_size: int,
    retries: int,
    on_progress: Callable[[int], None] | None,
    stopped: Callable[[], bool],
) -> None:
    """Keep about two shards per worker thread out; save each as it comes back."""
    from distributed import as_completed

    run = writer.run

    def submit(items: list[tuple[int, str]]) -> Future:
        key = f"annotator-shard-{run.model}-{run.version}-{items[0][0]}-{items[-1][0]}"
        return client.submit(
            suggest_shard, plugin_name, key, items, batch_size,
            key=key, retries=retries, pure=False,
        )  # fmt: skip

    window = max(2, 2 * sum(w["nthreads"] for w in client.scheduler_info()["workers"].values()))
    futures = as_completed([submit(s) for s in _take(shards, window, stopped)])
    try:
        for future in futures:
            done = writer.write(_result(future))
            if on_progress and done:
                on_progress(done)
            for items in _take(shards, 1, stopped):  # keep the window full
                futures.add(submit(items))
    finally:  # on Ctrl+C or an error: saved shards stay, the others are dropped
        client.cancel(list(futures.futures))


def _result(future: Future) -> ShardResult:
    """A shard's result; a shard that failed every retry (or killed its workers too many
    times: Dask's KilledWorker) ends the run with one line."""
    try:
        result = future.result()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"Dask shard {future.key} failed: {first}") from exc
    future.release()
    return result


def _take(shards: Iterator[list[tuple[int, str]]], n: int, stopped: Callable[[], bool]):
    """Up to ``n`` more shards, none once a stop was asked for."""
    for _ in range(n):
        if stopped():
            return
        items = next(shards, None)
        if items is None:
            return
        yield items


def _register(client: Client, plugin: PipelinePlugin) -> None:
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        raise ValueError(
            f"no Dask worker joined the scheduler within {WAIT_FOR_WORKERS:g} s "
            "(start one: dask worker SCHEDULER-ADDRESS)"
        ) from None
    try:
        client.register_plugin(plugin, name=plugin.name)
    except ValueError:
        _unregister(client, plugin)
        raise
    except Exception as exc:  # a worker could not load it: one line, not a traceback
        _unregister(client, plugin)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise ValueError(f"a Dask worker could not load the pipeline: {first}") from None


def _unregister(client: Client, plugin: PipelinePlugin) -> None:
    with contextlib.suppress(Exception):  # a closing cluster: the workers go anyway
        client.unregister_worker_plugin(plugin.name)


def _shards(
    store: Store, run: LanguageRun, force: bool, size: int
) -> Iterator[list[tuple[int, str]]]:
    """The run's pending (id, text) in shards of ``size``, read from the store a page at
    a time (ids ascending, so shards written meanwhile do not shift the pages)."""
    after, left = 0, run.pending
    while left > 0:
        rows = store.pending_for_model(
            run.model, run.version, lang=run.lang, limit=min(size, left), after=after,
            include_done=force,
        )  # fmt: skip
        if not rows:
            return
        yield [(article_id, text) for article_id, _lang, text in rows]
        after, left = rows[-1][0], left - len(rows)
