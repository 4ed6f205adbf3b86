"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion,
plus a third ranked list of the passages that mention a document number the question names."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.docnumbers import doc_number_keys
from ingest.passage import Passage
from vectorstore.library import Library

RRF_K = 60          # the usual reciprocal-rank-fusion constant
CANDIDATES = 50     # how deep each retriever looks before fusion


@dataclass
class Hit:
    passage: Passage
    score: float          # fused score
    dense: float = 0.0    # cosine similarity to the question (0 when not a dense candidate)
    bm25: float = 0.0     # BM25 score (0 when not a BM25 candidate)


def _rrf(ranked_lists: list[list[str]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, pid in enumerate(ranked):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def retrieve(library: Library, question: str, k: int = 10) -> list[Hit]:
    """The k passages that best match the question, best first."""
    depth = max(CANDIDATES, k)
    dense = library.dense_search(question, depth)
    sparse = library.bm25_search(question, depth)
    bm25_score = dict(sparse)
    by_number: list[str] = []
    for key in doc_number_keys(question):
        ids = library.with_doc_number(key)
        by_number += sorted(ids, key=lambda pid: -bm25_score.get(pid, 0.0))
    fused = _rrf([[pid for pid, _ in dense], [pid for pid, _ in sparse], by_number])
    dense_score = dict(dense)
    best = sorted(fused, key=lambda pid: -fused[pid])[:k]
    return [
        Hit(library.passage(pid), fused[pid], dense_score.get(pid, 0.0), bm25_score.get(pid, 0.0))
        for pid in best
    ]
