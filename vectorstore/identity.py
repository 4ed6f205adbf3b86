"""Which document a file is: identity by source, never by file name.

A document is identified by its *source*: the absolute path of the file it was read from (for a
record of a JSONL corpus, that path and "#record-id"; for a Document built without a path, its
doc_id). Ingesting the same source again updates that document; a file from another source is
another document, even when its name (and so its doc_id slug) is the same: it gets the slug
with "-2", "-3", … Only an explicit replace (``Library.add(..., replace=doc_id)``) lets a file
from another source update a listed document.
"""

from __future__ import annotations

import os

from ingest.passage import Document


def source_of(doc: Document) -> str:
    """The source key of a document (see the module docstring)."""
    return os.path.abspath(doc.source_path) if doc.source_path else f"id:{doc.doc_id}"


def entry_source(entry: dict) -> str:
    """The source key of a registry entry (entries written before sources were kept: from their path)."""
    if entry.get("source"):
        return entry["source"]
    return os.path.abspath(entry["source_path"]) if entry.get("source_path") else f"id:{entry['doc_id']}"


def unique_id(base: str, taken: set[str] | dict) -> str:
    """`base` if no document has it, else the first free "base-2", "base-3", …"""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def rename(doc: Document, doc_id: str) -> Document:
    """Give the document (in place) and its passages another doc_id; passage ids follow it. A
    passage's source_id that was the doc_id (not a JSONL record id) follows too."""
    for passage in doc.passages:
        passage.doc_id = doc_id
        if passage.source_id == doc.doc_id:
            passage.source_id = doc_id
    doc.doc_id = doc_id
    return doc
