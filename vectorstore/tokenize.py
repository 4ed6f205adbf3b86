"""Tokens for BM25: NFC lower-cased syllables (one-letter words kept), their accent-folded
forms, and one token per document number, so "ket nap" finds "kết nạp" and "21-KL/TW" is one term."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ingest.docnumbers import doc_number_keys

_WORD = re.compile(r"(?u)\b\w+\b")


@lru_cache(maxsize=1 << 17)
def fold_accents(text: str) -> str:
    """Remove Vietnamese diacritics: "Kết nạp Đảng" -> "Ket nap Dang"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def canonical(word: str) -> str:
    """A number without its leading zeros ("07" -> "7"), any other word as it is."""
    return str(int(word)) if word.isdigit() and len(word) < 10 else word


def words(text: str) -> list[str]:
    """NFC lower-cased word tokens, one-letter words included, numbers without leading zeros."""
    return [canonical(w) for w in _WORD.findall(unicodedata.normalize("NFC", text).lower())]


def tokenize(text: str) -> list[str]:
    """Index/query tokens: each word, its folded form when it differs, and document-number terms."""
    tokens: list[str] = []
    for word in words(text):
        tokens.append(word)
        folded = fold_accents(word)
        if folded != word:
            tokens.append(folded)
    tokens.extend(f"§{key.lower()}" for key in doc_number_keys(text))
    return tokens
