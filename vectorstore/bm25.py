"""A BM25 index (bm25s) over passages, saved on disk beside Chroma.

It is derived data: built from the passages the library holds and stamped with a hash of
their ids, so a stale or half-written index is detected and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import bm25s
import numpy as np

from vectorstore.tokenize import tokenize


def ids_stamp(ids: list[str]) -> str:
    """A hash of the set of passage ids the index was built from."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


class BM25Index:
    """Sparse keyword retrieval over (id, text) pairs."""

    def __init__(self, ids: list[str], texts: list[str]):
        self.ids = list(ids)
        self.stamp = ids_stamp(self.ids)
        self._retriever: bm25s.BM25 | None = None
        if self.ids:
            self._retriever = bm25s.BM25()
            self._retriever.index([tokenize(t) or ["∅"] for t in texts], show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, best first."""
        if self._retriever is None:
            return []
        vocab = self._retriever.vocab_dict
        token_ids = [vocab[t] for t in tokenize(query) if t in vocab]
        if not token_ids:
            return []
        scores = self._retriever.get_scores_from_ids(token_ids)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, directory: Path) -> None:
        """Write atomically: a temporary directory renamed into place."""
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._retriever is not None:
            self._retriever.save(str(tmp / "bm25s"))
        (tmp / "ids.json").write_text(json.dumps({"stamp": self.stamp, "ids": self.ids}))
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> BM25Index | None:
        """The saved index, or None when there is none or it cannot be read."""
        try:
            meta = json.loads((directory / "ids.json").read_text())
            index = cls.__new__(cls)
            index.ids, index.stamp = meta["ids"], meta["stamp"]
            index._retriever = bm25s.BM25.load(str(directory / "bm25s")) if index.ids else None
            return index
        except (OSError, ValueError, KeyError):
            return None
