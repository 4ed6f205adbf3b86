"""The library: every indexed document's passages, their vectors in Chroma, a BM25 index
beside them, and a registry saying which version of each document is current.

Writes are ordered so that a crash at any point leaves each document either at its old
version or at its new one, never missing, never doubled:

1. the new version's passages are added to Chroma (record ids carry the version);
2. the registry (library.json) is replaced atomically: this is the commit;
3. records of other versions are deleted; the BM25 index is rebuilt and saved.

Opening the library repairs what an interrupted write left behind (steps 1 or 3).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

import config
from ingest.docnumbers import doc_number_keys
from ingest.passage import Document, Passage
from vectorstore.bm25 import BM25Index, ids_stamp
from vectorstore.tokenize import tokenize

WRITE_BATCH = 64  # passages embedded and written per step (the progress bar moves by this much)


class Embedder(Protocol):
    name: str

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class IngestResult:
    doc_id: str
    title: str
    status: str          # added | unchanged | replaced | duplicate | rejected
    passages: int
    duplicate_of: str = ""
    error: str = ""      # why a file was rejected (Vietnamese)
    warnings: list[str] = field(default_factory=list)  # what the reader skipped (Vietnamese)


def collection_name(model: str) -> str:
    """Chroma collection for one embedding model: vectors of two models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", model).strip("-._")[:200]
    return f"passages-{slug or 'model'}"


def _record_id(passage: Passage, version: str) -> str:
    return f"{passage.id}-{version[:12]}"


def _to_metadata(p: Passage, version: str) -> dict:
    return {
        "pid": p.id, "doc_id": p.doc_id, "doc_title": p.doc_title, "section": p.section,
        "kind": p.kind, "footnotes": ",".join(map(str, p.footnotes)), "start": p.start,
        "end": p.end, "context": p.context, "source_id": p.source_id or p.doc_id,
        "version": version, "doc_numbers": "|".join(doc_number_keys(p.text)), "page": p.page,
    }


def _from_record(text: str, meta: dict) -> Passage:
    footnotes = [int(n) for n in str(meta.get("footnotes", "")).split(",") if n]
    return Passage(
        doc_id=meta["doc_id"], doc_title=meta["doc_title"], text=text, section=meta["section"],
        kind=meta["kind"], footnotes=footnotes, start=int(meta["start"]), end=int(meta["end"]),
        context=meta.get("context", ""), source_id=meta.get("source_id", ""), page=int(meta.get("page", 0)),
    )


class Library:
    """All indexed documents of one data directory, for one embedding model."""

    def __init__(self, settings: config.Settings, embedder: Embedder):
        import chromadb  # imported here: it is slow and only the library needs it

        self.settings = settings
        self.embedder = embedder
        self.name = collection_name(embedder.name)
        self.dir = settings.data_dir / "indexes" / self.name
        self.dir.mkdir(parents=True, exist_ok=True)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(settings.chroma_dir),
            settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=False),
        )
        self._collection = client.get_or_create_collection(
            self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        self._batch = min(client.get_max_batch_size(), 1000)  # for deletes of many ids
        self._registry = self._read_registry()
        self._by_hash = {d["content_hash"]: d["doc_id"] for d in self._registry.values()}
        self.revision = 0  # counts reloads of the passages: lets readers cache what they derive from them
        self._repair()

    # ---- reading -------------------------------------------------------------------

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, source_path, content_hash, passages, added_at."""
        return sorted(self._registry.values(), key=lambda d: d["added_at"])

    def has_history(self) -> bool:
        """Whether anything was ever committed to this library (its registry exists)."""
        return (self.dir / "library.json").exists()

    def document(self, doc_id: str) -> dict:
        """The registry entry of a document (see documents()), or {} if there is none."""
        return self._registry.get(doc_id, {})

    def passages(self) -> list[Passage]:
        """Every passage, in document order (documents by time added, passages by position)."""
        rank = {d["doc_id"]: i for i, d in enumerate(self.documents())}
        return sorted(self._passages.values(), key=lambda p: (rank.get(p.doc_id, len(rank)), p.doc_id, p.start, p.end))

    def document_passages(self, doc_id: str) -> list[Passage]:
        """The passages of one document, in reading order."""
        return sorted((p for p in self._passages.values() if p.doc_id == doc_id), key=lambda p: (p.start, p.end))

    def passage(self, pid: str) -> Passage:
        """The passage with this stable id."""
        return self._passages[pid]

    def __len__(self) -> int:
        return len(self._passages)

    def dense_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """The k passages closest to the question by embedding: (id, cosine similarity)."""
        count = self._collection.count()
        if not count:
            return []
        vector = self.embedder.embed_query(question)
        res = self._collection.query(
            query_embeddings=[vector.tolist()], n_results=min(k, count), include=["metadatas", "distances"]
        )
        hits = []
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            if meta["pid"] in self._passages:
                hits.append((meta["pid"], 1.0 - float(dist)))
        return hits

    def bm25_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """The k best passages by BM25: (id, score)."""
        return self._bm25.search(question, k)

    def document_frequency(self, token: str) -> int:
        """In how many passages the BM25 token (see vectorstore.tokenize) occurs."""
        return self._df.get(token, 0)

    def doc_numbers(self) -> list[str]:
        """Canonical keys of every document number the passages mention."""
        return list(self._by_doc_number)

    def with_doc_number(self, key: str) -> list[str]:
        """Ids of the passages that mention the document number (canonical key)."""
        return self._by_doc_number.get(key, [])

    # ---- writing -------------------------------------------------------------------

    def add(self, docs: Iterable[Document], progress: Callable[[int], None] | None = None) -> list[IngestResult]:
        """Index documents; unchanged ones are skipped, changed ones replaced.

        The documents are committed together (one registry write, one BM25 rebuild); a second
        version of a document in the same call starts a new group."""
        results: list[IngestResult] = []
        group: list[Document] = []
        for doc in docs:
            if any(d.doc_id == doc.doc_id for d in group):
                results += self._add_group(group, progress)
                group = []
            group.append(doc)
        return results + self._add_group(group, progress)

    def remove(self, doc_id: str) -> bool:
        """Delete a document and all its passages. False if there is no such document."""
        if doc_id not in self._registry:
            return False
        registry = dict(self._registry)
        del registry[doc_id]
        self._write_registry(registry)
        self._collection.delete(where={"doc_id": doc_id})
        self._reload()
        return True

    def _skip(self, doc: Document, known_hashes: dict[str, str]) -> IngestResult | None:
        """The result for a document that needs no indexing (unchanged, or a copy of another)."""
        old = self._registry.get(doc.doc_id)
        if old and old["content_hash"] == doc.content_hash:
            return IngestResult(doc.doc_id, doc.title, "unchanged", old["passages"])
        if doc.content_hash in known_hashes:
            return IngestResult(doc.doc_id, doc.title, "duplicate", 0, duplicate_of=known_hashes[doc.content_hash])
        return None

    def _add_group(self, docs: list[Document], progress: Callable[[int], None] | None) -> list[IngestResult]:
        """Write the new versions' passages, commit them in one registry write, drop old versions."""
        results, entries, records = [], {}, []  # records: (passage, its version, the version it replaces)
        known_hashes = dict(self._by_hash)
        for doc in docs:
            skipped = self._skip(doc, known_hashes)
            if skipped:
                results.append(skipped)
                if progress:
                    progress(len(doc.passages))
                continue
            old = self._registry.get(doc.doc_id)
            passages = list({p.id: p for p in doc.passages}.values())
            records += [(p, doc.content_hash, old["content_hash"] if old else None) for p in passages]
            known_hashes[doc.content_hash] = doc.doc_id
            entries[doc.doc_id] = {
                "doc_id": doc.doc_id, "title": doc.title, "source_path": doc.source_path,
                "content_hash": doc.content_hash, "passages": len(passages), "added_at": time.time(),
                "pages": doc.pages, "metadata": doc.metadata,
            }
            results.append(IngestResult(doc.doc_id, doc.title, "replaced" if old else "added", len(passages)))
        if not entries:
            return results
        for start in range(0, len(records), WRITE_BATCH):
            batch = records[start : start + WRITE_BATCH]
            self._collection.upsert(  # upsert: records an interrupted attempt left are overwritten
                ids=[_record_id(p, version) for p, version, _ in batch],
                embeddings=self._vectors(batch),
                documents=[p.text for p, _, _ in batch],
                metadatas=[_to_metadata(p, version) for p, version, _ in batch],
            )
            if progress:
                progress(len(batch))
        replaced = [doc_id for doc_id in entries if doc_id in self._registry]
        self._write_registry({**self._registry, **entries})
        for doc_id in replaced:
            version = entries[doc_id]["content_hash"]
            self._collection.delete(where={"$and": [{"doc_id": doc_id}, {"version": {"$ne": version}}]})
        self._reload()
        return results

    def _vectors(self, records: list[tuple[Passage, str, str | None]]) -> np.ndarray:
        """Embeddings for the passages, reusing those a previous version had for the same indexed text."""
        wanted = {p.id: p.embed_text for p, _, _ in records}
        known: dict[str, list[float]] = {}
        previous = [_record_id(p, old) for p, _, old in records if old]
        if previous:
            res = self._collection.get(ids=previous, include=["embeddings", "metadatas", "documents"])
            for text, meta, vector in zip(res["documents"], res["metadatas"], res["embeddings"], strict=True):
                if _from_record(text, meta).embed_text == wanted.get(meta["pid"]):
                    known[meta["pid"]] = vector
        todo = [p for p, _, _ in records if p.id not in known]
        if todo:
            fresh = self.embedder.embed_passages([p.embed_text for p in todo])
            known.update({p.id: v for p, v in zip(todo, fresh, strict=True)})
        return np.asarray([known[p.id] for p, _, _ in records], dtype=np.float32)

    # ---- consistency ---------------------------------------------------------------

    def _read_registry(self) -> dict[str, dict]:
        try:
            return json.loads((self.dir / "library.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write_registry(self, registry: dict[str, dict]) -> None:
        """Atomic replace: the commit point of every change."""
        path = self.dir / "library.json"
        tmp = path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(registry, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        self._registry = registry
        self._by_hash = {d["content_hash"]: d["doc_id"] for d in registry.values()}

    def _repair(self) -> None:
        """Delete records no committed version owns, then load passages and BM25."""
        res = self._collection.get(include=["metadatas"])
        stray = [
            rid for rid, m in zip(res["ids"], res["metadatas"], strict=True)
            if self._registry.get(m["doc_id"], {}).get("content_hash") != m["version"]
        ]
        for start in range(0, len(stray), self._batch):
            self._collection.delete(ids=stray[start : start + self._batch])
        self._reload()

    def _reload(self) -> None:
        """Load the current passages from Chroma; use the saved BM25 index if it matches them."""
        self.revision += 1
        res = self._collection.get(include=["documents", "metadatas"])
        self._passages = {m["pid"]: _from_record(t, m) for t, m in zip(res["documents"], res["metadatas"], strict=True)}
        self._by_doc_number: dict[str, list[str]] = {}
        for m in res["metadatas"]:
            for key in filter(None, m.get("doc_numbers", "").split("|")):
                self._by_doc_number.setdefault(key, []).append(m["pid"])
        ids = list(self._passages)
        self._df = Counter(t for p in self._passages.values() for t in set(tokenize(p.index_text)))
        saved = BM25Index.load(self.dir / "bm25")
        if saved is not None and saved.stamp == ids_stamp(ids):
            self._bm25 = saved
            return
        self._bm25 = BM25Index(ids, [self._passages[i].index_text for i in ids])
        self._bm25.save(self.dir / "bm25")
