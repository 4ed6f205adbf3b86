"""Same-template documents: many communes and districts send reports written on one template, so the
clause that answers a question in one of them has a twin, with other names and figures, in each of the
others. When the question names no unit, every twin is an answer: each is given, labelled with its
document, rather than one of them standing for all.

Two clauses are twins when, with their numbers and capitalised names masked, they are at least
TWIN_SIMILARITY alike (difflib ratio) and they come from different documents.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

TWIN_SIMILARITY = 0.85
MAX_TWINS = 6
_NUMBER = re.compile(r"\d[\d.,/%]*")
_WORD = re.compile(r"\w+")


def template(text: str) -> str:
    """The clause with its numbers and capitalised names (not the first word) masked."""
    text = _NUMBER.sub("0", " ".join(text.split()))
    return _WORD.sub(lambda m: "N" if m.start() and m.group()[0].isupper() else m.group(), text)


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, template(a), template(b), autojunk=False).ratio()


def twins(unit: str, doc_id: str, candidates: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """The clauses among ``candidates`` — (hit index, clause, doc_id) — that are twins of ``unit`` (from
    ``doc_id``): at most one per other document, the most alike, in the order of the candidates."""
    best: dict[str, tuple[float, int, str]] = {}
    for index, clause, other in candidates:
        if other == doc_id or clause == unit:
            continue
        score = similarity(unit, clause)
        if score >= TWIN_SIMILARITY and score > best.get(other, (0.0,))[0]:
            best[other] = (score, index, clause)
    found = sorted(best.values(), key=lambda t: t[1])
    return [(index, clause) for _, index, clause in found[:MAX_TWINS]]
