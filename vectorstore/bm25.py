"""A BM25 index that grows and shrinks passage by passage, kept in memory.

Scores are Okapi BM25 as Lucene computes them (and bm25s's default method, which this index
replaced because bm25s can only be rebuilt whole, see Kamphuis et al., ECIR 2020):

    idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    score(q, d) = Σ_{t in q} idf(t) · tf(t, d) / (tf(t, d) + k1 · (1 - b + b · |d| / avgdl))

with k1 = 1.5 and b = 0.75; N, df and avgdl count the live passages only, at query time, so
adding or removing passages costs in proportion to their tokens, not to the index. A removed
passage's postings stay (masked) until they are a large share, then the postings are compacted.

The index can be saved as a snapshot (numpy arrays) and loaded back, so a process does not
re-tokenise a large library at start; the library stamps the snapshot with its change number.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from array import array
from collections import Counter
from pathlib import Path

import numpy as np

K1 = 1.5
B = 0.75
COMPACT_SHARE = 0.5  # compact the postings once removed passages are this share of the slots


class BM25Index:
    """Sparse keyword retrieval over passages added and removed one by one, by id."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._slots: list[array] = []   # per term: the slots of the passages holding it ('i')
        self._tfs: list[array] = []     # per term: how often each of those holds it ('f')
        self._ids: list[str] = []       # per slot: the passage id
        self._slot: dict[str, int] = {}  # passage id -> its live slot
        self._length = array("f")       # per slot: number of tokens
        self._alive = bytearray()       # per slot: 1 while the passage is in the index
        self._total = 0.0               # tokens of the live passages
        self._lock = threading.Lock()   # searches read the arrays that adds append to

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, pid: str) -> bool:
        return pid in self._slot

    def ids(self) -> list[str]:
        """The ids of the passages in the index."""
        return list(self._slot)

    def add(self, pid: str, tokens: list[str]) -> None:
        """Index a passage's tokens (see vectorstore.tokenize); an id already present is replaced."""
        with self._lock:
            self._remove(pid)
            self._compact_if_due()
            slot = len(self._ids)
            self._ids.append(pid)
            self._slot[pid] = slot
            self._length.append(len(tokens))
            self._alive.append(1)
            self._total += len(tokens)
            for token, count in Counter(tokens).items():
                term = self._vocab.setdefault(token, len(self._vocab))
                if term == len(self._slots):
                    self._slots.append(array("i"))
                    self._tfs.append(array("f"))
                self._slots[term].append(slot)
                self._tfs[term].append(count)

    def remove(self, pid: str) -> None:
        """Take a passage out of the index (nothing happens if it is not there)."""
        with self._lock:
            self._remove(pid)
            self._compact_if_due()

    def _compact_if_due(self) -> None:
        if len(self._ids) > 1000 and len(self._ids) - len(self._slot) > COMPACT_SHARE * len(self._ids):
            self._compact()

    def _remove(self, pid: str) -> None:
        slot = self._slot.pop(pid, None)
        if slot is not None:
            self._alive[slot] = 0
            self._total -= self._length[slot]

    def document_frequency(self, token: str) -> int:
        """In how many live passages the token occurs."""
        with self._lock:
            term = self._vocab.get(token)
            if term is None:
                return 0
            alive = np.frombuffer(self._alive, dtype=np.uint8)
            return int(alive[np.frombuffer(self._slots[term], dtype=np.int32)].sum())

    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, best first; a token repeated in the
        query counts each time (as bm25s did)."""
        with self._lock:
            n = len(self._slot)
            terms = [self._vocab[t] for t in tokens if t in self._vocab]
            if not n or not terms or k <= 0:
                return []
            alive = np.frombuffer(self._alive, dtype=np.uint8).view(bool)
            lengths = np.frombuffer(self._length, dtype=np.float32)
            norm = K1 * (1 - B + B * lengths / (self._total / n))
            scores = np.zeros(len(self._ids), dtype=np.float32)
            for term in terms:
                slots = np.frombuffer(self._slots[term], dtype=np.int32)
                tfs = np.frombuffer(self._tfs[term], dtype=np.float32)
                live = alive[slots]
                slots, tfs = slots[live], tfs[live]
                idf = math.log(1 + (n - len(slots) + 0.5) / (len(slots) + 0.5))
                scores[slots] += idf * tfs / (tfs + norm[slots])  # a term's slots are distinct
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _compact(self) -> None:
        """Drop the postings of removed passages and renumber the slots (called with the lock held)."""
        alive = np.frombuffer(self._alive, dtype=np.uint8).astype(bool)
        new_slot = np.cumsum(alive, dtype=np.int64) - 1
        for term in range(len(self._slots)):
            slots = np.frombuffer(self._slots[term], dtype=np.int32)
            keep = alive[slots]
            self._slots[term] = array("i", new_slot[slots[keep]].astype(np.int32).tobytes())
            self._tfs[term] = array("f", np.frombuffer(self._tfs[term], dtype=np.float32)[keep].tobytes())
        self._ids = [pid for pid, a in zip(self._ids, alive, strict=True) if a]
        self._slot = {pid: i for i, pid in enumerate(self._ids)}
        self._length = array("f", np.frombuffer(self._length, dtype=np.float32)[alive].tobytes())
        self._alive = bytearray(b"\x01" * len(self._ids))

    # ---- snapshots -----------------------------------------------------------------

    def save(self, directory: Path, stamp: int) -> None:
        """Write the index with the library's change number `stamp`, atomically (a temporary
        directory renamed into place). Shape: terms.json, ids.json and one .npy per array."""
        with self._lock:
            self._compact()
            tmp = directory.with_name(directory.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            offsets = np.cumsum([0] + [len(s) for s in self._slots], dtype=np.int64)
            np.save(tmp / "offsets.npy", offsets)
            np.save(tmp / "slots.npy", np.frombuffer(b"".join(s.tobytes() for s in self._slots), dtype=np.int32))
            np.save(tmp / "tfs.npy", np.frombuffer(b"".join(t.tobytes() for t in self._tfs), dtype=np.float32))
            np.save(tmp / "lengths.npy", np.frombuffer(self._length, dtype=np.float32))
            (tmp / "terms.json").write_text(json.dumps(list(self._vocab), ensure_ascii=False), encoding="utf-8")
            (tmp / "ids.json").write_text(json.dumps({"stamp": stamp, "ids": self._ids}), encoding="utf-8")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> tuple[BM25Index, int] | None:
        """(The saved index, its change number), or None when there is none or it cannot be read."""
        try:
            meta = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
            terms = json.loads((directory / "terms.json").read_text(encoding="utf-8"))
            offsets = np.load(directory / "offsets.npy")
            slots = np.load(directory / "slots.npy")
            tfs = np.load(directory / "tfs.npy")
            lengths = np.load(directory / "lengths.npy")
            index = cls()
            index._vocab = {t: i for i, t in enumerate(terms)}
            index._slots = [array("i", slots[a:b].tobytes()) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
            index._tfs = [array("f", tfs[a:b].tobytes()) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
            index._ids = list(meta["ids"])
            index._slot = {pid: i for i, pid in enumerate(index._ids)}
            index._length = array("f", lengths.astype(np.float32).tobytes())
            index._alive = bytearray(b"\x01" * len(index._ids))
            index._total = float(lengths.sum())
            if len(index._slots) != len(terms) or len(index._length) != len(index._ids):
                return None
            return index, int(meta["stamp"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
