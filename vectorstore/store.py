"""The library's store of record: documents, their passages and a log of changes, in one SQLite file.

``indexes/<collection>/library.sqlite`` holds, for every current document, its registry entry and
its passages; each passage says whether its vector is in Chroma yet (``embedded``). A document's
entry and passages are written in one transaction, so the store never holds half a document, and
every change appends a row to ``changes``: a process that has read the store up to change n
brings its in-memory indexes up to date by reading only the documents changed after n.

``stale_vectors`` lists the (document, version) pairs whose Chroma records are to be deleted: a
version replaced or removed. They are deleted once the document has no passage waiting for a vector
(a replaced version's vectors are reused for the unchanged passages of the new one), and a crash
before that leaves the list to finish later. SQLite runs in WAL mode: readers never wait for a writer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.passage import Passage

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL, added_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
    pid TEXT PRIMARY KEY, doc_id TEXT NOT NULL, version TEXT NOT NULL, doc_title TEXT NOT NULL,
    text TEXT NOT NULL, section TEXT NOT NULL, kind TEXT NOT NULL, footnotes TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, context TEXT NOT NULL, source_id TEXT NOT NULL,
    page INTEGER NOT NULL, doc_numbers TEXT NOT NULL, embedded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS passages_by_doc ON passages (doc_id, start);
CREATE INDEX IF NOT EXISTS passages_waiting ON passages (embedded) WHERE embedded = 0;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS embedded_texts (
    text_hash TEXT PRIMARY KEY, record_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stale_vectors (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, PRIMARY KEY (doc_id, version)
);
"""

_COLUMNS = 'pid, doc_id, version, doc_title, text, section, kind, footnotes, start, "end", context, source_id, page'


def _passage(row: tuple) -> Passage:
    pid, doc_id, _version, title, text, section, kind, footnotes, start, end, context, source_id, page = row
    return Passage(
        doc_id=doc_id, doc_title=title, text=text, section=section, kind=kind,
        footnotes=[int(n) for n in footnotes.split(",") if n], start=start, end=end,
        context=context, source_id=source_id, page=page,
    )


class PassageStore:
    """One library's documents and passages on disk (see the module docstring)."""

    def __init__(self, path: Path):
        self.path = path
        self._write = self._connect()
        self._read = self._connect()
        self._read_lock = threading.Lock()  # one connection is used by one thread at a time
        self._write.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def close(self) -> None:
        self._write.close()
        self._read.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: everything read inside sees one committed state."""
        with self._read_lock:
            self._read.execute("BEGIN")
            try:
                yield self._read
            finally:
                self._read.execute("COMMIT")

    # ---- reading -------------------------------------------------------------------

    def last_change(self) -> int:
        """The number of the latest change (0 for a store never written): cheap, one index lookup."""
        with self._read_lock:
            return self._read.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]

    def changed_since(self, seq: int) -> tuple[int, list[str]]:
        """(Latest change number, doc_ids changed after `seq`), read in one state."""
        with self.reading() as db:
            last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
            docs = [r[0] for r in db.execute("SELECT DISTINCT doc_id FROM changes WHERE seq > ?", (seq,))]
        return last, docs

    def documents(self, doc_ids: list[str] | None = None) -> dict[str, dict]:
        """Registry entries by doc_id: all of them, or those of `doc_ids` that exist."""
        with self._read_lock:
            if doc_ids is None:
                rows = self._read.execute("SELECT doc_id, entry FROM documents").fetchall()
            else:
                rows = []
                for start in range(0, len(doc_ids), 500):
                    part = doc_ids[start : start + 500]
                    rows += self._read.execute(
                        f"SELECT doc_id, entry FROM documents WHERE doc_id IN ({','.join('?' * len(part))})", part
                    ).fetchall()
        return {doc_id: json.loads(entry) for doc_id, entry in rows}

    def document_passages(self, doc_id: str) -> list[Passage]:
        """The current passages of a document, in reading order."""
        with self._read_lock:
            rows = self._read.execute(
                f'SELECT {_COLUMNS} FROM passages WHERE doc_id = ? ORDER BY start, "end"', (doc_id,)
            ).fetchall()
        return [_passage(r) for r in rows]

    def passages_by_id(self, pids: list[str]) -> dict[str, Passage]:
        """The passages of these ids that the store has, by id."""
        found: dict[str, Passage] = {}
        with self._read_lock:
            for start in range(0, len(pids), 500):
                part = pids[start : start + 500]
                rows = self._read.execute(
                    f"SELECT {_COLUMNS} FROM passages WHERE pid IN ({','.join('?' * len(part))})", part
                ).fetchall()
                found.update((r[0], _passage(r)) for r in rows)
        return found

    def versions(self, pids: list[str]) -> dict[str, str]:
        """pid -> the version of its document it belongs to, for the pids still in the store."""
        with self._read_lock:
            rows = self._read.execute(
                f"SELECT pid, version FROM passages WHERE pid IN ({','.join('?' * len(pids))})", pids
            ).fetchall()
        return dict(rows)

    def all_passages(self) -> Iterator[tuple[Passage, str]]:
        """Every passage with its document-number keys ("|"-joined), in one read state; read in pages."""
        with self.reading() as db:
            cursor = db.execute(f"SELECT {_COLUMNS}, doc_numbers FROM passages")
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    yield _passage(row[:-1]), row[-1]

    def passage_keys(self) -> list[tuple[str, str, str]]:
        """(pid, doc_id, "|"-joined document-number keys) of every passage: what the in-memory indexes
        need besides BM25, without reading the texts."""
        with self._read_lock:
            return self._read.execute("SELECT pid, doc_id, doc_numbers FROM passages").fetchall()

    def passages_of(self, doc_ids: list[str]) -> Iterator[tuple[Passage, str]]:
        """The passages of the given documents with their document-number keys, in one read state."""
        with self.reading() as db:
            for doc_id in doc_ids:
                rows = db.execute(f"SELECT {_COLUMNS}, doc_numbers FROM passages WHERE doc_id = ?", (doc_id,))
                for row in rows.fetchall():
                    yield _passage(row[:-1]), row[-1]

    def waiting_count(self) -> int:
        """How many passages wait for their vector."""
        with self._read_lock:
            return self._read.execute("SELECT COUNT(*) FROM passages WHERE embedded = 0").fetchone()[0]

    def waiting_among(self, pids: list[str]) -> set[str]:
        """The pids among these whose passage waits for its vector."""
        with self._read_lock:
            rows = self._read.execute(
                f"SELECT pid FROM passages WHERE embedded = 0 AND pid IN ({','.join('?' * len(pids))})", pids
            ).fetchall()
        return {r[0] for r in rows}

    def waiting(self, limit: int) -> list[tuple[Passage, str]]:
        """Up to `limit` passages without a vector, with their version, oldest documents first."""
        with self._read_lock:
            rows = self._read.execute(
                f"SELECT {_COLUMNS} FROM passages WHERE embedded = 0 LIMIT ?", (limit,)
            ).fetchall()
        return [(_passage(r), r[2]) for r in rows]

    def stale(self) -> list[tuple[str, str]]:
        """(doc_id, version) pairs whose vectors are to be deleted and whose document waits for none."""
        with self._read_lock:
            return self._read.execute(
                "SELECT doc_id, version FROM stale_vectors s WHERE NOT EXISTS "
                "(SELECT 1 FROM passages p WHERE p.doc_id = s.doc_id AND p.embedded = 0)"
            ).fetchall()

    # ---- writing (the caller holds the library's write lock) ---------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self._write.execute("BEGIN IMMEDIATE")
        try:
            yield self._write
        except BaseException:
            self._write.execute("ROLLBACK")
            raise
        self._write.execute("COMMIT")

    def put(self, db: sqlite3.Connection, entry: dict, passages: list[tuple[Passage, str]], embedded: set[str]) -> None:
        """Inside a transaction: make `entry` the document's registry entry and `passages` (with their
        document-number keys) its passages; the previous version's vectors become stale. `embedded`:
        pids whose vector for this version is already in Chroma."""
        doc_id, version = entry["doc_id"], entry["content_hash"]
        old = db.execute("SELECT entry FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if old:
            old_version = json.loads(old[0])["content_hash"]
            if old_version != version:
                db.execute("INSERT OR IGNORE INTO stale_vectors VALUES (?, ?)", (doc_id, old_version))
        db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        db.executemany(
            f"INSERT OR REPLACE INTO passages ({_COLUMNS}, doc_numbers, embedded) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (p.id, p.doc_id, version, p.doc_title, p.text, p.section, p.kind, ",".join(map(str, p.footnotes)),
                 p.start, p.end, p.context, p.source_id or p.doc_id, p.page, keys, int(p.id in embedded))
                for p, keys in passages
            ],
        )
        db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
            (doc_id, json.dumps(entry, ensure_ascii=False), entry["added_at"]),
        )
        db.execute("DELETE FROM stale_vectors WHERE doc_id = ? AND version = ?", (doc_id, version))
        db.execute("INSERT INTO changes (doc_id, at) VALUES (?, ?)", (doc_id, time.time()))

    def delete(self, db: sqlite3.Connection, doc_id: str) -> None:
        """Inside a transaction: remove a document and its passages; its vectors become stale."""
        old = db.execute("SELECT entry FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if old:
            version = json.loads(old[0])["content_hash"]
            db.execute("INSERT OR IGNORE INTO stale_vectors VALUES (?, ?)", (doc_id, version))
        db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        db.execute("INSERT INTO changes (doc_id, at) VALUES (?, ?)", (doc_id, time.time()))

    def mark_embedded(self, rows: list[tuple[str, str]], records: dict[str, str]) -> None:
        """Record that the vectors of these (pid, version) passages are in Chroma (a passage replaced
        meanwhile by another version is left waiting), and `records`: text hash -> the Chroma record
        holding that text's vector, for reuse."""
        with self.transaction() as db:
            db.executemany("UPDATE passages SET embedded = 1 WHERE pid = ? AND version = ?", rows)
            db.executemany("INSERT OR REPLACE INTO embedded_texts VALUES (?, ?)", records.items())

    def records_of(self, hashes: list[str]) -> dict[str, str]:
        """Text hash -> the Chroma record last written with that text's vector (it may since be deleted)."""
        with self._read_lock:
            rows = self._read.execute(
                f"SELECT text_hash, record_id FROM embedded_texts WHERE text_hash IN ({','.join('?' * len(hashes))})",
                hashes,
            ).fetchall()
        return dict(rows)

    def mark_all_waiting(self) -> None:
        """Every passage waits for its vector again (Chroma lost them)."""
        with self.transaction() as db:
            db.execute("UPDATE passages SET embedded = 0")

    def drop_stale(self, doc_id: str, version: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM stale_vectors WHERE doc_id = ? AND version = ?", (doc_id, version))


def committed_documents(data_dir: Path) -> dict[str, dict]:
    """doc_id -> registry entry of the documents committed in the libraries under DATA_DIR/indexes, as
    they are on disk now ({} when there are none); for tools watching another process's writes."""
    documents: dict[str, dict] = {}
    for path in sorted(data_dir.glob("indexes/*/library.sqlite")):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
        try:
            rows = db.execute("SELECT doc_id, entry FROM documents").fetchall()
            documents.update((doc_id, json.loads(entry)) for doc_id, entry in rows)
        except sqlite3.Error:
            pass
        finally:
            db.close()
    return documents
