"""The assistant: a question in, a cited answer out. The app, the CLI and the evaluation all call this.

Extractive mode quotes the passages. With LLM_BASE_URL set, a language model writes the answer from the
numbered passages and every sentence is checked against the passages it cites (assistant.verify); an answer
that mostly fails the check, or a model that fails, gives way to the extractive answer with a notice.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import config
from assistant.abbreviations import expand
from assistant.answer import Answer, Source, build_answer, quote_units
from assistant.catalog import CitedDocument, build_catalog
from assistant.document_facts import CATALOG_FIRST, document_facts_answer, fact_kind
from assistant.focus import question_sentence
from assistant.followup import is_follow_up, standalone
from assistant.instructions import flag_instructions
from assistant.lookup import answer_from_catalog, reference_question
from assistant.paraphrases import with_alternatives
from assistant.question import normalize_question
from assistant.relevance import coverage, missing_rare, unknown_names
from assistant.render import document_label, where
from assistant.retrieve import Hit, retrieve
from assistant.units import Gazetteer, Scope, build_gazetteer
from assistant.verify import render as render_verified
from assistant.verify import verify
from vectorstore.background import progress_text
from vectorstore.embedder import load_embedder
from vectorstore.library import Library
from vectorstore.tokenize import words

MIN_RELEVANCE = 0.45     # below this coverage of the question by its best passages: abstain
RELEVANCE_PASSAGES = 3   # how many top passages may show that the documents answer
RARE_PASSAGES = 5        # a rare question word none of these top passages holds: the documents do not say it
LLM_PASSAGES = 5         # passages given to the language model
MIN_VERIFIED = 0.5       # a model answer with a smaller share of verified sentences is replaced
PASTE_FACTOR = 10        # a pasted block may be this many times MAX_QUESTION_CHARS; its question sentence is answered

NOT_SPOKEN_OF = "Các đoạn gần nhất không nói đến {words}."
NO_FACT_OF_KIND = "Các đoạn gần nhất không nêu điều được hỏi (số liệu hoặc tên người)."
FALLBACK_FAILED = "Không dùng được mô hình ngôn ngữ ({reason}); dưới đây là câu trả lời trích xuất."
KEYWORDS_ONLY = "các đoạn chưa lập xong chỉ được tìm theo từ khóa."
FALLBACK_UNVERIFIED = ("Câu trả lời của mô hình không kiểm chứng được với tài liệu; "
                       "dưới đây là câu trả lời trích xuất.")


def scoped(hits: list[Hit], scope: Scope, terms) -> list[Hit]:
    """The hits for a question that names units: documents about another unit of the asked tier left out;
    passages that name an asked unit (or whose document does) first, in their order, their coverage of the
    question counting the unit's name as present (a report of Huyện ủy Tây Sơn speaks of huyện Tây Sơn)."""
    kept = [h for h in hits if scope.document_in_scope(h.passage.doc_id)]
    for hit in kept:
        if scope.names(hit.passage):
            hit.coverage = coverage(terms, f"{hit.passage.index_text}\n{scope.written}")
    return sorted(kept, key=lambda h: not scope.names(h.passage))


def cited_first(hits: list[Hit], sources: list[Source]) -> list[Hit]:
    """The hits reranked by the answer: the passages it quotes first (in the order of their markers), then the
    others in their order. Choosing the quote weighs more than retrieval can (the kind of fact asked for, the
    clause rather than the passage), so the quoted passages are the best evidence."""
    cited = [s.passage.id for s in sources]
    return sorted(hits, key=lambda h: cited.index(h.passage.id) if h.passage.id in cited else len(cited))


def _answered_text(answer: Answer, scope: Scope) -> str:
    """What the answer rests on: its first cited passage (with its context and, in scope, the unit's name)."""
    if not answer.sources:
        return ""
    passage = answer.sources[0].passage
    return "\n".join([passage.index_text, scope.written if scope and scope.names(passage) else ""])


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is for the user."""


class Assistant:
    """Answers questions from the library of one data directory."""

    def __init__(self, settings: config.Settings | None = None, library: Library | None = None, llm=None):
        self.settings = settings or config.load()
        self.library = library or Library(self.settings, load_embedder(self.settings))
        self.llm = llm
        self.background = None  # the BackgroundEmbedder completing the library's vectors, when one runs
        if self.llm is None and self.settings.llm_enabled:
            from assistant.llm import LLM

            self.llm = LLM(self.settings)
        self._catalog: tuple[int, dict[str, CitedDocument]] = (-1, {})
        self._gazetteer: tuple[int, Gazetteer] = (-1, Gazetteer())

    @property
    def mode(self) -> str:
        """"llm" when a language model writes the answers, else "extractive"."""
        return "llm" if self.llm is not None else "extractive"

    def gazetteer(self) -> Gazetteer:
        """The units the library mentions and the unit each document is about, rebuilt when the library changes."""
        if self._gazetteer[0] != self.library.revision:
            self._gazetteer = (self.library.revision, build_gazetteer(self.library))
        return self._gazetteer[1]

    def catalog(self) -> dict[str, CitedDocument]:
        """The catalog of cited documents, rebuilt only when the library has changed."""
        if self._catalog[0] != self.library.revision:
            self._catalog = (self.library.revision, build_catalog(self.library))
        return self._catalog[1]

    def warm(self) -> None:
        """Derive now what questions need from the whole library (the catalog of cited documents, the
        gazetteer, the documents' profiles) rather than in the first question that needs it: seconds at
        100k passages. Safe beside questions (each is derived once per document version)."""
        from assistant.scope import profiles

        self.catalog()
        self.gazetteer()
        profiles(self.library)

    def check(self, question: str) -> str:
        """The question to answer, normalised: of a pasted block (notes, then the question), its question
        sentence (assistant.focus). QuestionError with a Vietnamese message if it cannot be asked: empty, a
        block over PASTE_FACTOR × MAX_QUESTION_CHARS, or a question sentence over MAX_QUESTION_CHARS."""
        question = normalize_question(question or "")
        if not question:
            raise QuestionError("Vui lòng nhập câu hỏi.")
        limit = self.settings.max_question_chars
        asked = question_sentence(question) if len(question) <= PASTE_FACTOR * limit else question
        if len(asked) > limit:
            raise QuestionError(
                f"Câu hỏi quá dài ({len(asked):,} ký tự). Vui lòng rút gọn dưới {limit:,} ký tự.".replace(",", ".")
            )
        return asked

    def ask(self, question: str, k: int | None = None, history: list[tuple[str, str]] | None = None) -> Answer:
        """The answer to the question (see stream), once it is complete."""
        for item in self.stream(question, k, history):
            if isinstance(item, Answer):
                return item
        raise RuntimeError("stream ended without an answer")

    def stream(self, question: str, k: int | None = None,
               history: list[tuple[str, str]] | None = None) -> Iterator[str | Answer]:
        """Pieces of the model's text as they come (LLM mode), then the finished, verified Answer.

        history holds the previous turns as (question, answer text) pairs; a follow-up question is made
        standalone from them before retrieval. Documents other processes added or removed since the
        last question are seen (Library.refresh)."""
        started = time.perf_counter()
        focused = self.check(question)
        self.library.refresh()
        question = normalize_question(question)
        asked = self._standalone(focused, history or [])
        expanded, applied = expand(asked)
        answer = self._from_catalog(asked)
        if answer is None:
            abbreviations = frozenset(w for abbr, _ in applied for w in words(abbr))
            answer = self._from_passages(asked, expanded, abbreviations, k or self.settings.top_k)
            if self.llm is not None and not answer.abstained:  # nothing relevant: the model is not called
                answer = yield from self._generate(asked, answer)
        answer.question = question
        if asked != question:
            answer.rewritten = asked
        for source in answer.sources + answer.related:
            source.label = document_label(self.library.document(source.passage.doc_id))
        if waiting := progress_text(*self.library.vector_progress()):
            answer.notice = f"{answer.notice} {waiting}: {KEYWORDS_ONLY}".strip()
        if applied:
            note = "Đã hiểu " + ", ".join(f"«{a}» là «{full}»" for a, full in applied) + "."
            answer.notice = f"{answer.notice} {note}".strip()
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _from_passages(self, asked: str, expanded: str, abbreviations: frozenset[str], k: int) -> Answer:
        """The extractive answer from the retrieved passages, scoped to the units the question names, or an
        abstention: when the best passages cover too little of the question (MIN_RELEVANCE), it names something
        no passage does, the answering passage lacks one of its rare words, or no clause holds the element its
        type needs (a number bound to the asked noun, a name)."""
        gazetteer = self.gazetteer()
        scope = Scope(gazetteer.asked(asked), gazetteer)
        hits, terms = retrieve(self.library, expanded, k, abbreviations, search=with_alternatives(expanded))
        if scope:
            hits = scoped(hits, scope, terms)
        relevance = max((h.coverage for h in hits[:RELEVANCE_PASSAGES]), default=0.0)
        unknown = unknown_names(asked, [h.passage.index_text for h in hits]) + gazetteer.unknown(asked)
        answer = build_answer(expanded, terms, hits, relevance < MIN_RELEVANCE or bool(unknown), scope, self.library)
        spoken = [_answered_text(answer, scope)] + [h.passage.index_text for h in hits[:RARE_PASSAGES]]
        if not answer.abstained and (missing := missing_rare(terms, spoken)):
            answer = build_answer(expanded, terms, hits, True)
            answer.notice = NOT_SPOKEN_OF.format(words=", ".join(f"«{w}»" for w in missing))
        elif answer.abstained and relevance >= MIN_RELEVANCE and not unknown:
            answer.notice = NO_FACT_OF_KIND   # the passages are about it, but none holds what is asked
        answer.relevance = relevance
        answer.hits = cited_first(answer.hits, answer.sources)
        return answer

    def _standalone(self, question: str, history: list[tuple[str, str]]) -> str:
        """The follow-up question rewritten by the model (LLM mode) or by carrying the subject over."""
        if not history or not is_follow_up(question):
            return question
        if self.llm is not None:
            from assistant.llm import LLMError

            try:
                return normalize_question(self.llm.rewrite(question, history))
            except LLMError:
                pass
        return standalone(question, history)

    def _generate(self, question: str, extractive: Answer) -> Iterator[str]:
        """Stream the model's answer, verify it, and return it (or the extractive one with a notice)."""
        from assistant.llm import LLMError

        hits = extractive.hits[:LLM_PASSAGES]
        shown = {n: f"({p.doc_title} — {where(p)})\n{flag_instructions(p.text, quote_units(p.text))}"
                 for n, p in enumerate((h.passage for h in hits), 1)}
        started, text = time.perf_counter(), ""
        try:
            for piece in self.llm.stream_answer(question, shown):
                text += piece
                yield piece
        except LLMError as err:
            return dataclasses.replace(extractive, mode="fallback", notice=FALLBACK_FAILED.format(reason=err))
        checked_at = time.perf_counter()
        verification = verify(text, shown)
        checked = {"verification": verification, "model_text": text,
                   "generation_ms": (checked_at - started) * 1000,
                   "verification_ms": (time.perf_counter() - checked_at) * 1000}
        if not verification.useful or verification.verified_ratio < MIN_VERIFIED:
            return dataclasses.replace(extractive, mode="fallback", notice=FALLBACK_UNVERIFIED, **checked)
        sources = [Source(n, hits[n - 1].passage, hits[n - 1].score) for n in verification.cited]
        return dataclasses.replace(extractive, text=render_verified(verification), sources=sources, mode="llm",
                                   **checked)

    def _from_catalog(self, question: str) -> Answer | None:
        """The answer to a question about a library document itself (who signed it, which body issued it, to
        whom it is sent …: assistant.document_facts), else the catalog's answer to a question about a document by
        its reference (see assistant.lookup)."""
        asked = reference_question(question)
        answer = None
        if asked is not None and fact_kind(question) in CATALOG_FIRST:   # the catalog says more of a cited one
            answer = answer_from_catalog(question, asked, self.catalog(), self.library)
            answer = None if answer is not None and answer.abstained else answer
        answer = answer or document_facts_answer(question, self.library)
        if answer is None:
            if asked is None:
                return None
            answer = answer_from_catalog(question, asked, self.catalog(), self.library)
        if answer is not None:
            answer.hits = [Hit(s.passage, s.score) for s in answer.sources]  # what it rests on, for evaluation
            answer.relevance = 1.0 if answer.sources else 0.0
        return answer
