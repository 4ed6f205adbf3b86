"""The assistant: a question in, a cited answer out. The app, the CLI and the evaluation all call this."""

from __future__ import annotations

import time

import config
from assistant.answer import Answer, build_answer, coverage
from assistant.question import normalize_question
from assistant.retrieve import retrieve
from vectorstore.embedder import load_embedder
from vectorstore.library import Library

MIN_COVERAGE = 0.6   # below this share of the question's terms in the best passages: abstain


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is for the user."""


class Assistant:
    """Answers questions from the library of one data directory."""

    def __init__(self, settings: config.Settings | None = None, library: Library | None = None):
        self.settings = settings or config.load()
        self.library = library or Library(self.settings, load_embedder(self.settings))

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
        hits = retrieve(self.library, question, k or max(self.settings.top_k, 10))
        relevance = max((coverage(question, h.passage) for h in hits[:3]), default=0.0)
        answer = build_answer(question, hits, abstain=relevance < MIN_COVERAGE)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer
