"""When / from when in force / by what deadline: the clause that holds a date."""

from __future__ import annotations

import re

NAME = "date"
_ASKS = re.compile(
    r"\b(?:khi nao|ngay nao|bao gio|luc nao|thoi gian nao|thoi diem nao|nam nao|ngay thang|tu ngay nao"
    r"|hieu luc tu|truoc ngay nao|han chot)\b"
)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\bngày \d{1,2}|\bnăm \d{4}\b|\btháng \d{1,2}|\bngày ký\b")


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def bonus(unit: str, question: str) -> float:
    return 1.0 if _DATE.search(unit) else 0.0
