"""The assistant: a question in, a cited answer out. The app, the CLI and the evaluation all call this."""

from __future__ import annotations

import time

import config
from assistant.abbreviations import expand
from assistant.answer import Answer, build_answer
from assistant.catalog import CitedDocument, build_catalog, own_keys
from assistant.lookup import answer_from_catalog, reference_question
from assistant.question import normalize_question
from assistant.relevance import unknown_names
from assistant.render import document_label
from assistant.retrieve import Hit, retrieve
from vectorstore.embedder import load_embedder
from vectorstore.library import Library
from vectorstore.tokenize import words

MIN_RELEVANCE = 0.59     # below this coverage of the question by its best passages: abstain
RELEVANCE_PASSAGES = 3   # how many top passages may show that the documents answer


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is for the user."""


class Assistant:
    """Answers questions from the library of one data directory."""

    def __init__(self, settings: config.Settings | None = None, library: Library | None = None):
        self.settings = settings or config.load()
        self.library = library or Library(self.settings, load_embedder(self.settings))
        self._catalog: tuple[int, dict[str, CitedDocument]] = (-1, {})

    def catalog(self) -> dict[str, CitedDocument]:
        """The catalog of cited documents, rebuilt only when the library has changed."""
        if self._catalog[0] != self.library.revision:
            self._catalog = (self.library.revision, build_catalog(self.library))
        return self._catalog[1]

    def check(self, question: str) -> str:
        """The question, normalised; QuestionError with a Vietnamese message if it cannot be asked."""
        question = normalize_question(question or "")
        if not question:
            raise QuestionError("Vui lòng nhập câu hỏi.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"Câu hỏi quá dài ({len(question):,} ký tự). Vui lòng rút gọn dưới {limit:,} ký tự.".replace(",", ".")
            )
        return question

    def ask(self, question: str, k: int | None = None) -> Answer:
        """Retrieve, decide whether the documents answer it, and quote the answer."""
        started = time.perf_counter()
        question = self.check(question)
        expanded, applied = expand(question)
        answer = self._from_catalog(question)
        if answer is None:
            abbreviations = frozenset(w for abbr, _ in applied for w in words(abbr))
            hits, terms = retrieve(self.library, expanded, k or self.settings.top_k, abbreviations)
            relevance = max((h.coverage for h in hits[:RELEVANCE_PASSAGES]), default=0.0)
            unknown = unknown_names(question, [h.passage.index_text for h in hits])
            answer = build_answer(question, terms, hits, abstain=relevance < MIN_RELEVANCE or bool(unknown))
            answer.relevance = relevance
        for source in answer.sources + answer.related:
            source.label = document_label(self.library.document(source.passage.doc_id))
        if applied:
            answer.notice = "Đã hiểu " + ", ".join(f"«{a}» là «{full}»" for a, full in applied) + "."
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def _from_catalog(self, question: str) -> Answer | None:
        """The catalog's answer to a question about a document by its reference (see assistant.lookup)."""
        asked = reference_question(question)
        if asked is None:
            return None
        own = {key: doc_id for doc_id, key in own_keys(self.library).items()}
        answer = answer_from_catalog(question, asked, self.catalog(), self.library, own)
        if answer is not None:
            answer.hits = [Hit(s.passage, s.score) for s in answer.sources]  # what it rests on, for evaluation
            answer.relevance = 1.0 if answer.sources else 0.0
        return answer
