"""What the assistant derives from each library document, kept per document version.

The catalog of cited documents, the gazetteer of units and the documents' profiles are derived from
the passages. Deriving them from every passage after each change costs in proportion to the library
(seconds at 100k passages, paid by the next question); kept per document and keyed by the document's
content hash, only the documents added or replaced since are derived again, and the merge that
follows touches only what was derived (references, units), not the passages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

T = TypeVar("T")


class PerDocument(Generic[T]):
    """``derive(library, registry entry) -> value``, cached per library and document version."""

    def __init__(self, derive: Callable[[object, dict], T]):
        self._derive = derive
        self._values: WeakKeyDictionary = WeakKeyDictionary()  # library -> {doc_id: (content_hash, value)}
        self._lock = threading.Lock()

    def items(self, library) -> list[tuple[dict, T]]:
        """(registry entry, derived value) of every document of the library, in ``library.documents()``
        order; values of documents no longer listed are dropped."""
        docs = library.documents()
        with self._lock:
            known = self._values.get(library, {})
            values = {}
            for doc in docs:
                cached = known.get(doc["doc_id"])
                if cached is None or cached[0] != doc["content_hash"]:
                    cached = (doc["content_hash"], self._derive(library, doc))
                values[doc["doc_id"]] = cached
            self._values[library] = values
        return [(doc, values[doc["doc_id"]][1]) for doc in docs]
