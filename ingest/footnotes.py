"""Footnotes: definitions taken out of the body, markers removed from it but remembered.

A definition is a block that starts with ``<sup>n</sup>`` (PDF conversions) or ``[^n]:``
(markdown). A marker is ``<sup>n</sup>`` or ``[^n]`` inside a paragraph; it is deleted from
the text and kept as (n, offset of the marker in the source), so that a passage can list
the footnotes it cites and a footnote can quote the sentence that cites it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ingest.sentences import sentence_spans

if TYPE_CHECKING:
    from ingest.markdown import Block, CleanText

DEFINITION = re.compile(r"^(?:<sup>\s*(\d+)\s*</sup>|\[\^(\d+)\]:)\s*")
MARKER = re.compile(r"<sup>\s*(\d+)\s*</sup>|\[\^(\d+)\]")
SUP_TAG = re.compile(r"</?sup>")


@dataclass(frozen=True)
class Footnote:
    number: int
    text: CleanText


def is_definition(text: str) -> bool:
    return bool(DEFINITION.match(text))


def number_of(match: re.Match[str]) -> int:
    return int(match.group(1) or match.group(2))


def as_footnote(block: Block) -> Footnote:
    definition = DEFINITION.match(block.text.text)
    assert definition, "not a footnote definition"
    return Footnote(number_of(definition), block.text.remove(DEFINITION).collapse())


def strip_markers(block: Block, known: set[int]) -> Block:
    """Delete the markers of known footnotes (remembering them); unwrap any other <sup>."""
    text = block.text
    found = [m for m in MARKER.finditer(text.text) if number_of(m) in known]
    markers = tuple((number_of(m), text.offsets[m.start()]) for m in found)
    text = text.delete(m.span() for m in found).remove(SUP_TAG).collapse()
    return replace(block, text=text, markers=block.markers + markers)


def split_footnotes(blocks: list[Block]) -> tuple[list[Block], list[Footnote]]:
    """The body blocks (markers stripped) and the footnotes, each in document order."""
    footnotes = [as_footnote(b) for b in blocks if is_definition(b.text.text)]
    known = {f.number for f in footnotes}
    body = [strip_markers(b, known) for b in blocks if not is_definition(b.text.text)]
    return body, footnotes


CONTEXT_WORDS = 40  # a longer citing sentence is narrowed to its ";" clause that holds the marker


class SentenceIndex:
    """The sentences of a clean text and the source range of each (from its first character to just
    after its last), to find the sentence holding a source offset by binary search."""

    def __init__(self, text: CleanText) -> None:
        self.spans = sentence_spans(text.text)
        self.firsts = [text.offsets[begin] for begin, _ in self.spans]
        self.afters = [text.offsets[end - 1] + 1 for _, end in self.spans]
        self.ordered = self.firsts == sorted(self.firsts) and self.afters == sorted(self.afters)

    def holding(self, offset: int) -> tuple[int, int] | None:
        """The first sentence span whose source range holds ``offset``."""
        if not self.ordered:
            pairs = zip(self.spans, self.firsts, self.afters, strict=True)
            return next((span for span, first, after in pairs if first <= offset <= after), None)
        i = bisect_left(self.afters, offset)
        return self.spans[i] if i < len(self.spans) and self.firsts[i] <= offset else None


def citing_sentence(text: CleanText, marker_offset: int, index: SentenceIndex | None = None) -> str:
    """The sentence of ``text`` that holds the marker at ``marker_offset`` (a source offset); of a
    long sentence, only the ";" clause that holds it, so the footnote is not a copy of the paragraph.
    ``index``: ``SentenceIndex(text)`` if already made (a paragraph citing many footnotes)."""
    found = (index or SentenceIndex(text)).holding(marker_offset)
    if found is None:
        return ""
    begin, end = found
    if len(text.text[begin:end].split()) > CONTEXT_WORDS:
        begin, end = _clause(text, begin, end, marker_offset)
    return " ".join(text.text[begin:end].split())


def _clause(text: CleanText, begin: int, end: int, marker_offset: int) -> tuple[int, int]:
    """The span of the ";"-separated clause of text[begin:end] that holds the marker."""
    start = begin
    while True:
        i = text.text.find(";", start, end)
        if i == -1:
            i = end
        if i == end or text.offsets[i] >= marker_offset:
            return start + (len(text.text[start:i]) - len(text.text[start:i].lstrip())), i
        start = i + 1
