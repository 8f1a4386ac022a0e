"""Finding files, detecting formats, and turning every bad input into one ReadError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.models import ParsedDoc, ReadError, Skipped
from annotator.io import FORMATS, Format, collect_files, read_file, read_paths, register_format
from annotator.io.reader import load_text

ARTICLE = (
    " date 2025-04-22 EN\n    Talks in Astana\n\n    13:45, 22 April 2025\n\n"
    "    Tokayev met Mirziyoyev.\n\n    Caption\n    Photo credit: Akorda\n\n"
    "    Politics\n    Jane Doe\n    Jane Doe\n    Автор\n"
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def only(results: list) -> ParsedDoc | ReadError:
    assert len(results) == 1, results
    return results[0]


def read_one(path: Path, **kwargs) -> ParsedDoc | ReadError:
    return only(list(read_file(path, **kwargs)))


# -- collect_files -----------------------------------------------------------------------------


def test_reader_collect_recurses_sorted_and_skips_noise(tmp_path):
    for name in [
        "b/z.txt", "b/a.jsonl", "a.txt", "c.ndjson", "b/c/deep.TXT", "ab/x.txt",
        ".hidden.txt", ".git/inside.txt", "README.txt", "readme.md", "__init__.py",
        "notes.md", "data.csv", "__pycache__/x.txt",
    ]:  # fmt: skip
        write(tmp_path / name, "x")
    files, errors = collect_files([tmp_path])
    got = [f.relative_to(tmp_path).as_posix() for f in files]
    assert got == ["a.txt", "ab/x.txt", "b/a.jsonl", "b/c/deep.TXT", "b/z.txt", "c.ndjson"]
    # hidden files, READMEs and package files say nothing; other files are named, not errors
    assert all(isinstance(e, Skipped) for e in errors)
    assert [Path(e.source).name for e in errors] == ["data.csv", "notes.md"]


def test_reader_collect_names_what_a_folder_holds_that_is_not_imported(tmp_path):
    """A folder's files of no importable format are named, and brat annotations without
    their text file are an error: their gold would otherwise be lost without a word."""
    for name in ["doc.txt", "doc.ann", "orphan.ann", "arch.zip", "fake.spacy"]:
        write(tmp_path / name, "x")
    files, errors = collect_files([tmp_path])
    assert [f.name for f in files] == ["doc.txt"]  # its .ann is read with it
    lines = {Path(e.source).name: (type(e).__name__, e.reason) for e in errors}
    assert set(lines) == {"arch.zip", "fake.spacy", "orphan.ann"}
    assert lines["orphan.ann"][0] == "ReadError" and "orphan.txt" in lines["orphan.ann"][1]
    assert lines["arch.zip"][0] == lines["fake.spacy"][0] == "Skipped"


def test_reader_collect_by_format_and_explicit_files(tmp_path):
    write(tmp_path / "d/a.txt", "x")
    write(tmp_path / "d/b.jsonl", "x")
    notes = write(tmp_path / "notes.md", "x")
    files, _ = collect_files([tmp_path / "d"], fmt="jsonl")
    assert [f.name for f in files] == ["b.jsonl"]
    files, _ = collect_files([notes, tmp_path / "d", tmp_path / "d" / "a.txt"])
    assert [f.name for f in files] == ["notes.md", "a.txt", "b.jsonl"]  # deduplicated


def test_reader_collect_missing_path_and_empty_dir(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "ok.txt", "x")
    files, errors = collect_files([tmp_path / "nope.txt", tmp_path / "empty", tmp_path / "ok.txt"])
    assert [f.name for f in files] == ["ok.txt"]
    assert [(Path(e.source).name, e.reason) for e in errors] == [
        ("nope.txt", "no such file or directory"),
        (
            "empty",
            "no files to import in this directory "
            "(.bio, .conll, .iob, .json, .jsonl, .ndjson, .txt)",
        ),
    ]


def test_reader_collect_unknown_format():
    files, errors = collect_files(["x"], fmt="docx")
    assert files == [] and "unknown format 'docx'" in errors[0].reason


# -- format detection --------------------------------------------------------------------------


def test_reader_detects_article_plain_text_and_jsonl(tmp_path):
    article = read_one(write(tmp_path / "a.txt", ARTICLE))
    plain = read_one(write(tmp_path / "p.txt", "Title\n\nBody.\n"))
    jsonl = list(read_file(write(tmp_path / "j.ndjson", '{"text": "A"}\n{"text": "B"}\n')))
    assert article.meta["format"] == "article" and article.meta["author"] == "Jane Doe"
    assert article.external_id == "a" and article.source == str(tmp_path / "a.txt")
    assert plain.meta["format"] == "text" and plain.text == "Title\n\nBody."
    assert [d.text for d in jsonl] == ["A", "B"]


def test_reader_format_and_lang_overrides(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    as_text = read_one(path, fmt="text", lang="KK")
    assert as_text.meta["format"] == "text" and as_text.lang == "kk"
    assert as_text.title == "date 2025-04-22 EN"
    assert read_one(path, lang="ru").lang == "ru"


def test_reader_unsupported_suffix_and_unknown_format(tmp_path):
    path = write(tmp_path / "a.md", "Title\n\nBody")
    assert "unsupported file type" in read_one(path).reason
    assert read_one(path, fmt="text").text == "Title\n\nBody"
    assert "unknown format 'odt'" in read_one(path, fmt="odt").reason


def test_reader_register_format(tmp_path, monkeypatch):
    def read_upper(text: str, source: str, lang: str | None):
        yield ParsedDoc(text=text.upper(), source=source, lang=lang or "xx")

    monkeypatch.setitem(FORMATS, "upper", Format("upper", read_upper, (".up",)))
    path = write(tmp_path / "d/x.up", "hello")
    files, _ = collect_files([tmp_path / "d"])
    assert files == [path]
    assert read_one(path).text == "HELLO"


def test_reader_parser_bug_becomes_a_read_error(tmp_path, monkeypatch):
    def broken(text: str, source: str, lang: str | None):
        raise KeyError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(FORMATS, "broken", Format("broken", broken, (".brk",)))
    err = read_one(write(tmp_path / "x.brk", "hello"))
    assert isinstance(err, ReadError) and "could not parse (KeyError" in err.reason


def test_reader_register_format_first_wins_detection(tmp_path, monkeypatch):
    from annotator.io import reader

    monkeypatch.setattr(reader, "FORMATS", dict(FORMATS))

    def has_marker(path: Path, text: str) -> bool:
        return path.with_suffix(".marker").exists()

    def read_pair(text: str, source: str, lang: str | None):
        yield ParsedDoc(text=text, source=source, meta={"format": "pair"})

    register_format(Format("pair", read_pair, (".txt",), sniff=has_marker), first=True)
    assert list(reader.FORMATS)[:3] == ["pair", "brat", "article"]
    assert "pair" not in FORMATS
    paired = write(tmp_path / "p.txt", ARTICLE)
    write(tmp_path / "p.marker", "")
    lone = write(tmp_path / "l.txt", ARTICLE)
    assert read_one(paired).meta["format"] == "pair"
    assert read_one(lone).meta["format"] == "article"


# -- bad input: exactly one ReadError each, never an exception ---------------------------------

BAD = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b" \n\t\r\n", "empty file"),
    "bom-only.txt": (b"\xef\xbb\xbf\n", "empty file"),
    "header-only.txt": (b" date 2025-04-22 EN\n\n", "only a header: no title or body"),
    "binary.txt": (bytes(range(256)) * 8, "looks like binary data, not text"),
    "nul.txt": (
        b"Title\n\nA long enough body " * 20 + b"\x00 tail",
        "contains a NUL byte at offset",
    ),
    "date.txt": (b" date 2025-02-30 EN\nT\n\nBody\n", "impossible date 2025-02-30 in the header"),
    "utf16.txt": ("Title\n\nBody".encode("utf-16"), "looks like UTF-16"),
    "utf16nobom.txt": ("Title\n\nBody text".encode("utf-16-le"), "looks like UTF-16"),
    # an executable's head: zeros on both byte parities, so binary, not UTF-16
    "program.txt": (
        b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00>\x00\x01\x00\x00\x00" * 40,
        "looks like binary data, not text",
    ),
    "cp1251.txt": (
        " date 2025-04-22 RU\n Заголовок\n\n Текст.\n".encode("cp1251"),
        "not valid UTF-8 (byte 0xc7 at offset 21); if it is another encoding, "
        "pass --encoding, e.g. --encoding cp1251",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_reader_bad_input_gives_one_read_error(tmp_path, name):
    content, reason = BAD[name]
    path = write(tmp_path / name, content)
    err = read_one(path)
    assert isinstance(err, ReadError)
    assert err.source == str(path)
    assert reason in err.reason
    assert "\n" not in str(err)


def test_reader_cp1251_reads_with_encoding(tmp_path):
    path = write(tmp_path / "ru.txt", BAD["cp1251.txt"][0])
    doc = read_one(path, encoding="cp1251")
    assert (doc.title, doc.text, doc.lang) == ("Заголовок", "Заголовок\n\nТекст.", "ru")
    assert "unknown encoding 'klingon'" in read_one(path, encoding="klingon").reason


def test_reader_utf16_reads_with_encoding(tmp_path):
    path = write(tmp_path / "u.txt", "Title\n\nBody".encode("utf-16"))
    assert read_one(path, encoding="utf-16").text == "Title\n\nBody"


def test_reader_size_limit(tmp_path):
    path = write(tmp_path / "big.txt", "Title\n\n" + "x" * 6_000_000)
    assert read_one(path).reason == "6 MB is larger than the 5 MB limit (--max-size)"
    assert "larger than the 1 kB limit" in read_one(path, max_bytes=1000).reason
    assert isinstance(read_one(path, max_bytes=7_000_000), ParsedDoc)


def test_reader_missing_path_and_directory(tmp_path):
    assert read_one(tmp_path / "nope.txt").reason == "no such file or directory"
    assert read_one(tmp_path).reason == "is a directory"


def test_reader_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", "Title\n\nBody")
    real_open = Path.open

    def deny(self, *args, **kwargs):  # tests run as root, where chmod 000 does not stop reads
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    assert read_one(path).reason == "cannot read: permission denied"


def test_reader_jsonl_bad_line_keeps_good_lines(tmp_path):
    content = '{"text": "One."}\r\n{"text": 3}\r\n{oops\r\n{"text": "Four."}\r\n'
    out = list(read_file(write(tmp_path / "m.jsonl", content)))
    assert [getattr(x, "text", None) for x in out] == ["One.", None, None, "Four."]
    assert [(x.line, x.reason[:26]) for x in out if isinstance(x, ReadError)] == [
        (2, "field 'text' must be a str"),
        (3, "invalid JSON: Expecting pr"),
    ]


def test_reader_load_text_returns_str(tmp_path):
    assert load_text(write(tmp_path / "a.txt", "\ufeffA\r\nB")) == "\ufeffA\r\nB"


def test_reader_read_paths_errors_then_documents(tmp_path):
    write(tmp_path / "d/1.txt", "One\n\nBody")
    write(tmp_path / "d/2.jsonl", json.dumps({"text": "Two"}) + "\n")
    out = list(read_paths([tmp_path / "missing", tmp_path / "d"]))
    assert isinstance(out[0], ReadError) and out[0].reason == "no such file or directory"
    assert [d.text for d in out[1:]] == ["One\n\nBody", "Two"]


# -- real data ---------------------------------------------------------------------------------


def test_reader_reference_article(reference_article):
    doc = read_one(reference_article)
    assert doc.date == "2025-04-22" and doc.lang == "en"
    assert doc.external_id == "000_f39b50161cdf861f"


def test_reader_sample_corpus_parses(corpus_dir):
    results = list(read_paths(sorted(corpus_dir.glob("*.txt"))))
    errors = [str(r) for r in results if isinstance(r, ReadError)]
    docs = [r for r in results if isinstance(r, ParsedDoc)]
    assert errors == []
    assert len(docs) >= 30
    for doc in docs:
        assert doc.meta["format"] == "article"
        assert doc.title and doc.date and doc.time and doc.meta["author"]
        assert "\r" not in doc.text and "\ufeff" not in doc.text
        assert "Photo credit" not in doc.text and "Автор" not in doc.text
        assert doc.meta["author"] not in doc.text
        captions = {p["caption"] for p in doc.meta["photos"]}
        body = {doc.text[s["start"] : s["end"]] for s in doc.meta["sections"][1:]}
        assert not captions & body
    assert {d.lang for d in docs} >= {"en", "ru"}
    assert any("\u00a0" in d.text for d in docs)


def test_reader_a_brat_ann_file_alone_says_how_to_import_it(tmp_path):
    ann = write(tmp_path / "doc.ann", "T1\tPERSON 0 3\tabc\n")
    (err,) = list(read_file(ann))
    assert isinstance(err, ReadError) and "import the .txt beside it" in err.reason


def test_reader_bad_lang_option_names_the_file(tmp_path):
    path = write(tmp_path / "a.txt", "Title\n\nBody.\n")
    err = read_one(path, lang="../../x")
    assert isinstance(err, ReadError)
    assert str(err) == f"{path}: bad language code '../../x' (expected a code like en, kk or en-US)"


def test_reader_file_names_that_are_not_utf8_import_under_an_escaped_name(tmp_path):
    """A name with byte 0xff once stopped the whole import: the store could not write it."""
    import os

    from annotator.store import Store

    folder = tmp_path / "d"
    for i in range(7):
        write(folder / f"good{i}.txt", f"Title {i}\n\nBody {i}.\n")
    raw = os.fsencode(folder)
    for name, data in [
        (b"bad\xff.txt", b"Title\n\nBody bad."),
        (b"brat\xfe.txt", b"Tokayev spoke."),
        (b"brat\xfe.ann", b"T1\tPERSON 0 7\tTokayev\n"),
        (b"empty\xfd.txt", b""),
    ]:
        with open(raw + b"/" + name, "wb") as handle:
            handle.write(data)
    items = list(read_paths([folder]))
    docs = [i for i in items if isinstance(i, ParsedDoc)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(docs) == 9
    assert [str(e) for e in errors] == [f"{folder}/empty\\xfd.txt: empty file"]
    by_id = {d.external_id: d for d in docs}
    assert by_id["bad\\xff"].source == f"{folder}/bad\\xff.txt"
    assert by_id["brat\\xfe"].spans[0].text("Tokayev spoke.") == "Tokayev"  # .ann found
    results = Store().add_docs(docs)
    assert len({r.article_id for r in results}) == 9


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[{"id": 1, "data": {"text": "Hi"}}]', "looks like a JSON list"),
        ('{"text": "Hi"}\n{"text": "Yo"}\n', "looks like JSON Lines"),
        ("-DOCSTART- -X- O O\n\nTokayev B-PERSON\n", "looks like CoNLL"),
        ("Tokayev\tB-PERSON\nmet\tO\nAstana\tB-GPE\n", "looks like CoNLL"),
        ("[Update] Astana talks\n\nThe akim spoke.", None),
        ("{Breaking} Astana talks\n\nThe akim spoke.", None),
        ("Astana O\n\nA one-line title, then words.", None),
        ("Talks in Astana\n\nTokayev met Mirziyoyev.", None),
    ],
)
def test_reader_a_txt_holding_an_export_is_no_plain_text(tmp_path, text, reason):
    """An export under a .txt name was read as a plain-text article (its gold lost, its
    markup the article's text); --format still reads it as what it is."""
    result = only(list(read_file(write(tmp_path / "in.txt", text))))
    if reason is None:
        assert isinstance(result, ParsedDoc) and result.meta["format"] == "text"
    else:
        assert isinstance(result, ReadError) and result.reason.startswith(reason)
