"""Question types: what a question asks for, and which quoted clause answers it best.

Each type is a module of its own with the same three names:
  * ``NAME``: "number", "date", "definition", "document", "list" or "person";
  * ``asks(folded)``: whether the question (lower-cased, accent-folded) is of this type;
  * ``bonus(unit, question)``: 0..1, how much a quotable unit looks like the answer of this type
    (a number bound to the asked noun, a date, «X là …», a document number, a lead-in «… gồm:»).
A type whose ``REQUIRED`` is true (number, person) is answered only by clauses that hold its element
(``answered_by(unit, question)``: a number bound to the asked noun, a person's name); when none does, the
assistant abstains (assistant.answer.best_quotes).
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

