"""LangChain's ChatOpenAI against a real local OpenAI-compatible server (llama.cpp + Gemma 3 270M).

The model is a base model and answers nonsense: these tests check the client's behaviour only.
"""

from __future__ import annotations

import openai
import pytest
import tiktoken
from langchain_openai import ChatOpenAI

pytestmark = pytest.mark.llm  # skipped (by the llm_base_url fixture) only if the model packages cannot be imported

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


def test_the_assistant_streams_from_the_real_model_and_checks_what_it_wrote(llm_base_url, llm_model_name,
                                                                            sample_settings, sample_library):
    """The small base model writes poor, mostly uncited text: every sentence is judged, none passes unchecked,
    and the user gets either a verified answer or the extractive one with a notice."""
    import dataclasses

    from assistant.pipeline import Assistant
    from assistant.verify import facts

    settings = dataclasses.replace(sample_settings, llm_base_url=llm_base_url, llm_model=llm_model_name,
                                   llm_max_tokens=64, llm_timeout=120)
    items = list(Assistant(settings, sample_library).stream("Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?"))
    pieces, answer = items[:-1], items[-1]
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert answer.verification is not None and answer.model_text == "".join(pieces)
    assert answer.mode in ("llm", "fallback")
    if answer.mode == "fallback":
        assert answer.notice and "58 tổ chức cơ sở đảng" in answer.text
    passages = {n: h.passage.text for n, h in enumerate(answer.hits[:5], 1)}
    for sentence in answer.verification.sentences:
        if sentence.verified and sentence.checked and sentence.markers:
            cited = set().union(*(facts(passages[n]) for n in sentence.markers))
            cited |= {f[:4] for f in cited} | {f[:7] for f in cited}  # a year or month inside a cited date
            assert facts(sentence.text) <= cited | {str(n) for n in sentence.markers}
