"""Sections and footnotes → passages of roughly 60–250 words, cut at sentence boundaries.

- A passage never crosses a section (so a section of 20 words is a passage of 20 words).
- Inside a section, a short paragraph (< 60 words) merges with its neighbour of the same
  kind while the result stays within 250 words; paragraphs of 60 words or more stand alone.
- A paragraph over 250 words is cut at sentence ends into pieces as even as possible; a
  sentence over 250 words is cut at ";" first, then at ",", then between words.
- Bulleted items ("-", "+") and numbered items are kind "list"; consecutive items merge
  like short paragraphs. A lead-in (a paragraph ending with ":", or a short bullet label
  such as "- Nguyên nhân chủ quan") opens a new passage and always takes the next unit.
- A footnote is its own passage (kind "footnote"), with the sentence that cites it as
  context; a footnote over 250 words is cut like a long paragraph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import accumulate

from ingest.footnotes import Footnote, citing_sentence
from ingest.markdown import Block, CleanText
from ingest.passage import Passage
from ingest.sentences import sentence_spans
from ingest.structure import SENTENCE_END, SEPARATOR, Section, heading_level

MIN_WORDS = 60
MAX_WORDS = 250
LABEL_MAX_WORDS = 12
CLAUSE_SEPARATORS = ("; ", ", ", " ")

Span = tuple[int, int]


@dataclass(frozen=True)
class Unit:
    """A paragraph, an item, or a piece of one: what passages are packed from."""

    text: CleanText
    kind: str
    lead_in: bool = False
    markers: tuple[tuple[int, int], ...] = ()

    @property
    def words(self) -> int:
        return count_words(self.text.text)


def count_words(text: str) -> int:
    return len(text.split())


# --- Cutting a long text --------------------------------------------------------------

def cut_at(text: str, span: Span, separator: str) -> list[Span]:
    """``span`` cut after each ``separator`` (the separator's mark stays on the left)."""
    begin, end = span
    pieces, start = [], begin
    found = text.find(separator, begin, end)
    while found != -1:
        pieces.append((start, found + len(separator.rstrip())))
        start = found + len(separator)
        found = text.find(separator, start, end)
    pieces.append((start, end))
    return [(b, e) for b, e in pieces if text[b:e].strip()]


def refine(text: str, span: Span, separators: tuple[str, ...] = CLAUSE_SEPARATORS) -> list[Span]:
    """``span`` itself if short enough, else cut at the first separator that cuts it."""
    if count_words(text[span[0]:span[1]]) <= MAX_WORDS or not separators:
        return [span]
    pieces = cut_at(text, span, separators[0])
    if len(pieces) == 1:
        return refine(text, span, separators[1:])
    return [fine for piece in pieces for fine in refine(text, piece, separators[1:])]


def atoms(text: str) -> list[Span]:
    """Sentences of ``text``, the overlong ones cut into clauses."""
    return [fine for span in sentence_spans(text) for fine in refine(text, span)]


def even_groups(sizes: list[int], count: int) -> list[Span]:
    """Consecutive groups of indices, cut at the atoms nearest each count-th of the words."""
    starts = list(accumulate([0, *sizes[:-1]]))
    total = sum(sizes)
    cuts = {
        min(range(1, len(sizes)), key=lambda i, k=k: abs(starts[i] - k * total / count))
        for k in range(1, count)
    }
    bounds = [0, *sorted(cuts), len(sizes)]
    return list(zip(bounds, bounds[1:], strict=False))


def balanced(sizes: list[int], limit: int) -> list[Span]:
    """Groups of consecutive sizes, each totalling at most ``limit`` if it can, as even as possible."""
    count = max(1, math.ceil(sum(sizes) / limit))
    while count < len(sizes):
        groups = even_groups(sizes, count)
        if all(sum(sizes[a:b]) <= limit for a, b in groups):
            return groups
        count += 1
    return [(i, i + 1) for i in range(len(sizes))]


def split_long(text: CleanText) -> list[CleanText]:
    """``text`` if within MAX_WORDS, else even pieces cut at sentence (or clause) ends."""
    if count_words(text.text) <= MAX_WORDS:
        return [text]
    spans = atoms(text.text)
    groups = balanced([count_words(text.text[b:e]) for b, e in spans], MAX_WORDS)
    return [text.part(spans[a][0], spans[b - 1][1]) for a, b in groups]


# --- Units and packing ----------------------------------------------------------------

def is_lead_in(block: Block, following: Block | None) -> bool:
    """A paragraph ending with ':', or a short bullet label ('- Nguyên nhân chủ quan').

    A label has no punctuation at its end and is followed by something other than a
    bullet of its own kind (prose, or "+" items under a "-" label).
    """
    text = block.text.text
    if text.endswith(":"):
        return True
    short = count_words(text) <= LABEL_MAX_WORDS and not text.endswith((*SENTENCE_END, ","))
    return bool(block.bullet and short and following and following.bullet != block.bullet)


def units_of(section: Section, block: Block, following: Block | None) -> list[Unit]:
    """The block as one unit, or as several if it is too long."""
    if section.kind != "body":
        kind, lead_in = section.kind, False
    else:
        listed = block.bullet or heading_level(block.text.text) is not None
        kind, lead_in = ("list" if listed else "body"), is_lead_in(block, following)
    pieces = split_long(block.text)
    return [
        Unit(piece, kind, lead_in and i == 0, tuple(m for m in block.markers if piece.start <= m[1] <= piece.end))
        for i, piece in enumerate(pieces)
    ]


def group_kind(group: list[Unit]) -> str:
    """The kind of most of the words of the group (its lead-ins aside)."""
    content = [u for u in group if not u.lead_in] or group
    weights: dict[str, int] = {}
    for unit in content:
        weights[unit.kind] = weights.get(unit.kind, 0) + unit.words
    return max(weights, key=lambda kind: weights[kind])


def fits(group: list[Unit], unit: Unit) -> bool:
    """Whether ``unit`` joins ``group`` rather than opening a new passage."""
    size = sum(u.words for u in group)
    if unit.lead_in or size + unit.words > MAX_WORDS:
        return False
    if all(u.lead_in for u in group):
        return True
    return group_kind(group) == unit.kind and (size < MIN_WORDS or unit.words < MIN_WORDS)


def pack(units: list[Unit]) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    for unit in units:
        if groups and fits(groups[-1], unit):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def joined(group: list[Unit]) -> CleanText:
    text = group[0].text
    for unit in group[1:]:
        text = text.glued("\n", unit.text)
    return text


# --- Passages -------------------------------------------------------------------------

def section_passages(section: Section, template: Passage) -> list[Passage]:
    followers = [*section.blocks[1:], None]
    units = [
        unit
        for block, following in zip(section.blocks, followers, strict=True)
        for unit in units_of(section, block, following)
    ]
    passages = []
    for group in pack(units):
        text = joined(group)
        cited = sorted({number for unit in group for number, _ in unit.markers})
        passages.append(
            replace(template, text=text.text, section=section.name, kind=group_kind(group),
                    footnotes=cited, start=text.start, end=text.end)
        )
    return passages


def citation(sections: list[Section], number: int) -> tuple[Section, Block, int] | None:
    """The first section, block and marker offset citing footnote ``number``."""
    for section in sections:
        for block in section.blocks:
            for cited, offset in block.markers:
                if cited == number:
                    return section, block, offset
    return None


def footnote_passages(note: Footnote, sections: list[Section], template: Passage) -> list[Passage]:
    label = f"Chú thích {note.number}"
    found = citation(sections, note.number)
    context, section = "", label
    if found:
        cited_in, block, offset = found
        context = citing_sentence(block.text, offset)
        section = SEPARATOR.join(p for p in (cited_in.name, label) if p)
    return [
        replace(template, text=piece.text, section=section, kind="footnote", footnotes=[note.number],
                start=piece.start, end=piece.end, context=context)
        for piece in split_long(note.text)
    ]


def build_passages(sections: list[Section], footnotes: list[Footnote], template: Passage) -> list[Passage]:
    """All passages in source order; ``template`` carries doc_id, doc_title and source_id."""
    passages = [p for section in sections for p in section_passages(section, template)]
    passages += [p for note in footnotes for p in footnote_passages(note, sections, template)]
    return sorted(passages, key=lambda p: (p.start, p.end))
