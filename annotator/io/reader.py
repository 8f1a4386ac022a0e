"""Finding input files, reading them safely, and the registry of import formats.

Every problem with an input becomes one ``ReadError`` (a one-line reason naming the file);
nothing here raises for bad data. To add a format, register it::

    register_format(Format("conll", parse_conll, (".conll", ".iob", ".bio")))

A ``Format.read`` function takes the decoded text, the source path string and the
``--lang`` override, and yields ``ParsedDoc`` or ``ReadError`` objects. ``sniff(path, text)``
lets formats share a suffix (``.txt`` is brat, the article format or plain text).

Record formats (JSONL, Label Studio JSON) also have a ``stream`` function that reads the
open file one record at a time (:mod:`annotator.io.stream`): then ``--max-size`` limits each
record, not the file, and memory does not grow with the file. Every other format is read
whole, and its size limit is the file's.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from annotator.core.models import ParsedDoc, ReadError, Skipped
from annotator.io.article import is_article, parse_article
from annotator.io.errors import ParseError
from annotator.io.jsonl import read_jsonl
from annotator.io.plaintext import parse_plaintext
from annotator.io.shapes import export_shape
from annotator.io.stream import read_json, stream_json, stream_jsonl, streamable

DEFAULT_MAX_BYTES = 5_000_000
AUTO = "auto"

Item = ParsedDoc | ReadError | Skipped
BRAT_ANN = ".ann"  # brat annotations: read with the text file of the same name
ReadFn = Callable[[str, str, "str | None"], Iterable[Item]]
# (open binary file, source, --lang, encoding, max bytes per record) -> items
StreamFn = Callable[[BinaryIO, str, "str | None", str, int], Iterable[Item]]
ParseFn = Callable[[str, str, "str | None"], ParsedDoc]


@dataclass(frozen=True)
class Format:
    """An import format: its reader, the file suffixes it claims, and an optional sniffer.

    During auto-detection the formats claiming a suffix are tried in registry order;
    the first whose ``sniff(path, text)`` is true (or that has no sniffer) wins.
    """

    name: str
    read: ReadFn
    extensions: tuple[str, ...] = ()
    sniff: Callable[[Path, str], bool] | None = None
    stream: StreamFn | None = None


def single(parse: ParseFn) -> ReadFn:
    """Turn a one-document parser that raises ``ParseError`` into a reader."""

    def read(text: str, source: str, lang: str | None) -> Iterator[ParsedDoc | ReadError]:
        try:
            doc = parse(text, source, lang)
        except ParseError as err:
            yield ReadError(source, err.reason, err.line)
            return
        problems = doc.problems()
        yield ReadError(source, "; ".join(problems)) if problems else doc

    return read


FORMATS: dict[str, Format] = {}


def register_format(fmt: Format, *, first: bool = False) -> None:
    """Add (or replace) a format; ``first`` puts it ahead of the others in auto-detection."""
    if not first:
        FORMATS[fmt.name] = fmt
        return
    rest = [(name, f) for name, f in FORMATS.items() if name != fmt.name]
    FORMATS.clear()  # in place: importers of FORMATS keep seeing the registry
    FORMATS.update([(fmt.name, fmt), *rest])


def _sniff_article(path: Path, text: str) -> bool:
    return is_article(text)


register_format(Format("article", single(parse_article), (".txt",), sniff=_sniff_article))
register_format(Format("text", single(parse_plaintext), (".txt",)))
register_format(Format("jsonl", read_jsonl, (".jsonl", ".ndjson"), stream=stream_jsonl))
register_format(Format("labelstudio", read_json, (".json",), stream=stream_json))


def _read_brat(text: str, source: str, lang: str | None) -> Iterator[ParsedDoc | ReadError]:
    from annotator.io.brat_read import parse_brat_txt

    return parse_brat_txt(text, source, lang)


def _has_ann(path: Path, text: str) -> bool:
    return path.with_suffix(".ann").is_file()


def _read_conll(text: str, source: str, lang: str | None) -> Iterator[ParsedDoc | ReadError]:
    from annotator.io.conll import parse_conll  # imports spaCy: only when a CoNLL file comes

    return parse_conll(text, source, lang)


# a .txt with a .ann beside it is a brat document, before any other reading of .txt
register_format(Format("brat", _read_brat, (".txt",), sniff=_has_ann), first=True)
register_format(Format("conll", _read_conll, (".conll", ".iob", ".bio")))


# the names ``annotator export --format`` writes under that import reads with a format of
# its own (doccano's JSONL is a JSONL file, its CoNLL a CoNLL file): ``--format doccano``
# takes back what ``export --format doccano`` wrote
ALIASES = {"doccano": "jsonl", "doccano-conll": "conll"}
# what an export writes that is not for import
NOT_IMPORTABLE = {
    ".spacy": "a spaCy DocBin (export --format spacy) is for spaCy training, not for "
    "import: export the gold as jsonl to import it"
}


def import_format(name: str) -> str:
    """The import format a name stands for (an export's format name, or its own)."""
    return ALIASES.get(name, name)


def formats_by_name(path: Path) -> list[str]:
    """The formats that may read ``path`` by its suffix alone, in detection order (a
    ``.txt`` may be brat, an article or plain text); empty: it needs ``--format``."""
    suffix = path.suffix.lower()
    return [f.name for f in FORMATS.values() if suffix in f.extensions]


def extensions(fmt: str = AUTO) -> frozenset[str]:
    """The suffixes a directory scan picks up for a format ("auto": all formats)."""
    fmt = import_format(fmt)
    chosen = FORMATS.values() if fmt == AUTO else [FORMATS[fmt]]
    return frozenset(ext for f in chosen for ext in f.extensions)


def detect_format(path: Path, text: str) -> str | None:
    """The format of a file from its suffix and, where suffixes are shared, its content."""
    suffix = path.suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions and (fmt.sniff is None or fmt.sniff(path, text)):
            return fmt.name
    return None


# -- finding files ----------------------------------------------------------------------------


def display_name(path: str | Path) -> str:
    """The path as text that can be stored in SQLite and printed.

    A POSIX file name may hold any bytes; Python keeps the ones that are not UTF-8 as lone
    surrogates, which cannot be written as UTF-8. They are shown as ``\\xff`` escapes.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(text).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that no file name can hold
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _displayable(item: Item) -> Item:
    """The item with the path-derived fields (source, id, the reason) made storable."""
    if isinstance(item, ParsedDoc):
        item.source = display_name(item.source)
        if item.external_id is not None:
            item.external_id = display_name(item.external_id)
        return item
    return replace(item, source=display_name(item.source), reason=display_name(item.reason))


def collect_files(
    paths: Sequence[str | Path], fmt: str = AUTO
) -> tuple[list[Path], list[ReadError | Skipped]]:
    """Expand directories (recursively, sorted) into the files to import.

    Hidden files and directories and README* are left out of directories silently; a
    folder's other files of no format import reads are each named (``Skipped``), and brat
    annotations without their text file are an error. Files named explicitly are always
    kept. Missing paths become errors.
    """
    fmt = import_format(fmt)
    if fmt != AUTO and fmt not in FORMATS:
        return [], [ReadError("--format", _unknown_format(fmt))]
    suffixes = extensions(fmt)
    files: list[Path] = []
    errors: list[ReadError | Skipped] = []
    seen: set[str] = set()
    for path in map(Path, paths):
        found = _expand(path, suffixes, errors)
        for file in found:
            key = os.path.abspath(file)  # not resolve(): a syscall per path, 100k files
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, errors


def _expand(path: Path, suffixes: frozenset[str], errors: list[ReadError | Skipped]) -> list[Path]:
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        errors.append(ReadError(display_name(path), "no such file or directory"))
        return []
    except OSError as err:
        errors.append(ReadError(display_name(path), f"cannot access: {err.strerror or err}"))
        return []
    if not is_dir:
        return [path]
    found = _walk(path, suffixes, errors)
    if not found:
        wanted = ", ".join(sorted(suffixes))
        errors.append(
            ReadError(display_name(path), f"no files to import in this directory ({wanted})")
        )
    return found


def _walk(root: Path, suffixes: frozenset[str], errors: list[ReadError | Skipped]) -> list[Path]:
    def on_error(err: OSError) -> None:
        errors.append(
            ReadError(display_name(err.filename or root), f"cannot list: {err.strerror or err}")
        )

    found: list[tuple[tuple[str, ...], Path]] = []
    left: list[tuple[tuple[str, ...], Path, bool]] = []  # and: brat annotations, no text
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
        rel = os.path.relpath(dirpath, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        base = Path(dirpath)
        names = set(filenames)
        for name in filenames:
            if _wanted(name, suffixes):
                found.append((parts + (name,), base / name))
                continue
            if _hidden(name):
                continue
            stem, suffix = os.path.splitext(name)
            with_text = suffix.lower() == BRAT_ANN and f"{stem}.txt" in names
            if with_text and ".txt" in suffixes:
                continue  # read with its text file
            orphan = suffix.lower() == BRAT_ANN and not with_text
            left.append((parts + (name,), base / name, orphan))
    found.sort(key=lambda item: item[0])
    for _, file, orphan in sorted(left, key=lambda item: item[0]):
        errors.append(_left_out(file, orphan))
    return [file for _, file in found]


def _hidden(name: str) -> bool:
    """A file of a folder left out without a word: hidden, a README, a package marker."""
    return name.startswith(".") or name.lower().startswith("readme") or name == "__init__.py"


def _left_out(file: Path, orphan: bool) -> ReadError | Skipped:
    """Why a folder's file is not imported: brat annotations without their text (``orphan``)
    are an error (their gold would be lost without a word), another file a skip, named."""
    if orphan:
        return ReadError(
            display_name(file),
            f"brat annotations without their text file ({file.stem}.txt) beside them: not imported",
        )
    return Skipped(display_name(file), "not a file format import reads (by its name): left out")


def _wanted(name: str, suffixes: frozenset[str]) -> bool:
    return not _hidden(name) and os.path.splitext(name)[1].lower() in suffixes


# -- reading one file -------------------------------------------------------------------------


def read_file(
    path: Path | str,
    *,
    fmt: str = AUTO,
    lang: str | None = None,
    encoding: str = "utf-8",
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep: Callable[[int], bool] | None = None,
) -> Iterator[Item]:
    """Yield the documents in one file, or ReadErrors; never raises for bad input.

    A record format (:func:`stream_format`) is read a record at a time, ``max_bytes`` per
    record; any other file is read whole, ``max_bytes`` for the file. ``keep`` (JSON Lines
    only, see :func:`lines_shared`): which lines to read, by number."""
    path, fmt = Path(path), import_format(fmt)
    source = display_name(path)
    if fmt == AUTO and (why := NOT_IMPORTABLE.get(path.suffix.lower())):
        yield ReadError(source, why)
        return
    streamed = stream_format(path, fmt, encoding)
    if streamed is not None:
        yield from _read_stream(path, streamed, lang, encoding, max_bytes, keep)
        return
    loaded = load_text(path, encoding=encoding, max_bytes=max_bytes)
    if isinstance(loaded, ReadError):
        yield loaded
        return
    name = fmt if fmt != AUTO else detect_format(path, loaded)
    if fmt == AUTO and name == "text" and (shape := export_shape(loaded)):
        yield ReadError(source, shape)  # an export under a .txt name: not an article
        return
    if name is None and path.suffix.lower() == ".ann":
        yield ReadError(source, "brat annotations: import the .txt beside it, or the folder")
        return
    if name is None:
        known = ", ".join(sorted(extensions()))
        yield ReadError(source, f"unsupported file type (known: {known}); pass --format")
        return
    if name not in FORMATS:
        yield ReadError(source, _unknown_format(name))
        return
    # the parser gets the real path (brat opens the .ann beside it); what comes out
    # must name the file in storable text
    real = str(path)
    try:
        for item in FORMATS[name].read(loaded, real, lang):
            yield item if real == source else _displayable(item)
    except Exception as exc:  # a parser bug must not abort a batch import of many files
        yield ReadError(source, display_name(f"could not parse ({type(exc).__name__}: {exc})"))


def stream_format(path: Path, fmt: str = AUTO, encoding: str = "utf-8") -> Format | None:
    """The record format this file is streamed as, or None when it is read whole."""
    if not streamable(encoding):
        return None
    fmt = import_format(fmt)
    if fmt != AUTO:
        found = FORMATS.get(fmt)
    else:
        suffix = path.suffix.lower()
        found = next((f for f in FORMATS.values() if suffix in f.extensions), None)
    return found if found is not None and found.stream is not None and not found.sniff else None


def lines_shared(path: Path, fmt: str = AUTO, encoding: str = "utf-8") -> bool:
    """Whether processes can share this file's reading by lines (``read_file(keep=...)``):
    a JSON Lines file, whose records are lines."""
    found = stream_format(path, fmt, encoding)
    return found is not None and found.stream is stream_jsonl


def _read_stream(
    path: Path,
    fmt: Format,
    lang: str | None,
    encoding: str,
    max_bytes: int,
    keep: Callable[[int], bool] | None = None,
) -> Iterator[Item]:
    source = display_name(path)
    handle = _open(path)
    if isinstance(handle, ReadError):
        yield handle
        return
    real = str(path)
    with handle:
        head = handle.read(SAMPLE)
        handle.seek(0)
        bad = _Bad("empty file") if not head.strip() else _check_bytes(head, sample_only=True)
        if bad:
            yield ReadError(source, bad.reason)
            return
        assert fmt.stream is not None
        try:
            items = (
                fmt.stream(handle, real, lang, encoding, max_bytes)
                if keep is None
                else stream_jsonl(handle, real, lang, encoding, max_bytes, keep)
            )
            for item in items:
                yield item if real == source else _displayable(item)
        except Exception as exc:  # a parser bug must not abort a batch import of many files
            reason = f"could not parse ({type(exc).__name__}: {exc})"
            yield ReadError(source, display_name(reason))


def _open(path: Path) -> BinaryIO | ReadError:
    source = display_name(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return ReadError(source, "is a directory")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device could block or never end
            return ReadError(source, "not a regular file")
        return path.open("rb")
    except FileNotFoundError:
        return ReadError(source, "no such file or directory")
    except PermissionError:
        return ReadError(source, "cannot read: permission denied")
    except OSError as err:
        return ReadError(source, f"cannot read: {err.strerror or err}")


def read_paths(
    paths: Sequence[str | Path],
    *,
    fmt: str = AUTO,
    lang: str | None = None,
    encoding: str = "utf-8",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """``collect_files`` then ``read_file`` on each: everything a user named, in order."""
    files, errors = collect_files(paths, fmt)
    yield from errors
    for file in files:
        yield from read_file(file, fmt=fmt, lang=lang, encoding=encoding, max_bytes=max_bytes)


def _unknown_format(name: str) -> str:
    return f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})"


def load_text(
    path: Path, *, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES
) -> str | ReadError:
    """The decoded content of a file, or the one reason it cannot be imported."""
    source = display_name(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return ReadError(source, "is a directory")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device could block or never end
            return ReadError(source, "not a regular file")
        size = info.st_size
        if size > max_bytes:
            return ReadError(source, _too_big(size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return ReadError(source, "no such file or directory")
    except PermissionError:
        return ReadError(source, "cannot read: permission denied")
    except OSError as err:
        return ReadError(source, f"cannot read: {err.strerror or err}")
    if len(data) > max_bytes:
        return ReadError(source, _too_big(len(data), max_bytes))
    result = decode(data, encoding)
    return ReadError(source, result.reason) if isinstance(result, _Bad) else result


def _too_big(size: int, limit: int) -> str:
    return f"{_human(size)} is larger than the {_human(limit)} limit (--max-size)"


def _human(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    if size >= 1_000:
        return f"{size / 1_000:.3g} kB"
    return f"{size} byte" if size == 1 else f"{size} bytes"


# -- decoding ---------------------------------------------------------------------------------

# C0 controls other than tab, LF, VT, FF, CR, plus DEL: rare in text, common in binaries
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r") + b"\x7f"
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
SAMPLE = 4096
BINARY_RATIO = 0.05
UTF8_NAMES = frozenset({"utf-8", "utf8", "utf-8-sig", "u8"})
BINARY = "looks like binary data, not text"


@dataclass(frozen=True)
class _Bad:
    reason: str


@lru_cache(maxsize=32)
def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII bytes mean ASCII text (so control bytes can be checked undecoded)."""
    return "a\n\x00".encode(encoding) == b"a\n\x00"


def decode(data: bytes, encoding: str = "utf-8") -> str | _Bad:
    """Decode bytes, or say in one line why they are not importable text."""
    if not data or data.isspace():
        return _Bad("empty file")
    utf8 = encoding.lower().replace("_", "-") in UTF8_NAMES
    if utf8 and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _Bad("looks like UTF-16 text (byte-order mark); pass --encoding utf-16")
    try:
        ascii_compatible = _ascii_compatible(encoding)
    except LookupError:
        return _Bad(f"unknown encoding {encoding!r} (--encoding)")
    # checking the bytes is ~10x faster than a regex over the decoded text
    bad = _check_bytes(data) if ascii_compatible else None
    if bad:
        return bad
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        return _Bad(_not_encoded(encoding, utf8, data, err))
    if not utf8 and not data.isascii() and _is_utf8(data):
        # real text in a legacy encoding (cp1251, latin-1 ...) is not valid UTF-8 once it
        # has a letter outside ASCII: this file is UTF-8, and --encoding (given for the
        # other files of a folder, say) would store it garbled ("РџСЂРµРјСЊРµСЂ")
        return _Bad(
            f"UTF-8 text, but --encoding {encoding} was given: read so, its non-ASCII "
            "letters would be garbled; import it without --encoding"
        )
    bad = None if ascii_compatible else _check_text(text)
    if bad:
        return bad
    body = text[1:] if text.startswith("\ufeff") else text
    return _Bad("empty file") if not body or body.isspace() else text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_bytes(data: bytes, sample_only: bool = False) -> _Bad | None:
    """Why these bytes are not text, if they are not (``sample_only``: only the start of
    a file that is read line by line; a NUL further on is that line's error)."""
    sample = data[:SAMPLE]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    nul = data.find(b"\x00")
    even, odd = sample[::2].count(0), sample[1::2].count(0)
    # UTF-16 text has its zeros on one side only (the high bytes of Latin text); a binary
    # file (an executable) has them on both
    if nul >= 0 and max(even, odd) > len(sample) // 4 and min(even, odd) * 10 < max(even, odd):
        return _Bad("looks like UTF-16 text; pass --encoding utf-16")
    if controls > len(sample) * BINARY_RATIO:
        return _Bad(BINARY)
    if nul >= 0 and not sample_only:
        return _Bad(f"contains a NUL byte at offset {nul} (corrupted file?)")
    return None


def _check_text(text: str) -> _Bad | None:
    sample = text[:SAMPLE]
    if CONTROL_RE.search(sample) and len(CONTROL_RE.findall(sample)) > len(sample) * BINARY_RATIO:
        return _Bad(BINARY)
    if "\x00" in text:
        return _Bad(f"contains a NUL character at offset {text.index(chr(0))} (corrupted file?)")
    return None


def _not_encoded(encoding: str, utf8: bool, data: bytes, err: UnicodeDecodeError) -> str:
    where = f"byte 0x{data[err.start]:02x} at offset {err.start}"
    if utf8:
        hint = "if it is another encoding, pass --encoding, e.g. --encoding cp1251"
        return f"not valid UTF-8 ({where}); {hint}"
    return f"not valid {encoding} ({where}); pass the right --encoding"
