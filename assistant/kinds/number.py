"""How many / what share / how long: the clause that binds a number to the noun asked about.

«Có bao nhiêu chi bộ cơ sở?» is answered by «… 40 chi bộ cơ sở …», not by a sentence about how chi bộ
were ranked that happens to hold other numbers: a unit earns half the bonus for holding a number, the
whole bonus when a number stands right before (or right after "là"/":") the words that follow
"bao nhiêu" / "mấy" in the question.
"""

from __future__ import annotations

import re

from vectorstore.tokenize import fold_accents

NAME = "number"
_ASKS = re.compile(r"\b(?:bao nhieu|may (?=\w)|ty le|phan tram|so luong|bao lau|toi thieu|toi da)\b")
_NOUN = re.compile(r"\b(?:bao nhieu|may)\s+((?:\w+\s*){1,3})")
_NUMBER = re.compile(r"\d")
_SKIP = {"phan", "tram", "la", "thi", "duoc", "co", "nguoi", "tien", "ngay", "nam"}


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def asked_noun(question: str) -> list[str]:
    """The folded words after "bao nhiêu"/"mấy": «bao nhiêu chi bộ cơ sở» → ["chi", "bo", "co"]."""
    m = _NOUN.search(fold_accents(question.lower()))
    if not m:
        return []
    return [w for w in m.group(1).split() if w not in _SKIP][:2]


def bonus(unit: str, question: str) -> float:
    if not _NUMBER.search(unit):
        return 0.0
    noun = asked_noun(question)
    if noun:
        folded = fold_accents(unit.lower())
        bound = rf"\d[\d.,/%]*\s*(?:\w+\s+){{0,2}}{re.escape(' '.join(noun))}"
        if re.search(bound, folded):
            return 1.0
    return 0.5
