"""Footnotes: definitions taken out of the body, markers removed from it but remembered.

A definition is a block that starts with ``<sup>n</sup>`` (PDF conversions) or ``[^n]:``
(markdown). A marker is ``<sup>n</sup>`` or ``[^n]`` inside a paragraph; it is deleted from
the text and kept as (n, offset of the marker in the source), so that a passage can list
the footnotes it cites and a footnote can quote the sentence that cites it.
"""

from __future__ import annotations

import re
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


def citing_sentence(text: CleanText, marker_offset: int) -> str:
    """The sentence of ``text`` that holds the marker at ``marker_offset`` (a source offset); of a
    long sentence, only the ";" clause that holds it, so the footnote is not a copy of the paragraph."""
    for begin, end in sentence_spans(text.text):
        if text.offsets[begin] <= marker_offset <= text.offsets[end - 1] + 1:
            if len(text.text[begin:end].split()) > CONTEXT_WORDS:
                begin, end = _clause(text, begin, end, marker_offset)
            return " ".join(text.text[begin:end].split())
    return ""


def _clause(text: CleanText, begin: int, end: int, marker_offset: int) -> tuple[int, int]:
    """The span of the ";"-separated clause of text[begin:end] that holds the marker."""
    start = begin
    for i in range(begin, end + 1):
        if i == end or text.text[i] == ";":
            if i == end or text.offsets[i] >= marker_offset:
                return start + (len(text.text[start:i]) - len(text.text[start:i].lstrip())), i
            start = i + 1
    return begin, end
