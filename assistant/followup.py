"""Follow-up questions ("Còn năm 2022 thì sao?", "Văn bản đó ban hành khi nào?") made standalone by a simple
rule: the previous question's subject is carried over. (With a language model, assistant.llm rewrites them.)"""

from __future__ import annotations

import re

from ingest.references import parse_reference_query

_DOC_WORDS = r"văn bản|kế hoạch|nghị quyết|kết luận|quy định|chỉ thị|hướng dẫn|chương trình|công văn|quyết định"
_DEMONSTRATIVE = re.compile(rf"\b(?P<kind>{_DOC_WORDS})\s+(?:đó|này|ấy|nói trên|trên)\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:thế còn|vậy còn|còn|vậy thì|vậy|thế)\s+", re.IGNORECASE)
_TAIL = re.compile(r"\s*(?:thì sao|thế nào|ra sao|như thế nào)?\s*\??\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def is_follow_up(question: str) -> bool:
    """Whether the question leans on the previous one: "Còn … thì sao?", "văn bản đó …"."""
    return bool(_DEMONSTRATIVE.search(question) or _LEAD.match(question)
                or re.search(r"\bthì sao\s*\??\s*$", question, re.IGNORECASE))


def _reference_name(text: str, doc_type: str = "") -> str:
    """The first document the text names (of the given type, when one is given), as written."""
    refs = [r for r in parse_reference_query(text) if not doc_type or r.doc_type.lower() == doc_type]
    return text[refs[0].start:refs[0].name_end] if refs else ""


def carry_over(question: str, previous: str, previous_answer: str = "") -> str:
    """The question made standalone from the previous (standalone) question, or unchanged."""
    if not previous or not is_follow_up(question):
        return question
    if m := _DEMONSTRATIVE.search(question):
        kind = m["kind"].lower()  # "kế hoạch": a plan named before is meant; "văn bản": any document
        name = (_reference_name(previous, kind) or _reference_name(previous_answer, kind)
                or _reference_name(previous) or _reference_name(previous_answer))
        return question[:m.start()] + name + question[m.end():] if name else question
    core = _TAIL.sub("", _LEAD.sub("", question)).strip()
    if not core:
        return previous
    years, old_years = _YEAR.findall(core), _YEAR.findall(previous)
    if years and old_years and len(core.split()) <= 3:
        return _YEAR.sub(years[0], previous, count=1)
    core_ref, old_ref = _reference_name(core), _reference_name(previous)
    if core_ref and old_ref:
        return previous.replace(old_ref, core_ref, 1)
    return f"{previous.rstrip(' ?')}, {core}?"


def standalone(question: str, history: list[tuple[str, str]]) -> str:
    """The question made standalone by carrying over subjects through the whole conversation."""
    resolved, answer = "", ""
    for asked, answered in history:
        resolved, answer = carry_over(asked, resolved, answer), answered
    return carry_over(question, resolved, answer)
