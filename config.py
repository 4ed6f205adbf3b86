"""All configuration in one place: environment variables with defaults.

Importing this module also switches off everything that would reach the
network (Hugging Face hub, Gradio analytics, Chroma telemetry).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Offline operation: set before any library that reads them is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenVINO sends a usage event to Google Analytics on `import openvino` unless the user opted out: with its
# telemetry package made unimportable, OpenVINO falls back to its own no-op stub (openvino/tools/ovc).
sys.modules.setdefault("openvino_telemetry", None)

DEFAULT_EMBEDDING_MODEL = "intfloat/multilingual-e5-small"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str
    port: int
    embedding_model: str
    samples_dir: Path
    max_question_chars: int
    top_k: int
    max_file_mb: float
    ingest_batch: int
    llm_base_url: str = ""          # an OpenAI-compatible server ("http://127.0.0.1:8080/v1"); "" = extractive answers
    llm_model: str = "local"
    llm_api_key: str = ""
    llm_timeout: float = 60.0       # seconds for a whole answer; past it the extractive answer is shown
    llm_temperature: float = 0.0
    llm_max_tokens: int = 600
    prompts_dir: Path = ROOT / "prompts"
    max_parse_seconds: float = 60.0  # a file whose reading and parsing takes longer is rejected
    allow_anonymous: bool = False   # serve a non-loopback HOST without any user accounts
    embedding_backend: str = "openvino-bf16"  # or torch, onnx, onnx-int8, openvino (vectorstore.embedder)
    chroma_host: str = ""            # a `chroma run` server holding the vectors; "" = Chroma embedded in DATA_DIR
    chroma_port: int = 8000
    background_embedding: bool = True  # the app embeds new passages in the background (keyword search at once)

    @property
    def loopback(self) -> bool:
        """Whether the app listens only on this machine (127.0.0.1, ::1, localhost)."""
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


def load() -> Settings:
    """Read the settings from the environment (call again after changing it)."""
    env = os.environ.get
    return Settings(
        data_dir=Path(env("DATA_DIR", str(ROOT / "data"))).resolve(),
        host=env("HOST", "127.0.0.1"),
        port=int(env("PORT", "7860")),
        embedding_model=env("EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL),
        samples_dir=Path(env("SAMPLES_DIR", str(ROOT / "samples"))).resolve(),
        max_question_chars=int(env("MAX_QUESTION_CHARS", "2000")),
        top_k=int(env("TOP_K", "10")),
        max_file_mb=float(env("MAX_FILE_MB", "50")),
        ingest_batch=int(env("INGEST_BATCH", "512")),
        llm_base_url=env("LLM_BASE_URL", "").strip(),
        llm_model=env("LLM_MODEL", "local"),
        llm_api_key=env("LLM_API_KEY", ""),
        llm_timeout=float(env("LLM_TIMEOUT", "60")),
        llm_temperature=float(env("LLM_TEMPERATURE", "0")),
        llm_max_tokens=int(env("LLM_MAX_TOKENS", "600")),
        prompts_dir=Path(env("PROMPTS_DIR", str(ROOT / "prompts"))).resolve(),
        max_parse_seconds=float(env("MAX_PARSE_SECONDS", "60")),
        allow_anonymous=env("ALLOW_ANONYMOUS", "").strip().lower() in ("1", "true", "yes"),
        embedding_backend=env("EMBEDDING_BACKEND", "openvino-bf16").strip().lower(),
        chroma_host=env("CHROMA_HOST", "").strip(),
        chroma_port=int(env("CHROMA_PORT", "8000")),
        background_embedding=env("BACKGROUND_EMBEDDING", "1").strip().lower() not in ("0", "false", "no"),
    )
