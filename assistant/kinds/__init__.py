"""Question types: what a question asks for, and which quoted clause answers it best.

Each type is a module of its own with the same three names:
  * ``NAME``: "number", "date", "definition", "document", "list" or "person";
  * ``asks(folded)``: whether the question (lower-cased, accent-folded) is of this type;
  * ``bonus(unit, question)``: 0..1, how much a quotable unit looks like the answer of this type
    (a number bound to the asked noun, a date, «X là …», a document number, a lead-in «… gồm:»).
A type whose ``REQUIRED`` is true (number, person) answers only with a quote that holds its element
(``answered_by``): a «bao nhiêu» question quoted without a number bound to the asked noun, a «ai» question
without a person's name, is not answered (``answers(kind, quotes, question)``).
``kind_of(question)`` tries them in the order of KINDS: the most specific wording first.
The list type also composes its answer (lead-in and items), see ``assistant.kinds.listing``.
"""

from __future__ import annotations

from types import ModuleType

from assistant.kinds import date, definition, document, listing, number, person
from vectorstore.tokenize import fold_accents

KINDS: tuple[ModuleType, ...] = (definition, document, date, listing, number, person)


def kind_of(question: str) -> ModuleType | None:
    """The type module of the question, or None for a question of no particular type."""
    folded = " ".join(fold_accents(question.lower()).split())
    return next((kind for kind in KINDS if kind.asks(folded)), None)


def answers(kind: ModuleType | None, quotes: list[str], question: str) -> bool:
    """Whether the quotes can answer a question of this type: for a REQUIRED type, one of them holds its
    element (``answered_by``: a number bound to the asked noun, a person's name); any quotes do otherwise."""
    if kind is None or not getattr(kind, "REQUIRED", False):
        return True
    return any(kind.answered_by(q, question) for q in quotes)
