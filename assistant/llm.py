"""Answers written by a language model behind any OpenAI-compatible server (llama.cpp, vLLM, Ollama …),
through a LangChain chain: the prompt templates of ``prompts/`` piped into ``ChatOpenAI``.

Every failure (server down, timeout, an error reply) becomes an ``LLMError`` with a Vietnamese message, so
the caller can fall back to the extractive answer; nothing here counts tokens (no tiktoken).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import config
from assistant.prompts import Prompts, history_text, load_prompts, numbered_passages

REWRITE_MAX_CHARS = 400   # a longer "rewritten question" is not a question
HISTORY_TURNS = 3         # previous turns shown to the rewriting prompt
HISTORY_ANSWER_CHARS = 600


class LLMError(RuntimeError):
    """The model could not give an answer; the message is for the user."""


def _describe(err: Exception) -> str:
    name = type(err).__name__
    if "Timeout" in name:
        return "máy chủ mô hình trả lời quá chậm"
    if "Connection" in name:
        return "không kết nối được máy chủ mô hình"
    return f"máy chủ mô hình báo lỗi ({name})"


def _text(chunk) -> str:
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def label(settings: config.Settings) -> str:
    """How the page names the language model: "model tại URL" (without building the model)."""
    return f"{settings.llm_model} tại {settings.llm_base_url}"


class LLM:
    """The chat model and the two chains (answer, rewrite) built from the prompt files."""

    def __init__(self, settings: config.Settings, prompts: Prompts | None = None):
        from langchain_core.prompts import ChatPromptTemplate
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.prompts = prompts or load_prompts(settings.prompts_dir)
        self.model = ChatOpenAI(
            base_url=settings.llm_base_url, api_key=settings.llm_api_key or "khong-can", model=settings.llm_model,
            temperature=settings.llm_temperature, timeout=settings.llm_timeout, max_retries=0,
            max_tokens=settings.llm_max_tokens, streaming=True,
        )
        system = ("system", self.prompts.system)
        self.answer_chain = ChatPromptTemplate.from_messages([system, ("human", self.prompts.answer)]) | self.model
        self.rewrite_chain = ChatPromptTemplate.from_messages([system, ("human", self.prompts.rewrite)]) | self.model

    @property
    def label(self) -> str:
        return label(self.settings)

    def stream_answer(self, question: str, passages: dict[int, str]) -> Iterator[str]:
        """The answer, piece by piece as the server sends it; LLMError past LLM_TIMEOUT or on any failure."""
        yield from self._stream(self.answer_chain, {"question": question, "passages": numbered_passages(passages)})

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """The follow-up question as a standalone one; LLMError when the reply is not a usable question."""
        turns = [(q, a[:HISTORY_ANSWER_CHARS]) for q, a in history[-HISTORY_TURNS:]]
        text = "".join(self._stream(self.rewrite_chain, {"question": question, "history": history_text(turns)}))
        lines = [line.strip(" \"“”'*") for line in text.strip().splitlines() if line.strip()]
        if not lines or len(lines[0]) > REWRITE_MAX_CHARS:
            raise LLMError("mô hình không viết lại được câu hỏi")
        return lines[0]

    def _stream(self, chain, values: dict) -> Iterator[str]:
        deadline = time.monotonic() + self.settings.llm_timeout
        try:
            for chunk in chain.stream(values):
                if time.monotonic() > deadline:
                    raise LLMError("máy chủ mô hình trả lời quá chậm")
                piece = _text(chunk)
                if piece:
                    yield piece
        except LLMError:
            raise
        except Exception as err:  # any failure of the server or the client becomes the fallback
            raise LLMError(_describe(err)) from err
