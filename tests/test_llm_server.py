"""LangChain's ChatOpenAI against a real local OpenAI-compatible server (llama.cpp + Gemma 3 270M).

The model is a base model and answers nonsense: these tests check the client's behaviour only.
"""

from __future__ import annotations

import openai
import pytest
import tiktoken
from langchain_openai import ChatOpenAI

QUESTION = [("system", "Bạn là trợ lý."), ("human", "Đảng bộ huyện có bao nhiêu đảng viên?")]


@pytest.fixture(autouse=True)
def no_token_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """langchain_openai imports tiktoken, but must never load an encoding (that would need the network)."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("tiktoken encoding requested: token counting is not allowed")

    monkeypatch.setattr(tiktoken, "get_encoding", forbidden)
    monkeypatch.setattr(tiktoken, "encoding_for_model", forbidden)


def _chat(base_url: str, model: str, **overrides: object) -> ChatOpenAI:
    settings = {"temperature": 0, "timeout": 60, "max_retries": 0, "max_tokens": 48} | overrides
    return ChatOpenAI(base_url=base_url, api_key="khong-can", model=model, **settings)


def test_server_reports_its_model(llm_model_name: str) -> None:
    assert llm_model_name == "gemma-3-270m"


def test_stream_yields_tokens_one_by_one(llm_base_url: str, llm_model_name: str) -> None:
    chunks = [chunk.content for chunk in _chat(llm_base_url, llm_model_name).stream(QUESTION)]
    non_empty = [text for text in chunks if text]
    assert len(non_empty) > 1, chunks
    assert "".join(non_empty).strip()


def test_invoke_times_out_on_a_long_answer(llm_base_url: str, llm_model_name: str) -> None:
    # ignore_eos (a llama.cpp request option) makes the server really produce 2000 tokens (~70 s on one
    # thread), so a 1 s client timeout always fires; llama.cpp drops the request when the client goes away.
    chat = _chat(llm_base_url, llm_model_name, timeout=1, max_tokens=2000, extra_body={"ignore_eos": True})
    with pytest.raises(openai.APITimeoutError):
        chat.invoke("Hãy viết một bài văn thật dài về lịch sử Đảng.")
    assert _chat(llm_base_url, llm_model_name).invoke(QUESTION).content  # the server is free again
