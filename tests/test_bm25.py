"""The incremental BM25 index scores as bm25s (Lucene BM25, the index it replaced) does, after adds and
removals, and survives a snapshot."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from ingest.loader import load_document
from tests.test_library import SAMPLE
from vectorstore.bm25 import BM25Index
from vectorstore.tokenize import tokenize

QUESTIONS = ["Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?", "ket nap dang vien", "Kết luận 21-KL/TW",
             "sinh hoạt chi bộ định kỳ", "công tác kiểm tra, giám sát"]


@pytest.fixture(scope="module")
def passages():
    return list({p.id: p for p in load_document(SAMPLE).passages}.values())


def _reference(passages, question: str) -> dict[str, float]:
    """bm25s's scores of the passages for the question (rebuilt whole, as before)."""
    retriever = bm25s.BM25()
    retriever.index([tokenize(p.index_text) or ["∅"] for p in passages], show_progress=False)
    ids = [retriever.vocab_dict[t] for t in tokenize(question) if t in retriever.vocab_dict]
    scores = retriever.get_scores_from_ids(ids)
    return {p.id: float(s) for p, s in zip(passages, scores, strict=True) if s > 0}


def _ours(index: BM25Index, question: str) -> dict[str, float]:
    return dict(index.search(tokenize(question), 1000))


def _same(ours: dict[str, float], reference: dict[str, float]) -> None:
    assert ours.keys() == reference.keys()
    for pid, score in reference.items():
        assert ours[pid] == pytest.approx(score, rel=1e-4)


def test_scores_equal_bm25s_after_adds_and_removals(passages):
    index = BM25Index()
    for p in passages:
        index.add(p.id, tokenize(p.index_text))
    for question in QUESTIONS:
        _same(_ours(index, question), _reference(passages, question))
    removed = passages[::3]
    for p in removed:
        index.remove(p.id)
    kept = [p for p in passages if p not in removed]
    assert len(index) == len(kept)
    for question in QUESTIONS:
        _same(_ours(index, question), _reference(kept, question))


def test_a_snapshot_loads_back_the_same_index(passages, tmp_path):
    index = BM25Index()
    for p in passages:
        index.add(p.id, tokenize(p.index_text))
    index.remove(passages[0].id)
    index.save(tmp_path / "bm25", stamp=7)
    loaded, stamp = BM25Index.load(tmp_path / "bm25")
    assert stamp == 7 and len(loaded) == len(passages) - 1
    for question in QUESTIONS:
        assert loaded.search(tokenize(question), 10) == index.search(tokenize(question), 10)
    assert BM25Index.load(tmp_path / "missing") is None


def test_compaction_keeps_the_scores(passages):
    index = BM25Index()
    for round_ in range(25):  # many replacements: removed slots pile up and are compacted away
        for p in passages:
            index.add(p.id, tokenize(p.index_text) + [f"lần{round_}"])
    assert len(index) == len(passages) and len(index._ids) < 25 * len(passages)  # compacted on the way
    scores = _ours(index, QUESTIONS[0])
    fresh = BM25Index()
    for p in passages:
        fresh.add(p.id, tokenize(p.index_text) + ["lần24"])
    assert np.allclose(sorted(scores.values()), sorted(_ours(fresh, QUESTIONS[0]).values()))
