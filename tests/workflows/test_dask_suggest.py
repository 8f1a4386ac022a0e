"""``suggest --dask``: the batch run on a LocalCluster of two worker processes.

The result must be the single-machine run's, table for table (row ids and timestamps
aside: shards arrive in any order); a second run, a shard delivered twice and a worker
killed mid-shard change nothing.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from annotator.cli.main import cli
from annotator.core.models import ParsedDoc, Span
from annotator.core.paths import resources_dir
from annotator.store import Store
from annotator.workflows import dask_suggest
from annotator.workflows.dask_suggest import ShardWriter, suggest_on_dask
from annotator.workflows.suggesting import load_pipeline, plan_suggest, suggest_pending

pytestmark = pytest.mark.slow

RU = [
    "Касым-Жомарт Токаев принял в Акорде главу ЕАБР {i} мая.",
    "Олжас Бектенов провёл заседание Правительства в Астане, день {i}.",
    "Министерство финансов выделит {i} млрд тенге Карагандинской области.",
]
KK = "Тоқаев Астанада кездесу өткізді, {i}."
KILL = "день 7."  # the article whose first attempt kills its worker


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Path:
    """A pipeline config with rules for both languages, whatever models are installed."""
    config = tmp_path_factory.mktemp("config") / "pipelines.toml"
    patterns = resources_dir() / "patterns"
    config.write_text(
        f'[languages.ru]\npipelines = []\npatterns = "{(patterns / "ru.jsonl").as_posix()}"\n'
        f'[languages.kk]\npipelines = []\npatterns = "{(patterns / "kk.jsonl").as_posix()}"\n',
        encoding="utf-8",
    )
    return config


def project(path: Path | None = None) -> Store:
    """Nine Russian and three Kazakh articles, one with gold that must stay as it is."""
    store = Store(path) if path else Store()
    docs = [ParsedDoc(text=RU[i % 3].format(i=i), lang="ru", source=f"ru{i}") for i in range(9)]
    docs += [ParsedDoc(text=KK.format(i=i), lang="kk", source=f"kk{i}") for i in range(3)]
    store.add_docs(docs)
    gold = ParsedDoc(text="Токаев в Астане.", lang="ru", spans=[Span(0, 6, "PERSON")])
    store.add_docs([gold], as_gold=True, annotator="alice")
    return store


def tables(store: Store) -> dict[str, list[tuple]]:
    """Every table suggest may touch, without row ids and timestamps."""
    sql = {
        "suggestions": 'SELECT article_id, kind, start, "end", label, arguments, attributes, '
        "score, source, model, model_version FROM suggestions",
        "runs": "SELECT article_id, model, model_version FROM suggestion_runs",
        "states": "SELECT * FROM suggestion_states",
        "gold": 'SELECT article_id, annotator, start, "end", label FROM gold_spans',
        "events": "SELECT article_id, annotator, type FROM gold_events",
        "decisions": "SELECT count(*) FROM decisions",
        "status": "SELECT article_id, annotator, status, entities, suggestions_upto "
        "FROM article_status",
        "models": "SELECT * FROM models",
    }
    return {name: sorted(store.db.execute(q).fetchall()) for name, q in sql.items()}


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def single(rules) -> dict[str, list[tuple]]:
    """The single-machine run's tables, and a --force re-run's (the reference)."""
    store = project()
    summary = suggest_pending(store, plan_suggest(store, config=rules), batch_size=4)
    assert (summary.articles, summary.interrupted) == (13, False)
    done = tables(store)
    store.close()
    return done


def test_dask_suggest_matches_the_single_machine_run(client, single, rules):
    store = project()
    progress: list[int] = []
    summary = suggest_on_dask(
        store, plan_suggest(store, config=rules), client, shard_size=3, batch_size=4,
        on_progress=progress.append,
    )  # fmt: skip
    assert (summary.articles, sum(progress), summary.interrupted) == (13, 13, False)
    assert tables(store) == single
    assert len(single["suggestions"]) == summary.suggestions > 20
    assert single["gold"] == [(13, "alice", 0, 6, "PERSON")]


def test_dask_suggest_second_run_adds_nothing(client, single, rules):
    store = project()
    suggest_on_dask(store, plan_suggest(store, config=rules), client, shard_size=5)
    again = plan_suggest(store, config=rules)
    assert again.pending == 0
    summary = suggest_on_dask(store, again, client, shard_size=5)
    assert (summary.articles, summary.suggestions) == (0, 0)
    assert tables(store) == single


def test_dask_suggest_resumes_after_a_stop(client, single, rules):
    store = project()
    arrived: list[int] = []
    first = suggest_on_dask(
        store, plan_suggest(store, config=rules), client, shard_size=2,
        on_progress=arrived.append, should_stop=lambda: bool(arrived),
    )  # fmt: skip
    assert first.interrupted
    assert 0 < first.articles < 13
    assert plan_suggest(store, config=rules).pending == 13 - first.articles
    second = suggest_on_dask(store, plan_suggest(store, config=rules), client, shard_size=2)
    assert first.articles + second.articles == 13
    assert tables(store) == single


@pytest.mark.parametrize("force", [False, True])
def test_dask_suggest_shard_arriving_twice_writes_once(client, single, monkeypatch, force, rules):
    store = project()
    if force:  # a re-run: the duplicates must not delete or double what is kept
        suggest_pending(store, plan_suggest(store, config=rules))
    write = ShardWriter.write
    seen: list[int] = []

    def twice(self, shard):
        seen.append(write(self, shard))
        return seen[-1] + write(self, shard)

    monkeypatch.setattr(ShardWriter, "write", twice)
    summary = suggest_on_dask(
        store, plan_suggest(store, config=rules, force=force), client, force=force
    )
    assert summary.articles == 13
    assert summary.suggestions == len(single["suggestions"])
    assert tables(store) == single


def test_dask_suggest_late_duplicate_from_an_earlier_run_is_a_no_op(client, single, rules):
    """A shard result written in another run (another writer): the store's run
    bookkeeping skips articles the model version already ran on."""
    store = project()
    kept: list = []
    write = ShardWriter.write

    def keep(self, shard):
        kept.append((self.run, shard))
        return write(self, shard)

    monkeypatch = pytest.MonkeyPatch()
    with monkeypatch.context() as m:
        m.setattr(ShardWriter, "write", keep)
        suggest_on_dask(store, plan_suggest(store, config=rules), client, shard_size=4)
    for run, shard in kept:
        ShardWriter(store, run, force=False).write(shard)
    assert tables(store) == single


def killing_loader(marker: str, spec, **kwargs):
    """The real pipeline, plus an extractor that kills its worker process the first time
    it sees the KILL article (the marker file says it happened)."""
    pipeline = load_pipeline(spec, **kwargs)

    def kill_once(doc):
        if KILL in doc.text and not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return []

    pipeline.extractors.append(kill_once)
    return pipeline


def test_dask_suggest_retries_the_shard_of_a_killed_worker(client, single, tmp_path, rules):
    store = project()
    marker = tmp_path / "killed"
    pids = set(client.run(os.getpid).values())
    loader = functools.partial(killing_loader, str(marker))
    summary = suggest_on_dask(
        store, plan_suggest(store, config=rules), client, shard_size=2, loader=loader
    )
    assert int(marker.read_text()) in pids  # a worker died mid-shard ...
    assert (summary.articles, summary.interrupted) == (13, False)
    assert tables(store) == single  # ... and its shard ran again elsewhere
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it
    assert set(client.run(os.getpid).values()) != pids


def test_dask_suggest_worker_with_another_model_fails_the_run(client, rules):
    store = project()
    summary = plan_suggest(store, config=rules)
    summary.runs[0].version = "not-what-the-worker-loads"
    with pytest.raises(ValueError, match="install the same model on every worker"):
        suggest_on_dask(store, summary, client)
    assert tables(store)["runs"] == []


def test_dask_suggest_cmd_without_dask_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    db = tmp_path / "p.db"
    project(db).close()
    result = CliRunner().invoke(cli, ["suggest", "--db", str(db), "--dask", "local"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {dask_suggest.INSTALL}"


def test_dask_suggest_cmd_on_a_scheduler_address(client, tmp_path, single, rules):
    """The command against a running scheduler (--dask local starts its own cluster the
    same way, through LocalCluster: left to the README's measurement, it costs a cluster
    start here)."""
    db = tmp_path / "p.db"
    project(db).close()
    address = client.scheduler.address
    args = ["suggest", "--db", str(db), "--dask", address, "--shard-size", "4"]
    args += ["--config", str(rules)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "13 articles processed" in result.stdout
    with Store(db) as store:
        assert tables(store) == single
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert "Nothing to do" in again.stdout
