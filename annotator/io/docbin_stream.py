"""``DocBin.to_disk`` written as the documents come, byte for byte, in flat memory.

spaCy's ``DocBin`` keeps every document's token array, user data and span groups in memory
until ``to_bytes`` joins them into one msgpack map and compresses it: ~40 kB per 400-word
article, 400 MB for 10,000, twice that while joining. :class:`DocBinWriter` keeps each
field's items in a temporary file instead (the map's arrays already msgpack-encoded) and,
at the end, streams the same map through ``zlib.compressobj`` (whose output does not
depend on how its input is cut). In memory stay the strings (as ``DocBin`` has them, one
set: the vocabulary of the texts, not the texts) and one int32 length per document.

The per-document values are ``DocBin.add``'s (:func:`doc_parts`, the same calls, the token
strings read without ``Token`` objects); the map's keys and order are ``DocBin.to_bytes``'s.
A test compares the file with a real ``DocBin``'s, so a spaCy upgrade that changes either
shows there.
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
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
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
    """``DocBin.add(doc)``'s values, with the token strings read from the token structs in
    one pass (``DocBin.add`` makes a ``Token`` object per token for them: ~2/3 of a
    DocBin export's time)."""
    one = DocBin(attrs=attrs, store_user_data=store_user_data)
    array = doc.to_array(one.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    spaces = numpy.asarray(doc.to_array(SPACY).reshape((-1, 1)), dtype=bool)
    pack = srsly.msgpack.Packer(use_bin_type=True).pack
    return DocParts(
        tokens=array.tobytes("C"),
        spaces=spaces.tobytes("C"),
        length=len(array),
        strings=frozenset(_strings(doc)),
        cats=pack(doc.cats),
        flags=pack({"has_unknown_spaces": doc.has_unknown_spaces}),
        user_data=pack(srsly.msgpack_dumps(doc.user_data)) if store_user_data else None,
        span_groups=pack(doc.spans.to_bytes()),
    )


# the token strings DocBin.add keeps: text, tag_, lemma_, norm_, morph, dep_, ent_type_,
# ent_kb_id_, ent_id_ (by their hashes; a tokenizer's docs have no tag, lemma, morph, dep)
_STRING_ATTRS = [ORTH, NORM, ENT_TYPE, ENT_KB_ID, ENT_ID]
_ANALYSED = [TAG, LEMMA, MORPH, DEP]


def _strings(doc: Doc) -> set[str]:
    if len(doc) and doc.to_array(_ANALYSED).any():  # a parsed doc: DocBin's own way
        one = DocBin()
        one.add(doc)
        return one.strings
    lookup = doc.vocab.strings
    strings = {lookup[h] for h in set(doc.to_array(_STRING_ATTRS).ravel().tolist())}
    if len(doc):
        strings.add("")  # the empty tag, lemma, morph and dep
    for group in doc.spans.values():
        for span in group:
            strings.add(span.label_)
            if span.kb_id in lookup:
                strings.add(span.kb_id_)
            if span.id in lookup:
                strings.add(span.id_)
    return strings


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
            name: tempfile.TemporaryFile()
            for name in FIELDS  # noqa: SIM115 closed in write
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
