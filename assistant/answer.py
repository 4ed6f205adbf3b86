"""Extractive answers: the 1–3 sentences of the retrieved passages that answer the question,
quoted word for word, each followed by the marker of the passage it comes from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.question import expected_kind, has_kind
from assistant.relevance import QuestionTerms, coverage
from assistant.retrieve import Hit
from assistant.verify import Verification
from ingest.passage import Passage
from ingest.sentences import sentence_spans

NOT_FOUND = "Không tìm thấy thông tin này trong các tài liệu hiện có."
ANSWER_PASSAGES = 5        # how many top passages the quotes may come from
MAX_QUOTES = 3
LONG_SENTENCE_WORDS = 45   # a longer sentence is quoted by its clause (split at ";")
KIND_BONUS = 0.3           # for a sentence holding the number / date / document asked for
RANK_DECAY = 0.08          # a quote from the n-th passage is worth (1 - n * RANK_DECAY)
CONTEXT_WEIGHT = 0.8       # a footnote sentence matched only with its citing sentence counts less
LABEL_WORDS = 8            # a lead-in this short, without final punctuation, is quoted with what follows
RUNNER_UP = 0.75           # further quotes must score at least this share of the best one


@dataclass
class Source:
    """A cited passage: its marker number, the passage, and the sentences quoted from it."""

    n: int
    passage: Passage
    score: float
    quotes: list[str] = field(default_factory=list)
    label: str = ""          # the document's type, number and date, when its header gives them


class Citations:
    """Sources numbered in the order they are first cited, each with the quotes taken from it."""

    def __init__(self) -> None:
        self.sources: list[Source] = []

    def cite(self, passage: Passage, quote: str, score: float = 1.0) -> int:
        """The marker of the passage, with the quote recorded for highlighting."""
        for source in self.sources:
            if source.passage.id == passage.id:
                if quote not in source.quotes:
                    source.quotes.append(quote)
                return source.n
        self.sources.append(Source(len(self.sources) + 1, passage, score, [quote]))
        return len(self.sources)


@dataclass
class Answer:
    question: str
    text: str                                   # what the user reads, markers included
    sources: list[Source]                       # cited passages, in marker order
    abstained: bool = False
    related: list[Source] = field(default_factory=list)  # when abstaining: closest passages
    notice: str = ""
    hits: list[Hit] = field(default_factory=list)         # everything retrieved, ranked
    latency_ms: float = 0.0
    relevance: float = 0.0        # how well the best passages cover the question (0..1)
    mode: str = "extractive"      # "extractive", "llm" (written by the model, verified) or "fallback"
    rewritten: str = ""           # the follow-up question as understood, when it was made standalone
    verification: Verification | None = None  # LLM mode: the check of every sentence of the model's text
    model_text: str = ""          # LLM mode: what the model wrote, as it wrote it
    generation_ms: float = 0.0
    verification_ms: float = 0.0

    @property
    def verified_ratio(self) -> float | None:
        """Share of the model's checked sentences that the passages confirm (None without a model)."""
        return self.verification.verified_ratio if self.verification else None


def _is_label(text: str) -> bool:
    """A lead-in such as "- Nguyên nhân khách quan": short, without final punctuation."""
    return len(text.split()) <= LABEL_WORDS and not text.rstrip().endswith((".", ";", "!", "?", "…"))


def quote_units(text: str) -> list[str]:
    """The quotable pieces of a passage, each an exact substring of it: its sentences, a lead-in
    joined to the sentence after it, and the ";" clauses of a long sentence that is not an
    enumeration introduced by ":"."""
    spans = sentence_spans(text)
    merged: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        if merged and merged[-1][1] == -1:
            merged[-1] = (merged[-1][0], end)
        else:
            label = _is_label(text[start:end]) and i + 1 < len(spans)
            merged.append((start, -1 if label else end))
    units = []
    for start, end in merged:
        sentence = text[start:end]
        enumeration = ":" in sentence.split(";")[0]  # "…khó khăn, hạn chế: A; B; C" is quoted whole
        if len(sentence.split()) > LONG_SENTENCE_WORDS and ";" in sentence and not enumeration:
            units += [c.strip() for c in sentence.split(";") if c.strip()]
        else:
            units.append(sentence)
    return units


def score_unit(unit: str, terms: QuestionTerms, kind: str | None) -> float:
    """How well the unit covers the question, plus a bonus when it holds the kind of fact asked for."""
    return coverage(terms, unit) + (KIND_BONUS if has_kind(unit, kind) else 0.0)


def best_quotes(question: str, terms: QuestionTerms, hits: list[Hit]) -> list[tuple[int, str, float]]:
    """Up to MAX_QUOTES (hit index, quoted text, score), best first, from distinct places."""
    kind = expected_kind(question)
    scored = []
    for i, hit in enumerate(hits[:ANSWER_PASSAGES]):
        context = hit.passage.context  # a footnote is read with the sentence that cites it
        for unit in quote_units(hit.passage.text):
            score = score_unit(unit, terms, kind)
            if context:
                score = max(score, CONTEXT_WEIGHT * score_unit(f"{unit} {context}", terms, kind))
            scored.append((i, unit, score * (1 - RANK_DECAY * i)))
    scored.sort(key=lambda s: -s[2])
    if not scored or scored[0][2] <= 0:
        return []
    chosen = [scored[0]]
    for cand in scored[1:]:
        if len(chosen) == MAX_QUOTES or cand[2] < RUNNER_UP * scored[0][2]:
            break
        if all(cand[1] not in c[1] and c[1] not in cand[1] for c in chosen):
            chosen.append(cand)
    return chosen


def build_answer(question: str, terms: QuestionTerms, hits: list[Hit], abstain: bool) -> Answer:
    """Quote the answer from the hits, or abstain and list the closest passages."""
    quotes = [] if abstain else best_quotes(question, terms, hits)
    if not quotes:
        related = [Source(n + 1, h.passage, h.score) for n, h in enumerate(hits[:3])]
        return Answer(question, NOT_FOUND, [], abstained=True, related=related, hits=hits)
    citations = Citations()
    lines = []
    for hit_index, unit, _ in quotes:
        hit = hits[hit_index]
        lines.append(f"“{unit}” [{citations.cite(hit.passage, unit, hit.score)}]")
    return Answer(question, "\n\n".join(lines), citations.sources, hits=hits)


def highlight(passage_text: str, quotes: list[str], before: str = "**", after: str = "**") -> str:
    """The passage with each quoted sentence wrapped in the given marks."""
    for quote in sorted(quotes, key=len, reverse=True):
        passage_text = re.sub(re.escape(quote), lambda m: f"{before}{m.group(0)}{after}", passage_text, count=1)
    return passage_text
