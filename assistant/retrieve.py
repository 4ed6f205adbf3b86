"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion, with a
third ranked list of the passages that mention a document number the question names, a fourth of
the candidates that stand under an article it names («Điều 3») and a fifth of the candidates of the
library document that number is (its identity counts); the fused candidates are then reordered by how
well each covers the question's words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.catalog import own_keys
from assistant.relevance import QuestionTerms, coverage, question_terms
from ingest.docnumbers import doc_number_keys
from ingest.passage import Passage
from ingest.references import matches, parse_reference_query
from ingest.structure import SEPARATOR
from vectorstore.library import Library

RRF_K = 60              # the usual reciprocal-rank-fusion constant
CANDIDATES = 50         # how deep each retriever looks before fusion
RERANK_DEPTH = 20       # how many fused candidates are reordered by coverage
COVERAGE_WEIGHT = 0.02  # coverage (0..1) against fused scores (about 1/61 for a first rank)


@dataclass
class Hit:
    passage: Passage
    score: float          # fused score
    dense: float = 0.0    # cosine similarity to the question (0 when not a dense candidate)
    bm25: float = 0.0     # BM25 score (0 when not a BM25 candidate)
    coverage: float = 0.0 # share of the question's words the passage covers (see relevance)


def _rrf(ranked_lists: list[list[str]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, pid in enumerate(ranked):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _doc_numbers_asked(library: Library, question: str) -> list[str]:
    """Keys of the document numbers the question names, in full ("21-KL/TW") or by type and
    number only ("Kết luận 21"), matched against the numbers the library's passages mention."""
    keys = doc_number_keys(question)
    partial = [r for r in parse_reference_query(question) if r.partial_key]
    if partial:
        keys += [k for k in library.doc_numbers() if k not in keys and any(matches(r, k) for r in partial)]
    return keys


_ARTICLE = re.compile(r"\b(?:điều|dieu)\s+(\d{1,3})\b", re.IGNORECASE)


def _in_articles_asked(found: dict[str, Passage], question: str, candidates: list[str]) -> list[str]:
    """The candidates (in their order) that stand under an article the question names: «Điều 3 quy định gì?»
    ranks the passages of «Điều 3. …» (a section part that starts with it), as a list for the fusion."""
    asked = {m.group(1) for m in _ARTICLE.finditer(question)}
    if not asked:
        return []
    wanted = re.compile(rf"^Điều ({'|'.join(sorted(asked))})\b")
    seen = dict.fromkeys(candidates)
    return [pid for pid in seen if any(wanted.match(part) for part in found[pid].section.split(SEPARATOR))]


def _of_documents_asked(
    library: Library, found: dict[str, Passage], keys: list[str], candidates: list[str]
) -> list[str]:
    """The candidates (in their order) of the library documents whose own number the question names: «Theo QĐ
    384, …» ranks the passages of Quy định 384-QĐ/TW itself, not only those that mention its number."""
    if not keys:
        return []
    docs = {doc_id for doc_id, key in own_keys(library).items() if key in keys}
    return [pid for pid in dict.fromkeys(candidates) if found[pid].doc_id in docs]


def retrieve(
    library: Library, question: str, k: int = 10, ignore: frozenset[str] = frozenset(), search: str = ""
) -> tuple[list[Hit], QuestionTerms]:
    """The k passages that best match the question, best first, and the question's weighted terms.

    Words in `ignore` (abbreviations already written out in the question) do not count for coverage.
    `search`, when given, is what the retrievers look for instead of the question (the question with the
    documents' wordings of its phrases, assistant.paraphrases); coverage is always of the question."""
    depth = max(CANDIDATES, k)
    dense = library.dense_search(search or question, depth)
    sparse = library.bm25_search(search or question, depth)
    bm25_score = dict(sparse)
    asked = _doc_numbers_asked(library, question)
    by_number: list[str] = []
    for key in asked:
        ids = library.with_doc_number(key)
        by_number += sorted(ids, key=lambda pid: -bm25_score.get(pid, 0.0))
    found = library.find_passages([pid for pid, _ in sparse] + [pid for pid, _ in dense])
    candidates = [pid for pid in [pid for pid, _ in sparse] + [pid for pid, _ in dense] if pid in found]
    by_article = _in_articles_asked(found, question, candidates)
    by_document = _of_documents_asked(library, found, asked, candidates)
    fused = _rrf([[pid for pid, _ in dense], [pid for pid, _ in sparse], by_number, by_article, by_document])
    waiting = library.without_vectors([pid for pid, _ in sparse])
    for rank, (pid, _) in enumerate(sparse):  # no vector yet: its keyword rank stands in for the dense one
        if pid in waiting:
            fused[pid] += 1.0 / (RRF_K + rank + 1)
    dense_score = dict(dense)
    best = sorted(fused, key=lambda pid: -fused[pid])[: max(k, RERANK_DEPTH)]
    found.update(library.find_passages([pid for pid in best if pid not in found]))
    hits = [  # a passage another process removed since this question began is left out
        Hit(found[pid], fused[pid], dense_score.get(pid, 0.0), bm25_score.get(pid, 0.0))
        for pid in best if pid in found
    ]
    terms = question_terms(question, library, [h.passage.index_text for h in hits], ignore)
    for hit in hits:
        hit.coverage = coverage(terms, hit.passage.index_text)
        hit.score += COVERAGE_WEIGHT * hit.coverage
    hits.sort(key=lambda h: -h.score)
    return hits[:k], terms
