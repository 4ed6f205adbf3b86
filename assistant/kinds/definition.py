"""«X là gì?», «Thế nào là X?», «X được hiểu là gì?», «khái niệm X»: the definition clause «X là …».

The term is what precedes «là gì» (or follows «thế nào là» / «khái niệm» / «định nghĩa»). A leading
«Theo Luật …,» / «Trong quy định …,» clause may itself hold commas, and a term may too («kiểm soát tài
sản, thu nhập»), so every comma-suffix of the text is a candidate term, longest first. A unit that starts
with the term (after its numbering) followed by «là» is the definition (bonus 1); a unit that holds
«term là» elsewhere earns 0.6. Matching is accent-insensitive.
"""

from __future__ import annotations

import re

from vectorstore.tokenize import fold_accents

NAME = "definition"
_ASKS = re.compile(r"\b(?:la gi|nghia la gi|duoc hieu (?:la|nhu the nao)|the nao la|khai niem|dinh nghia)\b")
_TERM = re.compile(
    r"^(?P<before>.*?)\s+(?:duoc hieu la gi|duoc hieu nhu the nao|nghia la gi|la gi)\b"
    r"|\b(?:the nao la|khai niem(?: ve)?|dinh nghia(?: ve)?)\s+(?P<after>.+?)\s*\??$"
)
_NUMBERING = r"(?:(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-z]\))\s*)?"


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def terms(question: str) -> list[str]:
    """Candidate terms, longest first: «Theo Luật PCTN, nhũng nhiễu là gì?» → [«theo luat pctn, nhung nhieu»,
    «nhung nhieu»] (folded)."""
    folded = " ".join(fold_accents(question.lower()).split()).rstrip(" ?")
    m = _TERM.search(folded)
    if not m:
        return []
    text = (m["before"] or m["after"] or "").strip(" ,")
    parts = text.split(",")
    found = [",".join(parts[i:]).strip() for i in range(len(parts))]
    return [t for t in found if len(t.split()) >= 1]


def bonus(unit: str, question: str) -> float:
    folded = " ".join(fold_accents(unit.lower()).split())
    best = 0.0
    for term in terms(question):
        escaped = re.escape(term)
        if re.match(rf"^{_NUMBERING}{escaped}\s+(?:\([^)]*\)\s+)?la\b", folded):
            return 1.0
        if re.search(rf"\b{escaped}\s+(?:\([^)]*\)\s+)?la\b", folded):
            best = 0.6
    return best
