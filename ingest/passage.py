"""The unit of everything downstream: a passage of a document, with its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

KINDS = ("body", "footnote", "list", "header", "signature")


def passage_id(doc_id: str, text: str) -> str:
    """Stable id: the same text in the same document always gets the same id."""
    return hashlib.sha1(f"{doc_id}\n{text}".encode()).hexdigest()[:20]


@dataclass
class Passage:
    doc_id: str
    doc_title: str
    text: str                      # what is shown and quoted (NFC, no markdown)
    section: str = ""              # readable path, parts joined by " › "
    kind: str = "body"             # one of KINDS
    footnotes: list[int] = field(default_factory=list)  # footnote numbers cited / carried
    start: int = 0                 # character span in the normalised source
    end: int = 0
    context: str = ""              # for a footnote: the sentence that cites it
    source_id: str = ""            # record id (JSONL import); defaults to doc_id
    page: int = 0                  # page of a PDF the passage starts on (0: not paged)

    @property
    def id(self) -> str:
        return passage_id(self.doc_id, self.text)

    @property
    def embed_text(self) -> str:
        """Text given to the embedding model: the two nearest headings of the section path (the
        full path costs up to a quarter of the embedding time), the citing context, the passage."""
        parts = [" › ".join(self.section.split(" › ")[-2:]), self.context, self.text]
        return "\n".join(p for p in parts if p)

    @property
    def index_text(self) -> str:
        """Text given to the retrievers: section path, citing context, then the passage."""
        parts = [self.section, self.context, self.text]
        return "\n".join(p for p in parts if p)


@dataclass
class Document:
    doc_id: str                    # stable: derived from the file name
    title: str
    source_path: str
    content_hash: str              # identifies the content as parsed (see ingest.loader.content_hash)
    passages: list[Passage]
    metadata: dict[str, str] = field(default_factory=dict)  # from the header block: type, number, date…
    pages: int = 0                 # pages of a PDF (0: not paged)
    warnings: list[str] = field(default_factory=list)  # what the reader skipped (Vietnamese), shown with the outcome
