"""The streamed DocBin file is byte for byte the one spaCy's DocBin writes."""

from __future__ import annotations

import pytest
from spacy.tokens import DocBin

from annotator.io.docbin import ATTRS
from annotator.io.docbin_stream import DocBinWriter, doc_parts
from annotator.io.tokens import blank

TEXTS = ["Tokayev met Mirziyoyev in Astana, didn't he?", "", "Ещё  один\n\nтекст 😀.", "x" * 300]


@pytest.mark.parametrize("user_data", [True, False])
@pytest.mark.parametrize("count", [0, 1, 4])
def test_docbin_stream_same_bytes_as_docbin(tmp_path, user_data, count):
    docs = [blank("en" if i == 0 else "xx")(t) for i, t in enumerate(TEXTS[:count])]
    for i, doc in enumerate(docs):
        doc.user_data["meta"] = {"n": i}
        doc.cats = {"A": 0.5} if i % 2 else {}
        if len(doc):
            doc.spans["sc"] = [doc[0:1]]
            doc.set_ents([doc.char_span(0, len(doc[0].text), label="X")])
    DocBin(attrs=ATTRS, store_user_data=user_data, docs=docs).to_disk(tmp_path / "spacy.spacy")
    writer = DocBinWriter(ATTRS, store_user_data=user_data)
    for doc in docs:
        writer.add(doc_parts(doc, ATTRS, user_data))
    writer.write(tmp_path / "ours.spacy")
    assert len(writer) == count
    assert (tmp_path / "ours.spacy").read_bytes() == (tmp_path / "spacy.spacy").read_bytes()
