"""``DocBin.to_disk`` written as the documents come, byte for byte, in flat memory.

spaCy's ``DocBin`` keeps every document's token array, user data and span groups in memory
until ``to_bytes`` joins them into one msgpack map and compresses it: ~40 kB per 400-word
article, 400 MB for 10,000, twice that while joining. :class:`DocBinWriter` keeps each
field's items in a temporary file instead (the map's arrays already msgpack-encoded) and,
at the end, streams the same map through ``zlib.compressobj`` (whose output does not
depend on how its input is cut). In memory stay the strings (as ``DocBin`` has them, one
set: the vocabulary of the texts, not the texts) and one int32 length per document.

The per-document values come from ``DocBin.add`` itself (:func:`doc_parts`), so a spaCy
upgrade that changes what is stored per document changes both the same way; the map's
keys and order are ``DocBin.to_bytes``'s (checked by a test against a real ``DocBin``).
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy
import srsly.msgpack
from spacy.tokens import Doc, DocBin

COPY = 1 << 20


@dataclass(frozen=True)
class DocParts:
    """What ``DocBin.add`` stores for one document (picklable: made in a worker)."""

    tokens: bytes
    spaces: bytes
    length: int
    strings: frozenset[str]
    cats: bytes  # the msgpack of each value, as it will sit in the map's arrays
    flags: bytes
    user_data: bytes | None
    span_groups: bytes


def doc_parts(doc: Doc, attrs: list[Any], store_user_data: bool = True) -> DocParts:
    one = DocBin(attrs=attrs, store_user_data=store_user_data)
    one.add(doc)
    pack = srsly.msgpack.Packer(use_bin_type=True).pack
    return DocParts(
        tokens=one.tokens[0].tobytes("C"),
        spaces=one.spaces[0].tobytes("C"),
        length=len(one.tokens[0]),
        strings=frozenset(one.strings),
        cats=pack(one.cats[0]),
        flags=pack(one.flags[0]),
        user_data=pack(one.user_data[0]) if store_user_data else None,
        span_groups=pack(one.span_groups[0]),
    )


FIELDS = ("tokens", "spaces", "cats", "flags", "span_groups", "user_data")


class DocBinWriter:
    """Collects :class:`DocParts`; :meth:`write` makes the file ``DocBin.to_disk`` would."""

    def __init__(self, attrs: list[Any], store_user_data: bool = True) -> None:
        model = DocBin(attrs=attrs, store_user_data=store_user_data)
        self.version, self.attrs = model.version, model.attrs
        self.store_user_data = store_user_data
        self.strings: set[str] = set()
        self.lengths: list[int] = []
        self._files: dict[str, IO[bytes]] = {
            name: tempfile.TemporaryFile() for name in FIELDS  # noqa: SIM115 closed in write
        }
        self._sizes = dict.fromkeys(FIELDS, 0)

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, parts: DocParts) -> None:
        self.lengths.append(parts.length)
        self.strings |= parts.strings
        for name in FIELDS:
            value = getattr(parts, name)
            if value is not None:
                self._files[name].write(value)
                self._sizes[name] += len(value)

    def write(self, path: Path) -> None:
        pack = srsly.msgpack.Packer(use_bin_type=True).pack
        header = srsly.msgpack.Packer(use_bin_type=True)
        n = len(self.lengths)
        with Path(path).open("wb") as out:
            z = zlib.compressobj()

            def put(data: bytes) -> None:
                out.write(z.compress(data))

            put(header.pack_map_header(10 if self.store_user_data else 9))
            put(pack("version") + pack(self.version) + pack("attrs") + pack(self.attrs))
            lengths = numpy.asarray(self.lengths, dtype="int32").tobytes("C")
            for name in ("tokens", "spaces"):
                put(pack(name) + _bin_header(self._sizes[name]))
                self._copy(name, put)
            put(pack("lengths") + pack(lengths))
            put(pack("strings") + pack(sorted(self.strings)))
            for name in ("cats", "flags", "span_groups") + (
                ("user_data",) if self.store_user_data else ()
            ):
                put(pack(name) + header.pack_array_header(n))
                self._copy(name, put)
            out.write(z.flush())
        for f in self._files.values():
            f.close()

    def _copy(self, name: str, put: Any) -> None:
        f = self._files[name]
        f.seek(0)
        while chunk := f.read(COPY):
            put(chunk)


def _bin_header(size: int) -> bytes:
    """msgpack's header for ``size`` raw bytes (bin 8/16/32, as the packer picks)."""
    if size < 1 << 8:
        return b"\xc4" + struct.pack(">B", size)
    if size < 1 << 16:
        return b"\xc5" + struct.pack(">H", size)
    return b"\xc6" + struct.pack(">I", size)
