"""Sections and footnotes → passages of roughly 60–250 words, cut at sentence boundaries.

- A passage never crosses a section (so a section of 20 words is a passage of 20 words).
- Inside a section, a short paragraph (< 60 words) merges with its neighbour of the same
  kind while the result stays within 250 words; paragraphs of 60 words or more stand alone.
- A paragraph over 250 words is cut at sentence ends into pieces as even as possible; a
  sentence over 250 words is cut at ";" first, then at ",", then between words.
- Bulleted items ("-", "+") and numbered items ("1.", "a)"; in an article: Khoản and Điểm)
  are kind "list"; consecutive items merge like short paragraphs. A lead-in (a paragraph
  ending with ":", or a short bullet label such as "- Nguyên nhân chủ quan") opens a new
  passage and always takes the next unit.
- Lists stay whole: a lead-in and the items that follow it (a list run, items of one kind
  of marker: "-", "+", "1.", "1.1.", "a)"; an item that is itself a lead-in opens a nested
  list whose items belong to the same run) are packed together whatever their size, as long
  as the passage stays within 250 words. A run ends at the first paragraph that is not an
  item. When the run needs more than one passage, each passage after the first carries the
  lead-in sentence (the last sentence of the lead-in; of a nested list, the outer and the
  inner lead-in, one a line) in ``Passage.context``, so that retrieval and quoting know what
  the items are of (HD 36-HD/VPTW and NĐ 30/2020/NĐ-CP write the items of an enumeration
  under one introducing sentence ending in ":").
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
from ingest.structure import LABEL_MAX_WORDS, NUMBERING, ROMAN_NUMBER, SENTENCE_END, SEPARATOR, Section

MIN_WORDS = 60
MAX_WORDS = 250
CLAUSE_SEPARATORS = ("; ", ", ", " ")

Span = tuple[int, int]


@dataclass(frozen=True)
class Unit:
    """A paragraph, an item, or a piece of one: what passages are packed from."""

    text: CleanText
    kind: str
    lead_in: bool = False
    markers: tuple[tuple[int, int], ...] = ()
    run: int = -1             # the list run the unit belongs to (-1: none)
    context: str = ""         # the lead-in sentence(s) of the list the unit is an item of

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
    """A paragraph ending with ':', or a short item label ('- Nguyên nhân chủ quan', '2. Người
    đứng đầu lưu trữ lịch sử của Đảng').

    A label has no punctuation at its end and is followed by something other than an item
    of its own kind (prose, or "+" items under a "-" label).
    """
    text = block.text.text
    if text.endswith(":"):
        return True
    short = count_words(text) <= LABEL_MAX_WORDS and not text.endswith((*SENTENCE_END, ","))
    return bool(marker(block) and short and following and marker(following) != marker(block))


def marker(block: Block) -> str:
    """The kind of item marker the block starts with: '-', '+', '1', '1.1', '1.1.1', 'a'; '' for prose."""
    if block.bullet:
        return block.bullet
    text = block.text.text
    level = next((level for level, pattern in NUMBERING if pattern.match(text)), None)
    return {6: "1", 7: "1.1", 8: "1.1.1", 9: "a"}.get(level, "")


def last_sentence(text: str) -> str:
    """The sentence of a lead-in that introduces the list: its last one, taken back to an opening
    bracket when it starts inside one ('(…Việt Nam. Sau đây gọi chung là …) có trách nhiệm:')."""
    spans = sentence_spans(text)
    if not spans:
        return text
    start = len(spans) - 1
    while start > 0 and text[spans[start][0]:].count("(") < text[spans[start][0]:].count(")"):
        start -= 1
    return text[spans[start][0]:spans[-1][1]].strip()


@dataclass
class Lead:
    text: str
    run: int
    items: str = ""           # the marker kind of its items, once the first one is seen


def list_runs(blocks: list[Block]) -> list[tuple[int, str]]:
    """For each block: its list run (-1: none) and the lead-in sentence(s) it is an item of."""
    stack: list[Lead] = []
    out: list[tuple[int, str]] = []
    followers = [*blocks[1:], None]
    for index, (block, following) in enumerate(zip(blocks, followers, strict=True)):
        kind = marker(block)
        if not kind:
            stack.clear()
        while stack and stack[-1].items not in ("", kind):
            stack.pop()
        if stack and not stack[-1].items:
            stack[-1].items = kind
        run = stack[0].run if stack else -1
        out.append((run, "\n".join(lead.text for lead in stack)))
        if is_lead_in(block, following):
            stack.append(Lead(last_sentence(block.text.text), index if run < 0 else run))
            out[-1] = (stack[0].run, out[-1][1])
    return out


def units_of(section: Section, block: Block, following: Block | None, run: int = -1, context: str = "") -> list[Unit]:
    """The block as one unit, or as several if it is too long."""
    if section.kind != "body":
        kind, lead_in, run, context = section.kind, False, -1, ""
    else:
        listed = bool(marker(block) or ROMAN_NUMBER.match(block.text.text))   # not 'Điều 2. …' with its text
        kind, lead_in = ("list" if listed else "body"), is_lead_in(block, following)
    pieces = split_long(block.text)
    return [
        Unit(piece, kind, lead_in and i == 0, tuple(m for m in block.markers if piece.start <= m[1] <= piece.end),
             run, context)
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
    if unit.run >= 0 and group[-1].run == unit.run:
        return True                                  # a list stays whole
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
    runs = list_runs(section.blocks)
    units = [
        unit
        for block, following, (run, context) in zip(section.blocks, followers, runs, strict=True)
        for unit in units_of(section, block, following, run, context)
    ]
    passages = []
    for group in pack(units):
        text = joined(group)
        cited = sorted({number for unit in group for number, _ in unit.markers})
        passages.append(
            replace(template, text=text.text, section=section.name, kind=group_kind(group),
                    footnotes=cited, start=text.start, end=text.end, context=group[0].context)
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
