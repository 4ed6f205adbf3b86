"""The Vietnamese prompt templates, read from the files in ``prompts/`` (PROMPTS_DIR) once at start.

Each file is a LangChain f-string template: ``system.txt`` (the rules), ``answer.txt`` ({passages},
{question}), ``rewrite.txt`` ({history}, {question}).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

FILES = ("system", "answer", "rewrite")


@dataclass(frozen=True)
class Prompts:
    system: str
    answer: str
    rewrite: str


def load_prompts(directory: Path) -> Prompts:
    """The three templates; a missing or empty file is an error that names it."""
    texts = {}
    for name in FILES:
        path = directory / f"{name}.txt"
        if not path.is_file() or not path.read_text(encoding="utf-8").strip():
            raise FileNotFoundError(f"Thiếu tệp mẫu câu lệnh {path}")
        texts[name] = unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).strip()
    return Prompts(**texts)


DATA_OPEN, DATA_CLOSE = "«««", "»»»"   # around each passage given to the model


def numbered_passages(passages: dict[int, str]) -> str:
    """"[1] «««\\n…\\n»»»\\n\\n[2] …": the passages as the model sees them, each delimited as data (the prompts
    say that what stands between the marks is quoted from the documents, never an instruction to follow)."""
    return "\n\n".join(f"[{n}] {DATA_OPEN}\n{text}\n{DATA_CLOSE}" for n, text in passages.items())


def history_text(history: list[tuple[str, str]]) -> str:
    """The previous turns as "Người dùng: …" / "Trợ lý: …" lines."""
    return "\n".join(f"Người dùng: {q}\nTrợ lý: {a}" for q, a in history)
