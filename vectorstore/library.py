"""The library: every indexed document's passages, a BM25 index over them, their vectors in Chroma.

The store of record is ``library.sqlite`` (vectorstore.store): registry entries and passages,
written one group of documents per transaction, so a document is either wholly in it or not at
all. A committed document is at once listed and found by keywords: BM25 is kept in memory and
updated passage by passage from the store's change log (vectorstore.bm25). Its vectors follow:
``embed_waiting()`` embeds the passages still without one, a batch at a time, in the foreground
(``add(embed=True)``, the command line's default) or in a background thread (the app, see
vectorstore.background). Until then dense search simply does not return those passages.

Crash safety: a crash before a commit leaves the old version; after it, the passages wait for
their vectors and the next ``embed_waiting()`` (in any process) carries on; Chroma records of
replaced or removed versions are listed as stale in the same transaction and deleted later.

Several processes may share one DATA_DIR (app workers, command-line imports). Writes run under an
inter-process lock (``write.lock``); one process at a time embeds (``embed.lock``). A process sees
the others' changes at its next ``refresh()`` (the pipeline calls it before every question): one
read of the last change number, then only the changed documents are re-read. Chroma embedded in
the process caches its vector index, so the library reopens it when another process wrote vectors;
a Chroma server (CHROMA_HOST, vectorstore.chroma_client) needs no such care.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from filelock import FileLock, Timeout

import config
from ingest.docnumbers import doc_number_keys
from ingest.passage import Document, Passage
from vectorstore.bm25 import BM25Index
from vectorstore.chroma_client import is_shared, open_client
from vectorstore.identity import entry_source, rename, source_of, unique_id
from vectorstore.store import PassageStore
from vectorstore.tokenize import tokenize

WRITE_BATCH = 64       # passages embedded and written per step (the progress bar moves by this much)
SNAPSHOT_SHARE = 0.05  # save the BM25 snapshot once this share of the passages changed since the last one
SNAPSHOT_MIN = 2000    # ... and at least this many passages
CACHED_PASSAGES = 20000
CACHED_DOCUMENTS = 256
REOPEN_SECONDS = 5.0   # embedded Chroma: reopen for reading at most this often after another process wrote

log = logging.getLogger(__name__)


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


def _record_id(pid: str, version: str) -> str:
    return f"{pid}-{version[:12]}"


def text_hash(text: str) -> str:
    """Key of an embedded text: a vector is computed once per distinct text (reused across versions
    and documents)."""
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _from_record(text: str, meta: dict) -> Passage:
    """A passage as Chroma stored it before the SQLite store (read once, when migrating)."""
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
        self._embed_lock = FileLock(self.dir / "embed.lock", thread_local=False)
        self._thread_lock = threading.RLock()  # the app's worker threads share one Library
        self._embed_thread_lock = threading.Lock()  # embed.lock is one per process: one thread of it embeds
        self._chroma_lock = threading.RLock()  # a reopen of the client never runs under a query
        self._client = None
        self._vectors_stamp: tuple = ()
        self._reopened = 0.0
        self.revision = 0  # counts changes of the passages: lets readers cache what they derive from them
        self._cache: OrderedDict[str, Passage] = OrderedDict()
        self._doc_cache: OrderedDict[str, list[Passage]] = OrderedDict()
        self._changed_since_snapshot = 0
        with self._locked():
            # under the lock: switching a new file to WAL is refused, not waited for, while another opens it
            self.store = PassageStore(self.dir / "library.sqlite")
            self._open_collection()
            self._migrate()
            self._load()
            if not self._collection.count() and self.store.waiting_count() < len(self):
                self.store.mark_all_waiting()  # the vectors were lost (server data replaced, folder deleted)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the library for writing: no other thread of this process, no other process."""
        with self._thread_lock, self._file_lock:
            yield

    def _open_collection(self) -> None:
        """(Re)open Chroma: a new client reads the vector index as other processes left it on disk."""
        with self._chroma_lock:
            if self._client is not None and not is_shared(self.settings):
                self._client.close()
            if self._client is None or not is_shared(self.settings):
                self._client = open_client(self.settings)
            self._collection = self._client.get_or_create_collection(
                self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            self._batch = min(self._client.get_max_batch_size(), 1000)  # for deletes of many ids
            self._vectors_stamp = self._vectors_file_stamp()
            self._reopened = time.monotonic()

    # ---- reading -------------------------------------------------------------------

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, source_path, source, content_hash, passages, added_at,
        updated_at, pages, metadata (as of the last refresh)."""
        return sorted(self._registry.values(), key=lambda d: d["added_at"])

    def has_history(self) -> bool:
        """Whether anything was ever committed to this library."""
        return self._seen > 0 or (self.dir / "library.json").exists()

    def document(self, doc_id: str) -> dict:
        """The registry entry of a document (see documents()), or {} if there is none."""
        return self._registry.get(doc_id, {})

    def passages(self) -> list[Passage]:
        """Every passage, in document order (documents by time added, passages by position). Reads
        the whole store: for what is derived from all passages, once per revision."""
        rank = {d["doc_id"]: i for i, d in enumerate(self.documents())}
        found = [p for p, _ in self.store.all_passages() if p.doc_id in self._registry]
        return sorted(found, key=lambda p: (rank.get(p.doc_id, len(rank)), p.doc_id, p.start, p.end))

    def document_passages(self, doc_id: str) -> list[Passage]:
        """The passages of one document, in reading order."""
        with self._thread_lock:
            if doc_id in self._doc_cache:
                self._doc_cache.move_to_end(doc_id)
                return list(self._doc_cache[doc_id])
        found = self.store.document_passages(doc_id) if doc_id in self._registry else []
        with self._thread_lock:
            self._doc_cache[doc_id] = found
            while len(self._doc_cache) > CACHED_DOCUMENTS:
                self._doc_cache.popitem(last=False)
        return list(found)

    def passage(self, pid: str) -> Passage:
        """The passage with this stable id; KeyError if the library has none."""
        return self.find_passages([pid])[pid]

    def find_passages(self, pids: list[str]) -> dict[str, Passage]:
        """The passages of these ids that the library has, by id (one read of the store for those not
        cached); an id the store no longer has (another process removed it) is left out."""
        found: dict[str, Passage] = {}
        with self._thread_lock:
            for pid in pids:
                if pid in self._cache:
                    self._cache.move_to_end(pid)
                    found[pid] = self._cache[pid]
        missing = [pid for pid in dict.fromkeys(pids) if pid not in found]
        if missing:
            read = self.store.passages_by_id(missing)
            with self._thread_lock:
                self._cache.update(read)
                while len(self._cache) > CACHED_PASSAGES:
                    self._cache.popitem(last=False)
            found.update(read)
        return found

    def __len__(self) -> int:
        return len(self._bm25)

    def vector_progress(self) -> tuple[int, int]:
        """(Passages whose vector is ready, all passages, as of the last refresh): dense search covers
        the first. Cheap: the waiting passages are counted on a partial index."""
        total = len(self)
        return max(0, total - self.store.waiting_count()), total

    def without_vectors(self, pids: list[str]) -> set[str]:
        """Those of the passages that still wait for their vector (dense search cannot find them yet)."""
        return self.store.waiting_among(pids) if pids else set()

    def dense_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """The k passages closest to the question by embedding: (id, cosine similarity). Passages
        still waiting for their vector are not among them."""
        vector = self.embedder.embed_query(question)
        try:
            res = self._query(vector, k)
        except Exception as exc:
            if not is_shared(self.settings):  # embedded: the client's view of files another process changed
                with self._chroma_lock:
                    self._open_collection()
                res = self._query(vector, k)
            else:  # a Chroma server that went away: keywords still answer
                log.warning("Không truy vấn được máy chủ Chroma (%s): chỉ tìm theo từ khóa.", exc)
                return []
        if res is None:
            return []
        hits = []
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            current = self._registry.get(meta["doc_id"], {}).get("content_hash") == meta["version"]
            if current and meta["pid"] in self._bm25:
                hits.append((meta["pid"], 1.0 - float(dist)))
        return hits

    def _query(self, vector: np.ndarray, k: int) -> dict | None:
        """Chroma's k nearest records to the vector (None when the collection is empty)."""
        with self._chroma_lock:  # a reopen in another thread replaces the collection
            self._follow_vectors(writing=False)
            count = self._collection.count()
            if not count:
                return None
            return self._collection.query(
                query_embeddings=[vector.tolist()], n_results=min(k, count), include=["metadatas", "distances"]
            )

    def bm25_search(self, question: str, k: int) -> list[tuple[str, float]]:
        """The k best passages by BM25: (id, score)."""
        return self._bm25.search(tokenize(question), k)

    def document_frequency(self, token: str) -> int:
        """In how many passages the BM25 token (see vectorstore.tokenize) occurs."""
        return self._bm25.document_frequency(token)

    def doc_numbers(self) -> list[str]:
        """Canonical keys of every document number the passages mention."""
        return [key for key, pids in self._by_doc_number.items() if pids]

    def with_doc_number(self, key: str) -> list[str]:
        """Ids of the passages that mention the document number (canonical key)."""
        return list(self._by_doc_number.get(key, ()))

    # ---- keeping up with other processes -------------------------------------------

    def refresh(self) -> bool:
        """Load what other processes committed since this one last looked (cheap when nothing
        changed: one read of the last change number). True if something changed."""
        if self.store.last_change() == self._seen:
            return False
        with self._thread_lock:
            return self._catch_up()

    def _catch_up(self) -> bool:
        """Apply the changes committed after the last one this process has: the changed documents'
        registry entries and passages are re-read, nothing else. True if there were any."""
        last, changed = self.store.changed_since(self._seen)
        if last == self._seen:
            return False
        entries = self.store.documents(changed)
        registry, self._by_doc_number = dict(self._registry), dict(self._by_doc_number)  # readers keep theirs
        for doc_id in changed:
            self._forget(doc_id, registry)
            if doc_id in entries:
                registry[doc_id] = entries[doc_id]
        self._registry = registry
        self._index(self.store.passages_of([d for d in changed if d in entries]))
        self._seen = last
        self.revision += 1
        return True

    def _forget(self, doc_id: str, registry: dict) -> None:
        """Drop a document from the registry given and from the in-memory indexes and caches."""
        registry.pop(doc_id, None)
        self._doc_cache.pop(doc_id, None)
        gone: dict[str, set[str]] = {}
        for pid, keys in self._doc_pids.pop(doc_id, []):
            self._bm25.remove(pid)
            self._cache.pop(pid, None)
            for key in keys:
                gone.setdefault(key, set()).add(pid)
        for key, pids in gone.items():  # a new dict per key: a reader may be iterating the old one
            self._by_doc_number[key] = {p: None for p in self._by_doc_number.get(key, {}) if p not in pids}

    def _index(self, rows: Iterable[tuple[Passage, str]]) -> None:
        """Add passages (with their "|"-joined document-number keys) to the in-memory indexes."""
        rows = list(rows)
        for passage, _ in rows:
            self._bm25.add(passage.id, tokenize(passage.index_text))
        self._index_keys((p.id, p.doc_id, numbers) for p, numbers in rows)

    def _index_keys(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add (pid, doc_id, "|"-joined document-number keys) to the document and document-number indexes."""
        added: dict[str, list[str]] = {}
        for pid, doc_id, numbers in rows:
            keys = tuple(filter(None, numbers.split("|")))
            self._doc_pids.setdefault(doc_id, []).append((pid, keys))
            for key in keys:
                added.setdefault(key, []).append(pid)
        for key, pids in added.items():  # a new dict per key: a reader may be iterating the old one
            self._by_doc_number[key] = {**self._by_doc_number.get(key, {}), **dict.fromkeys(pids)}

    def _load(self) -> None:
        """Build the in-memory state: the registry, BM25 (from its snapshot plus the documents changed
        since, or from every passage) and the document-number index."""
        self._registry: dict[str, dict] = {}
        self._doc_pids: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._by_doc_number: dict[str, dict[str, None]] = {}
        self._bm25 = BM25Index()
        last = self.store.last_change()
        snapshot = BM25Index.load(self.dir / "bm25")
        if snapshot is None or snapshot[1] > last:
            self._index(self.store.all_passages())
        else:
            self._bm25, stamp = snapshot
            changed = set(self.store.changed_since(stamp)[1])
            rows = self.store.passage_keys()
            current = {pid for pid, _, _ in rows}
            for pid in [pid for pid in self._bm25.ids() if pid not in current]:
                self._bm25.remove(pid)
            changed |= {doc_id for pid, doc_id, _ in rows if pid not in self._bm25}
            for passage, _ in self.store.passages_of(sorted(changed)):
                self._bm25.add(passage.id, tokenize(passage.index_text))
            self._index_keys(rows)
        self._seen = last
        self._registry = self.store.documents()
        self._snapshot_size = len(self._bm25) if snapshot else 0
        self._save_snapshot_if_due()
        self.revision += 1

    def _save_snapshot_if_due(self) -> None:
        """Save BM25 once enough passages changed since the last snapshot (amortised: a group's cost
        stays in proportion to the group)."""
        due = max(SNAPSHOT_MIN, SNAPSHOT_SHARE * len(self._bm25))
        never_saved = self._snapshot_size == 0 and len(self._bm25) > 0
        if never_saved or self._changed_since_snapshot >= due:
            self._bm25.save(self.dir / "bm25", self._seen)
            self._snapshot_size = len(self._bm25)
            self._changed_since_snapshot = 0

    # ---- vectors written by other processes (embedded Chroma only) -------------------

    def _vectors_file_stamp(self) -> tuple:
        try:
            st = (self.dir / "vectors.rev").stat()
        except FileNotFoundError:
            return ()
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _vectors_written(self) -> None:
        """After this process wrote to Chroma: tell the others (they reopen their client)."""
        if is_shared(self.settings):
            return
        path = self.dir / "vectors.rev"
        tmp = path.with_name(f"vectors.rev.{os.getpid()}")
        tmp.write_text(f"{os.getpid()} {time.time_ns()}")
        os.replace(tmp, path)
        self._vectors_stamp = self._vectors_file_stamp()

    def _follow_vectors(self, writing: bool) -> None:
        """Reopen embedded Chroma if another process wrote vectors since: always before a write (else
        this process's cached index would overwrite theirs), at most every REOPEN_SECONDS for reads."""
        if is_shared(self.settings) or self._vectors_file_stamp() == self._vectors_stamp:
            return
        if writing or time.monotonic() - self._reopened > REOPEN_SECONDS:
            self._open_collection()

    # ---- writing -------------------------------------------------------------------

    def add(
        self, docs: Iterable[Document], progress: Callable[[int], None] | None = None, replace: str = "",
        embed: bool = True,
    ) -> list[IngestResult]:
        """Index documents: a new source becomes a new document (see vectorstore.identity), a
        source already listed updates its document, unchanged content is skipped and content
        another document already has is reported as a duplicate.

        Committed documents are listed and found by keywords at once. With `embed` their vectors
        are computed before this returns (`progress` advances by one per passage embedded);
        without it they wait for embed_waiting() (a background thread, or any later call).

        `replace` (a doc_id) makes the one document given update that listed document instead,
        whatever its source; ValueError (Vietnamese) if there is no such document or more than
        one document is given. The documents are committed together (one transaction); a second
        document from the same source starts a new group."""
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
                results += self._add_group(group, replace)
                group = []
            group.append(doc)
        results += self._add_group(group, replace)
        if embed:
            self.embed_waiting(progress, wait=True)
        return results

    def remove(self, doc_id: str) -> bool:
        """Delete a document and all its passages. False if there is no such document."""
        with self._locked():
            self._catch_up()
            if doc_id not in self._registry:
                return False
            with self.store.transaction() as db:
                self.store.delete(db, doc_id)
            self._catch_up()
        self._drop_stale()
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

    def _add_group(self, docs: list[Document], replace: str) -> list[IngestResult]:
        """Under the lock: decide against the current registry, then commit the group's new versions
        (entries and passages) in one transaction. Their vectors wait for embed_waiting()."""
        if not docs:
            return []
        bases = {id(doc): doc.doc_id for doc in docs}
        with self._locked():
            self._catch_up()  # another process may have committed: decide against the current state
            results, writes = self._plan(docs, bases, replace)
            if not writes:
                return results
            now = time.time()
            with self.store.transaction() as db:
                for doc, result, old in writes:
                    entry = {
                        "doc_id": doc.doc_id, "title": doc.title, "source_path": doc.source_path,
                        "source": source_of(doc), "content_hash": doc.content_hash, "passages": result.passages,
                        "added_at": old["added_at"] if old else now, "updated_at": now,
                        "pages": doc.pages, "metadata": doc.metadata,
                    }
                    unique = {p.id: p for p in doc.passages}.values()
                    self.store.put(db, entry, [(p, "|".join(doc_number_keys(p.text))) for p in unique], set())
            self._catch_up()
            self._changed_since_snapshot += sum(r.passages for _, r, _ in writes)
            self._save_snapshot_if_due()
        return results

    # ---- vectors -------------------------------------------------------------------

    def embed_waiting(
        self, progress: Callable[[int], None] | None = None, wait: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """Compute the vectors of every passage still waiting for one, WRITE_BATCH at a time, and
        write them to Chroma; a text already embedded (another version, another document) reuses its
        vector. One process embeds at a time: if another one is, return 0 at once, or with `wait`
        wait for it and then finish what is left. `stop()` true ends it between batches. Returns the
        number of passages given vectors; `progress` advances by as many."""
        if not self._embed_thread_lock.acquire(blocking=wait):
            return 0
        try:
            self._embed_lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            self._embed_thread_lock.release()
            return 0
        done = 0
        try:
            while not (stop and stop()):
                batch = self.store.waiting(WRITE_BATCH)
                if not batch:
                    break
                texts = list(dict.fromkeys(p.embed_text for p, _ in batch))
                known = self._known_vectors(texts)
                todo = [t for t in texts if t not in known]
                if todo:
                    known.update(zip(todo, self.embedder.embed_passages(todo), strict=True))
                with self._locked():
                    current = self.store.versions([p.id for p, _ in batch])
                    live = [(p, v) for p, v in batch if current.get(p.id) == v]
                    if live:
                        with self._chroma_lock:
                            self._follow_vectors(writing=True)
                            self._collection.upsert(  # upsert: records an interrupted attempt left are overwritten
                                ids=[_record_id(p.id, v) for p, v in live],
                                embeddings=np.asarray([known[p.embed_text] for p, _ in live], dtype=np.float32),
                                metadatas=[{"pid": p.id, "doc_id": p.doc_id, "version": v,
                                            "text_hash": text_hash(p.embed_text)} for p, v in live],
                            )
                            self._vectors_written()
                    self.store.mark_embedded([(p.id, v) for p, v in live],
                                             {text_hash(p.embed_text): _record_id(p.id, v) for p, v in live})
                done += len(live)
                if progress:
                    progress(len(batch))
            self._drop_stale()
        finally:
            self._embed_lock.release()
            self._embed_thread_lock.release()
        return done

    def _known_vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Vectors Chroma already has for these texts, by text: one record per text, found through the
        store's text-hash index (a text repeated in thousands of passages is read once)."""
        by_hash = {text_hash(t): t for t in texts}
        records = self.store.records_of(list(by_hash))
        if not records:
            return {}
        by_record = {record: by_hash[h] for h, record in records.items()}
        with self._chroma_lock:
            self._follow_vectors(writing=True)  # a stale client cannot read what another process wrote
            res = self._collection.get(ids=list(by_record), include=["embeddings"])
        return {by_record[rid]: np.asarray(v, dtype=np.float32)
                for rid, v in zip(res["ids"], res["embeddings"], strict=True)}

    def _drop_stale(self) -> None:
        """Delete the Chroma records of replaced or removed versions whose document waits for no vector."""
        for doc_id, version in self.store.stale():
            with self._locked(), self._chroma_lock:
                self._follow_vectors(writing=True)
                self._collection.delete(where={"$and": [{"doc_id": doc_id}, {"version": version}]})
                self._vectors_written()
                self.store.drop_stale(doc_id, version)

    # ---- the library before the SQLite store ---------------------------------------

    def _migrate(self) -> None:
        """Under the lock: a library written by an older version (registry in library.json, passages
        in Chroma records) is copied into the store once; its vectors are kept."""
        old = self.dir / "library.json"
        if not old.exists() or self.store.last_change():
            return
        registry = json.loads(old.read_text(encoding="utf-8"))
        res = self._collection.get(include=["documents", "metadatas"])
        by_doc: dict[str, list[tuple[Passage, str]]] = {}
        stale = set()
        for rid, text, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True):
            if registry.get(meta["doc_id"], {}).get("content_hash") == meta.get("version"):
                by_doc.setdefault(meta["doc_id"], []).append((_from_record(text or "", meta), rid))
            else:
                stale.add((meta["doc_id"], meta.get("version", "")))
        with self.store.transaction() as db:
            for doc_id, entry in registry.items():
                rows = by_doc.get(doc_id, [])
                passages = [(p, "|".join(doc_number_keys(p.text))) for p, _ in rows]
                self.store.put(db, entry, passages, {p.id for p, _ in rows})
            db.executemany("INSERT OR IGNORE INTO stale_vectors VALUES (?, ?)", sorted(stale))
        os.replace(old, old.with_suffix(".json.migrated"))
