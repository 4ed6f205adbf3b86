"""The library: every indexed document's passages, their vectors in Chroma, a BM25 index
beside them, and a registry saying which version of each document is current.

Writes are ordered so that a crash at any point leaves each document either at its old
version or at its new one, never missing, never doubled:

1. the new version's passages are added to Chroma (record ids carry the version);
2. the registry (library.json) is replaced atomically: this is the commit;
3. records of other versions are deleted; the BM25 index is rebuilt and saved.

Several processes may share one DATA_DIR (app workers, command-line imports). Steps 1–3 run
under an inter-process lock (``write.lock`` beside the registry), and a writer first re-reads
the current state under that lock, so no process writes over another's work. Embedding, the
slow part, happens before the lock is taken. A process that did not write sees the others'
changes at its next ``refresh()`` (the pipeline calls it before every question): the registry
file changed, so it reopens Chroma (whose vector index is cached per process) and reloads.

Opening the library repairs what an interrupted write left behind (steps 1 or 3).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from filelock import FileLock

import config
from ingest.docnumbers import doc_number_keys
from ingest.passage import Document, Passage
from vectorstore.bm25 import BM25Index, ids_stamp
from vectorstore.chroma_client import is_shared, open_client
from vectorstore.identity import entry_source, rename, source_of, unique_id
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
    note: str = ""       # e.g. the file's name is another document's: added as a document of its own


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
        self.settings = settings
        self.embedder = embedder
        self.name = collection_name(embedder.name)
        self.dir = settings.data_dir / "indexes" / self.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self._file_lock = FileLock(self.dir / "write.lock", thread_local=False)
        self._thread_lock = threading.RLock()  # the app's worker threads share one Library
        self._client = None
        self.revision = 0  # counts reloads of the passages: lets readers cache what they derive from them
        with self._locked():
            self._open_collection()
            self._registry = self._read_registry()
            self._repair()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the library for writing: no other thread of this process, no other process."""
        with self._thread_lock, self._file_lock:
            yield

    def _open_collection(self) -> None:
        """(Re)open Chroma: a new client reads the vector index as other processes left it on disk."""
        if self._client is not None and not is_shared(self.settings):
            self._client.close()
        if self._client is None or not is_shared(self.settings):
            self._client = open_client(self.settings)
        self._collection = self._client.get_or_create_collection(
            self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        self._batch = min(self._client.get_max_batch_size(), 1000)  # for deletes of many ids

    # ---- reading -------------------------------------------------------------------

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, source_path, source, content_hash, passages, added_at,
        updated_at, pages, metadata (as of the last refresh)."""
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
        vector = self.embedder.embed_query(question)
        with self._thread_lock:  # a refresh in another thread reopens the collection
            count = self._collection.count()
            if not count:
                return []
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

    # ---- keeping up with other processes -------------------------------------------

    def refresh(self) -> bool:
        """Load what other processes committed since this one last looked (cheap when nothing
        changed: one stat of the registry). True if the library was reloaded."""
        if self._registry_stamp() == self._stamp:
            return False
        with self._locked():
            return self._catch_up()

    def _catch_up(self) -> bool:
        """Under the lock: if another process committed since this one last looked, reopen Chroma,
        re-read the registry and reload the passages. True if it did."""
        if self._registry_stamp() == self._stamp:
            return False
        self._open_collection()
        self._registry = self._read_registry()
        self._reload()
        return True

    def _registry_stamp(self) -> tuple:
        try:
            st = (self.dir / "library.json").stat()
        except FileNotFoundError:
            return ()
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    # ---- writing -------------------------------------------------------------------

    def add(
        self, docs: Iterable[Document], progress: Callable[[int], None] | None = None, replace: str = "",
    ) -> list[IngestResult]:
        """Index documents: a new source becomes a new document (see vectorstore.identity), a
        source already listed updates its document, unchanged content is skipped and content
        another document already has is reported as a duplicate.

        `replace` (a doc_id) makes the one document given update that listed document instead,
        whatever its source; ValueError (Vietnamese) if there is no such document or more than
        one document is given. The documents are committed together (one registry write, one
        BM25 rebuild); a second document from the same source starts a new group."""
        docs = list(docs)
        if replace:
            if len(docs) != 1:
                raise ValueError("Chỉ cập nhật được bằng đúng một tài liệu.")
            self.refresh()
            if replace not in self._registry:
                raise ValueError(f"Không có tài liệu «{replace}» để cập nhật.")
        results: list[IngestResult] = []
        group: list[Document] = []
        for doc in docs:
            if any(source_of(d) == source_of(doc) for d in group):
                results += self._add_group(group, progress, replace)
                group = []
            group.append(doc)
        return results + self._add_group(group, progress, replace)

    def remove(self, doc_id: str) -> bool:
        """Delete a document and all its passages. False if there is no such document."""
        with self._locked():
            self._catch_up()
            if doc_id not in self._registry:
                return False
            registry = dict(self._registry)
            del registry[doc_id]
            self._write_registry(registry)
            self._collection.delete(where={"doc_id": doc_id})
            self._reload()
        return True

    def _plan(self, docs: list[Document], bases: dict[int, str], replace: str):
        """Decide, against the current registry, what each document is: its doc_id, and either a
        result needing no write (unchanged, duplicate) or a write (added, replaced).

        Returns (results in input order, writes as (doc, IngestResult, old registry entry or None))."""
        by_source = {entry_source(e): doc_id for doc_id, e in self._registry.items()}
        by_hash = {e["content_hash"]: doc_id for doc_id, e in self._registry.items()}
        taken = set(self._registry)
        results, writes = [], []
        for doc in docs:
            base = bases[id(doc)]
            note = ""
            doc_id = replace or by_source.get(source_of(doc))
            if not doc_id:
                doc_id = unique_id(base, taken)
                if doc_id != base:
                    other = self._registry.get(base, {}).get("title") or base
                    note = f"Trùng tên tệp với tài liệu «{other}» (khác nguồn): thêm thành tài liệu riêng «{doc_id}»"
            rename(doc, doc_id)
            old = self._registry.get(doc_id)
            if old and old["content_hash"] == doc.content_hash:
                results.append(IngestResult(doc_id, doc.title, "unchanged", old["passages"]))
            elif doc.content_hash in by_hash:
                results.append(IngestResult(doc_id, doc.title, "duplicate", 0, duplicate_of=by_hash[doc.content_hash]))
            else:
                result = IngestResult(doc_id, doc.title, "replaced" if old else "added",
                                      len({p.id for p in doc.passages}), note=note)
                results.append(result)
                writes.append((doc, result, old))
                by_hash[doc.content_hash] = doc_id
                by_source[source_of(doc)] = doc_id
                taken.add(doc_id)
            results[-1].warnings = list(doc.warnings)
        return results, writes

    def _add_group(
        self, docs: list[Document], progress: Callable[[int], None] | None, replace: str,
    ) -> list[IngestResult]:
        """Embed the new versions (no lock held), then under the lock: decide again against the
        current registry, write the passages, commit them in one registry write, drop old versions."""
        if not docs:
            return []
        bases = {id(doc): doc.doc_id for doc in docs}
        self.refresh()
        _, writes = self._plan(docs, bases, replace)
        vectors = self._reusable_vectors(writes)
        self._embed([p.embed_text for doc, _, _ in writes for p in doc.passages], vectors, progress)
        with self._locked():
            self._catch_up()  # another process may have committed meanwhile: decide again
            results, writes = self._plan(docs, bases, replace)
            if not writes:
                return results
            records = []  # (passage, its version)
            for doc, _, _ in writes:
                records += [(p, doc.content_hash) for p in {p.id: p for p in doc.passages}.values()]
            self._embed([p.embed_text for p, _ in records], vectors, None)  # texts the first plan did not write
            for start in range(0, len(records), WRITE_BATCH):
                batch = records[start : start + WRITE_BATCH]
                self._collection.upsert(  # upsert: records an interrupted attempt left are overwritten
                    ids=[_record_id(p, version) for p, version in batch],
                    embeddings=np.asarray([vectors[p.embed_text] for p, _ in batch], dtype=np.float32),
                    documents=[p.text for p, _ in batch],
                    metadatas=[_to_metadata(p, version) for p, version in batch],
                )
            entries = {
                doc.doc_id: {
                    "doc_id": doc.doc_id, "title": doc.title, "source_path": doc.source_path,
                    "source": source_of(doc), "content_hash": doc.content_hash, "passages": result.passages,
                    "added_at": old["added_at"] if old else time.time(), "updated_at": time.time(),
                    "pages": doc.pages, "metadata": doc.metadata,
                }
                for doc, result, old in writes
            }
            self._write_registry({**self._registry, **entries})
            for doc, _, old in writes:
                if old:
                    where = {"$and": [{"doc_id": doc.doc_id}, {"version": {"$ne": doc.content_hash}}]}
                    self._collection.delete(where=where)
            self._reload()
        return results

    def _reusable_vectors(self, writes: list) -> dict[str, np.ndarray]:
        """Embeddings a previous version of each replaced document has, by embedded text."""
        known: dict[str, np.ndarray] = {}
        for doc, _, old in writes:
            if not old:
                continue
            wanted = {p.embed_text for p in doc.passages}
            res = self._collection.get(
                where={"$and": [{"doc_id": doc.doc_id}, {"version": old["content_hash"]}]},
                include=["embeddings", "metadatas", "documents"],
            )
            for text, meta, vector in zip(res["documents"], res["metadatas"], res["embeddings"], strict=True):
                embed_text = _from_record(text, meta).embed_text
                if embed_text in wanted:
                    known[embed_text] = np.asarray(vector, dtype=np.float32)
        return known

    def _embed(self, texts: list[str], known: dict[str, np.ndarray], progress: Callable[[int], None] | None) -> None:
        """Add to `known` the embeddings of the texts it lacks; `progress` advances by one per text."""
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if progress:
            progress(len(texts) - len(todo))
        for start in range(0, len(todo), WRITE_BATCH):
            batch = todo[start : start + WRITE_BATCH]
            known.update(zip(batch, self.embedder.embed_passages(batch), strict=True))
            if progress:
                progress(len(batch))

    # ---- consistency ---------------------------------------------------------------

    def _read_registry(self) -> dict[str, dict]:
        self._stamp = self._registry_stamp()
        try:
            return json.loads((self.dir / "library.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write_registry(self, registry: dict[str, dict]) -> None:
        """Atomic replace: the commit point of every change (called with the lock held)."""
        path = self.dir / "library.json"
        tmp = path.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(registry, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        self._registry = registry
        self._stamp = self._registry_stamp()

    def _repair(self) -> None:
        """Under the lock: delete records no committed version owns, then load passages and BM25."""
        res = self._collection.get(include=["metadatas"])
        stray = [
            rid for rid, m in zip(res["ids"], res["metadatas"], strict=True)
            if self._registry.get(m["doc_id"], {}).get("content_hash") != m["version"]
        ]
        for start in range(0, len(stray), self._batch):
            self._collection.delete(ids=stray[start : start + self._batch])
        self._reload()

    def _reload(self) -> None:
        """Under the lock: load the current passages from Chroma; use the saved BM25 index if it
        matches them, else rebuild and save it."""
        res = self._collection.get(include=["documents", "metadatas"])
        passages = {m["pid"]: _from_record(t, m) for t, m in zip(res["documents"], res["metadatas"], strict=True)}
        by_doc_number: dict[str, list[str]] = {}
        for m in res["metadatas"]:
            for key in filter(None, m.get("doc_numbers", "").split("|")):
                by_doc_number.setdefault(key, []).append(m["pid"])
        ids = list(passages)
        df = Counter(t for p in passages.values() for t in set(tokenize(p.index_text)))
        bm25 = BM25Index.load(self.dir / "bm25")
        if bm25 is None or bm25.stamp != ids_stamp(ids):
            bm25 = BM25Index(ids, [passages[i].index_text for i in ids])
            bm25.save(self.dir / "bm25")
        self._passages, self._by_doc_number, self._df, self._bm25 = passages, by_doc_number, df, bm25
        self.revision += 1
