"""Everyday wording of a question and the wording of the documents («ít nhất» / «tối thiểu», «bao lâu» /
«thời hạn», «xong» / «hoàn thành»): a glossary (paraphrases.tsv) that lets a question's phrase count as
present in a passage that writes it the documents' way. Compared accent-folded, whole words only.

``paraphrases(question)`` gives, for each glossary phrase in the question, the phrase's words as typed and
the alternative phrases (folded); assistant.relevance counts those words as present in a text that holds the
phrase or one of its alternatives, and retrieval searches the alternatives too (``with_alternatives``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from vectorstore.tokenize import fold_accents, words

GLOSSARY = Path(__file__).with_name("paraphrases.tsv")


@cache
def glossary() -> dict[str, tuple[str, ...]]:
    """Folded question phrase -> folded alternative phrases, from the data file."""
    entries: dict[str, tuple[str, ...]] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, alternatives = line.split("\t")
            entries[_fold(phrase)] = tuple(_fold(a) for a in alternatives.split("|") if a.strip())
    return entries


def _fold(text: str) -> str:
    return " ".join(fold_accents(w) for w in words(text))


def paraphrases(question: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(the phrase's words as typed, lower-cased; its alternatives, folded) for each glossary phrase in the
    question."""
    typed = words(question)
    folded = [fold_accents(w) for w in typed]
    found = []
    for phrase, alternatives in glossary().items():
        size = len(phrase.split())
        for i in range(len(folded) - size + 1):
            if " ".join(folded[i:i + size]) == phrase:
                found.append((tuple(typed[i:i + size]), alternatives))
                break
    return found


def with_alternatives(question: str) -> str:
    """The question followed by the alternative wordings of its glossary phrases (for the retrievers)."""
    extra = [a for _, alternatives in paraphrases(question) for a in alternatives]
    return f"{question} ({'; '.join(extra)})" if extra else question
