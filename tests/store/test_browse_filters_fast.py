"""The article list's status filters read one annotator's status rows, not every article
(``browse.shown_ids``): Unfinished on a gap-free project is a ``RangeWithout``. Checked
against the plain join over every article for random projects, statuses, languages and
gaps in the ids, and the sequence against a list."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.models import ParsedDoc
from annotator.store import Store, browse
from annotator.store.browse import RangeWithout

STATUSES = ("new", "in_progress", "done", "skipped")
FILTERS = [None, ("new",), ("in_progress",), ("done",), ("skipped",), ("new", "in_progress"),
           ("done", "skipped"), ("new", "done"), STATUSES]  # fmt: skip


def _reference(store: Store, who: str, statuses, lang) -> list[int]:
    where, args = ["1=1"], [who]
    if statuses:
        where.append(f"coalesce(s.status, 'new') IN ({','.join('?' * len(statuses))})")
        args += statuses
    if lang:
        where.append("a.lang = ?")
        args.append(lang)
    sql = f"""SELECT a.id FROM articles a LEFT JOIN article_status s
        ON s.article_id = a.id AND s.annotator = ? WHERE {" AND ".join(where)} ORDER BY a.id"""
    return [r[0] for r in store.db.execute(sql, args)]


@settings(max_examples=40, deadline=None)
@given(
    langs=st.lists(st.sampled_from(["en", "ru"]), min_size=1, max_size=30),
    rows=st.lists(
        st.tuples(st.integers(0, 29), st.sampled_from(["me", "you"]), st.sampled_from(STATUSES)),
        max_size=40,
    ),
    gaps=st.sets(st.integers(0, 29), max_size=4),
)
def test_browse_filters_fast_match_the_join_over_every_article(tmp_path_factory, langs, rows, gaps):
    path = tmp_path_factory.mktemp("p") / "p.db"
    with Store(path) as store:
        docs = [ParsedDoc(f"Article {i}.", lang=lang, source=f"{i}.txt") for i, lang in
                enumerate(langs)]  # fmt: skip
        ids = [r.article_id for r in store.add_docs(docs)]
        with store.write():
            for i in sorted(gaps):  # a project with holes in its ids (another program's SQL)
                if i < len(ids) and 0 < i < len(ids) - 1:
                    store.db.execute("DELETE FROM articles WHERE id = ?", [ids[i]])
            for i, who, status in rows:
                if i < len(ids):
                    store.db.execute(
                        "INSERT OR REPLACE INTO article_status (article_id, annotator, status)"
                        " SELECT id, ?, ? FROM articles WHERE id = ?",
                        [who, status, ids[i]],
                    )
        for who in ("me", "you", "nobody"):
            for statuses in FILTERS:
                for lang in (None, "en", "ru"):
                    got = browse.shown_ids(store, who, statuses=statuses, lang=lang)
                    want = _reference(store, who, statuses, lang)
                    assert list(got) == want and len(got) == len(want), (who, statuses, lang)
                    for row, aid in enumerate(want):
                        assert got[row] == aid and aid in got
                        assert got.index(aid) == row


def test_browse_filters_fast_unfinished_of_a_gap_free_project_is_a_range_less_the_rest(store):
    store.add_docs([ParsedDoc(f"Article {i}.", lang="en", source=f"{i}.txt") for i in range(10)])
    with store.write():
        store.db.execute(
            "INSERT INTO article_status (article_id, annotator, status) VALUES "
            "(3, 'me', 'done'), (4, 'me', 'in_progress'), (9, 'me', 'skipped')"
        )
    got = browse.shown_ids(store, "me", statuses=("new", "in_progress"))
    assert isinstance(got, RangeWithout) and list(got) == [1, 2, 4, 5, 6, 7, 8, 10]
    assert browse.shown_ids(store, "me", statuses=("done",)) == [3]
    # a one-language project: its language filter is no filter (no list of every id)
    assert browse.shown_ids(store, "me", lang="EN") == range(1, 11)
    got = browse.shown_ids(store, "me", statuses=("new", "in_progress"), lang="en")
    assert isinstance(got, RangeWithout) and len(got) == 8


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(1, 50),
    size=st.integers(0, 60),
    less=st.lists(st.integers(0, 120), max_size=30),
    probe=st.lists(st.integers(-70, 130), max_size=20),
)
def test_browse_filters_fast_range_without_behaves_as_its_list(start, size, less, probe):
    ids = range(start, start + size)
    seq = RangeWithout(ids, less)
    plain = [x for x in ids if x not in set(less)]
    assert len(seq) == len(plain) and list(seq) == plain
    assert seq[:] == plain and seq[2:7] == plain[2:7] and seq[::-3] == plain[::-3]
    for i in probe:
        if -len(plain) <= i < len(plain):
            assert seq[i] == plain[i]
        else:
            try:
                seq[i]
            except IndexError:
                pass
            else:
                raise AssertionError(f"no IndexError for {i}")
        assert (i in seq) == (i in plain)
        if i in plain:
            assert seq.index(i) == plain.index(i)
        assert bisect.bisect_left(seq, i) == bisect.bisect_left(plain, i)
