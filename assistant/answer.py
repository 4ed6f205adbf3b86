"""Extractive answers: the 1–3 sentences of the retrieved passages that answer the question,
quoted word for word, each followed by the marker of the passage it comes from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.instructions import is_instruction
from assistant.kinds import kind_of, listing
from assistant.relevance import QuestionTerms, coverage
from assistant.retrieve import Hit
from assistant.twins import twins
from assistant.units import Scope, units_in
from assistant.verify import Verification
from ingest.passage import Passage
from ingest.sentences import sentence_spans
from ingest.structure import SEPARATOR
from vectorstore.tokenize import fold_accents

NOT_FOUND = "Không tìm thấy thông tin này trong các tài liệu hiện có."
ANSWER_PASSAGES = 5        # how many top passages the quotes may come from
MAX_QUOTES = 3
LONG_SENTENCE_WORDS = 45   # a longer sentence is quoted by its clause (split at ";")
KIND_BONUS = 0.3           # for a sentence holding the number / date / document asked for
RANK_DECAY = 0.08          # a quote from the n-th passage is worth (1 - n * RANK_DECAY)
CONTEXT_WEIGHT = 0.8       # a clause matched only with what frames it (citing sentence, heading …) counts less
LABEL_WORDS = 8            # a lead-in this short, without final punctuation, is quoted with what follows
RUNNER_UP = 0.75           # further quotes must score at least this share of the best one
UNIT_BONUS = 0.3           # for a clause naming the asked unit, in a passage naming several units
LIST_PASSAGES = 8          # how many top passages a list question's list is looked for in
LIST_RANK_DECAY = 0.04     # lists are looked for deeper, so a rank costs less
LIST_COVERAGE = 0.5        # a list answers a list question when its heading, lead-in and items cover this much
TWIN_DEPTH = 10            # how many hits are searched for same-template twins of the best quote


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


def is_title(unit: str, title: str) -> bool:
    """Whether the unit is the document's title (type line and trích yếu): it names the document, it
    answers nothing."""
    unit, title = (" ".join(fold_accents(t.lower()).split()) for t in (unit, title))
    return bool(unit) and (unit in title or (title in unit and len(unit) <= len(title) + 20))


def unit_at(text: str, offset: int) -> str:
    """The quotable unit of ``text`` (see quote_units) that holds the character at ``offset``; "" if none."""
    return next((u for u in quote_units(text) if text.find(u) <= offset < text.find(u) + len(u)), "")


def score_unit(unit: str, terms: QuestionTerms, question: str, kind=None) -> float:
    """How well the unit covers the question, plus a bonus (up to KIND_BONUS) when it holds the kind of
    fact asked for (assistant.kinds)."""
    return coverage(terms, unit) + (KIND_BONUS * kind.bonus(unit, question) if kind else 0.0)


def best_quotes(question: str, terms: QuestionTerms, hits: list[Hit],
                scope: Scope | None = None) -> list[tuple[int, str, float]]:
    """Up to MAX_QUOTES (hit index, quoted text, score), best first, from distinct places. A sentence that
    is an instruction to an automatic reader (assistant.instructions) is never quoted, nor, when the
    question names units, a clause about another unit (assistant.units); for a question type that must hold
    its element (assistant.kinds: a number bound to the asked noun, a person's name) only clauses that hold it."""
    kind = kind_of(question)
    scored = []
    # a passage naming several units (a table of communes) is where the asked unit's own clause must be picked
    among_units = {i: len(units_in(h.passage.text)) > 1 for i, h in enumerate(hits[:ANSWER_PASSAGES])} if scope else {}
    for i, hit in enumerate(hits[:ANSWER_PASSAGES]):
        # a clause is also read with what frames it, at CONTEXT_WEIGHT: the sentence citing a footnote, the
        # lead-in a long list carries on, the heading it stands under («Điều 3. …», «Nguyên nhân …»), and in
        # a document about the asked unit, the unit's name
        heading = hit.passage.section.split(SEPARATOR)[-1] if hit.passage.section else ""
        context = " ".join(p for p in (hit.passage.context, heading) if p)
        if scope and scope.names(hit.passage):
            context = f"{context} {scope.written}".strip()
        headings = set(hit.passage.section.split(SEPARATOR))
        for unit in quote_units(hit.passage.text):
            if (is_instruction(unit) or is_title(unit, hit.passage.doc_title) or unit in headings
                    or (scope and not scope.quotable(unit))):
                continue  # never an instruction, the title, a heading alone, or another unit's clause
            unit_bonus = UNIT_BONUS if among_units.get(i) and scope.mentions(unit) else 0.0
            score = score_unit(unit, terms, question, kind) + unit_bonus
            if context:
                score = max(score, CONTEXT_WEIGHT * score_unit(f"{unit} {context}", terms, question, kind))
            scored.append((i, unit, score * (1 - RANK_DECAY * i)))
    if kind is not None and getattr(kind, "REQUIRED", False):
        scored = [s for s in scored if kind.answered_by(s[1], question)]   # a number bound to the noun, a name
    scored.sort(key=lambda s: -s[2])
    if not scored or scored[0][2] <= 0:
        return []
    chosen = [scored[0]]
    for cand in scored[1:]:
        if len(chosen) == MAX_QUOTES or cand[2] < RUNNER_UP * scored[0][2]:
            break
        if cand[1].endswith(":"):
            continue  # a lead-in alone answers nothing; it is quoted only with its items (list_answer)
        if all(cand[1] not in c[1] and c[1] not in cand[1] for c in chosen):
            chosen.append(cand)
    return chosen


def list_answer(question: str, terms: QuestionTerms, hits: list[Hit],
                quote: tuple[int, str, float], library=None) -> Answer | None:
    """For a list question: the lead-in and the items of the list among the top passages whose heading,
    lead-in and items cover the question best (assistant.kinds.listing), when it covers at least LIST_COVERAGE;
    else the list the best quote belongs to; None when there is no such list."""
    passages = [h.passage for h in hits[:LIST_PASSAGES]]
    found = listing.best_listing(question, terms, passages, LIST_RANK_DECAY) if kind_of(question) is listing else None
    if found is None or found.score < LIST_COVERAGE:
        found = listing.listing_at(hits[quote[0]].passage, quote[1])
    if found is None:
        return None
    citations = Citations()
    hit_of = {h.passage.id: h for h in hits}
    lines = []
    if found.lead:
        lines.append(f"“{found.lead}” [{citations.cite(found.passage, found.lead, hit_of[found.passage.id].score)}]")
    else:
        lines.append(f"{found.label}:")
    document = library.document_passages(found.passage.doc_id) if library is not None else []
    items = listing.items_of(found, document)
    for passage, item in items[:listing.MAX_ITEMS]:
        hit = hit_of.get(passage.id)
        lines.append(f"- “{item}” [{citations.cite(passage, item, hit.score if hit else 0.0)}]")
    if len(items) > listing.MAX_ITEMS:
        lines.append(f"… (còn {len(items) - listing.MAX_ITEMS} mục nữa trong đoạn đã dẫn)")
    return Answer(question, "\n".join(lines), citations.sources, hits=hits)


def twin_answer(question: str, hits: list[Hit], quote: tuple[int, str, float]) -> Answer | None:
    """When the best quote has twins in same-template documents (assistant.twins) and the question names
    no unit: each document's clause, labelled with the document."""
    top = hits[quote[0]].passage
    candidates = [(i, unit, h.passage.doc_id) for i, h in enumerate(hits[:TWIN_DEPTH])
                  for unit in quote_units(h.passage.text) if not is_instruction(unit)]
    found = twins(quote[1], top.doc_id, candidates)
    if not found:
        return None
    citations = Citations()
    lines = []
    for index, unit in [(quote[0], quote[1]), *found]:
        hit = hits[index]
        lines.append(f"«{hit.passage.doc_title}»: “{unit}” [{citations.cite(hit.passage, unit, hit.score)}]")
    return Answer(question, "\n\n".join(lines), citations.sources, hits=hits)


def build_answer(question: str, terms: QuestionTerms, hits: list[Hit], abstain: bool,
                 scope: Scope | None = None, library=None) -> Answer:
    """Quote the answer from the hits, or abstain and list the closest passages. ``scope``: the units the
    question names (assistant.units); without one, same-template documents are answered each apart.
    ``library`` (vectorstore.library.Library) lets a list answer follow its list into the next passages."""
    quotes = [] if abstain else best_quotes(question, terms, hits, scope)
    if not quotes:
        related = [Source(n + 1, h.passage, h.score) for n, h in enumerate(hits[:3])]
        return Answer(question, NOT_FOUND, [], abstained=True, related=related, hits=hits)
    if kind_of(question) is listing or quotes[0][1].endswith(":"):
        answer = list_answer(question, terms, hits, quotes[0], library)
        if answer is not None:
            return answer
    if not scope:
        answer = twin_answer(question, hits, quotes[0])
        if answer is not None:
            return answer
    citations = Citations()
    lines = []
    for hit_index, unit, _ in quotes:
        hit = hits[hit_index]
        if any(hit.passage.id == s.passage.id and unit in s.quotes for s in citations.sources):
            continue   # already given as the footnote of a clause above
        lines.append(f"“{unit}” [{citations.cite(hit.passage, unit, hit.score)}]")
        if library is not None:
            lines += footnote_lines(hit.passage, unit, library, citations)
    return Answer(question, "\n\n".join(lines), citations.sources, hits=hits)


def footnote_lines(passage: Passage, quote: str, library, citations: Citations) -> list[str]:
    """«Chú thích n: “…” [k]» for each footnote whose marker stands in the quoted clause: a footnote passage of
    the same document (ingest.chunking: kind "footnote", its number in ``footnotes``) whose citing sentence
    (``context``) is the quote or holds it, or is held by it."""
    if not passage.footnotes or passage.kind == "footnote":
        return []
    lines = []
    notes = [p for p in library.document_passages(passage.doc_id) if p.kind == "footnote"]
    for number in passage.footnotes:
        note = next((p for p in notes if p.footnotes == [number] and p.context
                     and (p.context in quote or quote in p.context)), None)
        if note is not None:
            units = quote_units(note.text)
            text = units[0] if units else note.text
            lines.append(f"Chú thích {number}: “{text}” [{citations.cite(note, text)}]")
    return lines


def highlight(passage_text: str, quotes: list[str], before: str = "**", after: str = "**") -> str:
    """The passage with each quoted sentence wrapped in the given marks."""
    for quote in sorted(quotes, key=len, reverse=True):
        passage_text = re.sub(re.escape(quote), lambda m: f"{before}{m.group(0)}{after}", passage_text, count=1)
    return passage_text
