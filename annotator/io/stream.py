"""Reading record files (JSON Lines, a JSON array of tasks) one record at a time.

A JSONL file of 10,000 articles is ~50 MB; read whole it held every article in memory
at once. These readers keep one record (and a read buffer) in memory instead, so an import's
memory does not grow with the number of records. The size limit (``--max-size``) applies to
each record, not to the file: it is there against one runaway article.

Only encodings in which a newline byte is a newline (UTF-8, cp1251, latin-1, ...) are
read this way; for others (UTF-16) :func:`streamable` is false and the file is read whole.
Each line is decoded on its own, so one badly encoded or oversized line is one error and
the next lines still come in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

from annotator.core.models import ParsedDoc, ReadError, Skipped
from annotator.io.errors import ParseError

CHUNK = 1 << 16
NUL = b"\x00"
WHITESPACE = re.compile(r"[ \t\r\n]*")
REST = "; the rest of the file is not read (the tasks before it are)"


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be read: its 1-based line (or task number) and why."""

    line: int
    reason: str
    fatal: bool = False  # the rest of the file cannot be read either


@lru_cache(maxsize=32)
def streamable(encoding: str) -> bool:
    """Whether lines of this encoding can be split on the byte ``\\n`` before decoding."""
    try:
        return "a\n\x00é".encode(encoding, "replace")[:3] == b"a\n\x00"
    except LookupError:
        return False


def too_big(size: int, limit: int, what: str) -> str:
    from annotator.io.reader import _human

    return f"{what} of {_human(size)} is larger than the {_human(limit)} limit (--max-size)"


def _decode(raw: bytes, encoding: str, first: bool) -> str:
    """A line's text; raises UnicodeDecodeError or ValueError (a NUL byte) with a reason."""
    if first:
        raw = raw.removeprefix(b"\xef\xbb\xbf") if encoding.lower() != "utf-16" else raw
    if NUL in raw:
        raise ValueError(f"contains a NUL byte at offset {raw.index(NUL)} (corrupted file?)")
    return raw.decode(encoding).removeprefix("\ufeff")


def iter_lines(
    handle: BinaryIO, encoding: str, max_bytes: int
) -> Iterator[tuple[int, str | BadRecord]]:
    """``(line number, text)`` for every non-blank line, or a ``BadRecord`` for a line
    longer than ``max_bytes`` or not in ``encoding``. Lines end at ``\\n`` only (JSON
    strings may hold U+2028, which ``str.splitlines`` would also break at)."""
    line_no = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw) + _skip_line(handle)
            yield line_no, BadRecord(line_no, too_big(size, max_bytes, "a line"))
            continue
        if not raw.strip():
            continue
        try:
            yield line_no, _decode(raw, encoding, line_no == 1)
        except UnicodeDecodeError as err:
            where = f"byte 0x{raw[err.start]:02x} at offset {err.start} of the line"
            yield line_no, BadRecord(line_no, f"not valid {encoding} ({where}); pass --encoding")
        except ValueError as err:
            yield line_no, BadRecord(line_no, str(err))


def _skip_line(handle: BinaryIO) -> int:
    """Read past the rest of the current line; return how many bytes that was."""
    skipped = 0
    while chunk := handle.readline(CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def first_char(handle: BinaryIO, encoding: str) -> str:
    """The first character that is not whitespace (or a BOM), without consuming anything."""
    start = handle.tell()
    head = handle.read(CHUNK)
    handle.seek(start)
    try:
        text = head.decode(encoding, "ignore").lstrip("\ufeff \t\r\n")
    except LookupError:
        return ""
    return text[:1]


def iter_array(
    handle: BinaryIO, encoding: str, max_bytes: int
) -> Iterator[tuple[int, Any | BadRecord]]:
    """The items of a JSON array (``[{...}, {...}]``), one at a time: ``(number, item)``.

    An item that is not valid JSON, or larger than ``max_bytes``, is a fatal ``BadRecord``:
    inside an array the next item cannot be found reliably after it. The items before it
    have been yielded already.
    """
    reader = _ArrayReader(handle, encoding, max_bytes)
    yield from reader.items()


class _ArrayReader:
    def __init__(self, handle: BinaryIO, encoding: str, max_bytes: int) -> None:
        import codecs

        self.handle, self.max_bytes = handle, max_bytes
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.buf, self.pos, self.eof = "", 0, False
        self.json = json.JSONDecoder()

    def more(self, at_least: int = CHUNK) -> bool:
        """Append at least ``at_least`` more characters (less at the end of the file)."""
        if self.eof:
            return False
        self.buf = self.buf[self.pos :]
        self.pos = 0
        got = 0
        while got < at_least:
            raw = self.handle.read(max(at_least - got, CHUNK))
            text = self.decoder.decode(raw, final=not raw)
            self.buf += text
            got += len(text)
            if not raw:
                self.eof = True
                break
        return True

    def skip_ws(self) -> None:
        while True:
            self.pos = WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or not self.more():
                return

    def peek(self) -> str:
        self.skip_ws()
        return self.buf[self.pos : self.pos + 1]

    def items(self) -> Iterator[tuple[int, Any | BadRecord]]:
        try:
            self.skip_ws()
            self.buf = self.buf.removeprefix("\ufeff") if self.pos == 0 else self.buf
            if self.peek() != "[":
                yield 1, BadRecord(1, "expected a JSON array of tasks ([...])", fatal=True)
                return
            self.pos += 1
            n = 0
            if self.peek() == "]":
                return
            while True:
                n += 1
                item = self.item(n)
                yield n, item
                if isinstance(item, BadRecord):
                    return
                sep = self.peek()
                self.pos += 1
                if sep == "]":
                    return
                if sep != ",":
                    what = "the end of the file" if not sep else repr(sep)
                    reason = f"after task {n}: expected ',' or ']', found {what} (truncated?)"
                    yield n + 1, BadRecord(n + 1, reason, fatal=True)
                    return
        except UnicodeDecodeError as err:
            yield 0, BadRecord(0, f"not valid text in this encoding ({err.reason})", fatal=True)

    def item(self, n: int) -> Any | BadRecord:
        self.skip_ws()
        want = CHUNK
        while True:
            try:
                obj, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as err:
                if not _incomplete(err, self.buf):
                    return BadRecord(n, f"task {n}: invalid JSON: {err.msg}" + REST, fatal=True)
                if len(self.buf) - self.pos > self.max_bytes:
                    size = len(self.buf) - self.pos
                    reason = too_big(size, self.max_bytes, f"task {n}") + REST
                    return BadRecord(n, reason, fatal=True)
                if self.more(want):
                    want *= 2  # an item longer than the buffer: read in doubling steps
                    continue
                reason = f"task {n}: invalid JSON: the file ends inside it (truncated?)"
                return BadRecord(n, reason, fatal=True)
            except RecursionError:
                return BadRecord(n, f"task {n}: invalid JSON: nested too deeply", fatal=True)
            self.pos = end
            return obj


def _incomplete(err: json.JSONDecodeError, buf: str) -> bool:
    """Whether more input could make this JSON valid (the error is at the buffer's end)."""
    return err.msg.startswith("Unterminated string") or err.pos >= len(buf.rstrip()) - 1


# -- the record formats -------------------------------------------------------------------


def stream_jsonl(
    handle: BinaryIO,
    source: str,
    lang: str | None,
    encoding: str,
    max_bytes: int,
    keep: Callable[[int], bool] | None = None,
) -> Iterator[ParsedDoc | ReadError | Skipped]:
    """JSON Lines (ours, Prodigy, doccano, Label Studio tasks), a line at a time.

    ``keep(line number)``, called for each line before its items come, says whether to
    read it: processes that share a file's lines read the same file and each keeps its
    own (:mod:`annotator.workflows.import_reader`)."""
    from annotator.io.jsonl import parse_line_items

    for line_no, line in iter_lines(handle, encoding, max_bytes):
        if keep is not None and not keep(line_no):
            continue
        if isinstance(line, BadRecord):
            yield ReadError(source, line.reason, line_no)
        else:
            yield from parse_line_items(line, source, lang, line_no)


def stream_json(
    handle: BinaryIO, source: str, lang: str | None, encoding: str, max_bytes: int
) -> Iterator[ParsedDoc | ReadError | Skipped]:
    """A Label Studio JSON export: a list of tasks (read one task at a time) or one task.
    A list may also hold records as JSONL lines do (``{"text": ..., "spans": [...]}``)."""
    if first_char(handle, encoding) != "[":
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            yield ReadError(source, too_big(len(data), max_bytes, "a JSON file that is not a list"))
            return
        yield from read_json(data.decode(encoding), source, lang)
        return
    for n, item in iter_array(handle, encoding, max_bytes):
        if isinstance(item, BadRecord):
            yield ReadError(source, item.reason)
        else:
            yield from task_items(item, source, lang, n)


def read_json(text: str, source: str, lang: str | None) -> Iterator[ParsedDoc | ReadError]:
    """A whole Label Studio JSON export (for encodings :func:`stream_json` cannot split)."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        yield ReadError(source, f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})")
        return
    except RecursionError:
        yield ReadError(source, "invalid JSON: nested too deeply")
        return
    tasks = data if isinstance(data, list) else [data]
    for n, task in enumerate(tasks, 1):
        yield from task_items(task, source, lang, n)


def task_items(task: Any, source: str, lang: str | None, n: int) -> Iterator[ParsedDoc | ReadError]:
    """The documents of the ``n``-th task of a JSON file, or why it cannot be imported."""
    from annotator.io.jsonl import _kind, parse_object
    from annotator.io.labelstudio import is_task, parse_task, task_label

    if isinstance(task, dict) and isinstance(task.get("text"), str):
        try:  # a record as a JSONL line holds it (Prodigy and doccano write such lists)
            yield parse_object(task, source, lang, None)
        except ParseError as err:
            yield ReadError(source, f"record {n}: {err.reason}")
        return
    if not is_task(task):
        found = "an object without 'data' or 'text'" if isinstance(task, dict) else _kind(task)
        yield ReadError(source, f"{task_label(task, n)}expected a Label Studio task, found {found}")
        return
    try:
        yield from parse_task(task, source, lang, None, n)
    except ParseError as err:
        yield ReadError(source, err.reason)
