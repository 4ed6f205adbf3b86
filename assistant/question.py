"""What a question asks for: which of its words only shape it, and whether it wants a number, a date or a document."""

from __future__ import annotations

import re
import unicodedata

from ingest.docnumbers import find_doc_numbers
from vectorstore.tokenize import fold_accents

# Question words and function words: they say how to answer, not what about.
STOPWORDS = set(
    "ai bao giờ nhiêu nào gì là có không của các và được những thế như sao ở tại trong từ đến với cho "
    "về đã sẽ thì mà hay hoặc này đó kia một vì để khi ra vào lên xuống hiện nay nơi tới mình "
    "chúng ta trên dưới sau trước hơn nữa còn mọi cần gồm phần trăm".split()
)
_FOLDED_STOPWORDS = {fold_accents(w) for w in STOPWORDS}

_WANTS_NUMBER = re.compile(r"\b(bao nhieu|may|ty le|phan tram|so luong|bao nhieu phan tram)\b")
_WANTS_DATE = re.compile(r"\b(khi nao|ngay nao|bao gio|luc nao|thoi gian nao|nam nao|ngay thang)\b")
_WANTS_DOCUMENT = re.compile(
    r"\b(van ban|ke hoach|quyet dinh|chi thi|nghi quyet|ket luan|quy dinh|huong dan|chuong trinh|cong van"
    r"|nghi dinh|luat|thong tu)\b.*\bnao\b|\bso hieu\b"
)
_NUMBER = re.compile(r"\d")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\bngày \d{1,2}|\bnăm \d{4}\b|\btháng \d{1,2}")


def normalize_question(text: str) -> str:
    """NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_stopword(word: str) -> bool:
    """A function word; a word typed without diacritics is compared without them."""
    folded = fold_accents(word)
    return word in STOPWORDS if folded != word else folded in _FOLDED_STOPWORDS


def expected_kind(question: str) -> str | None:
    """"number", "date", "document" or None: what kind of fact the question asks for."""
    folded = fold_accents(question.lower())
    if _WANTS_DATE.search(folded):
        return "date"
    if _WANTS_DOCUMENT.search(folded):
        return "document"
    if _WANTS_NUMBER.search(folded):
        return "number"
    return None


def has_kind(sentence: str, kind: str | None) -> bool:
    """Whether the sentence contains the kind of fact asked for."""
    if kind == "document":
        return bool(find_doc_numbers(sentence))
    pattern = {"number": _NUMBER, "date": _DATE}.get(kind or "")
    return bool(pattern and pattern.search(sentence))
