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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import accumulate

from ingest.footnotes import Footnote, SentenceIndex, citing_sentence
from ingest.markdown import Block, CleanText
from ingest.passage import Passage
from ingest.sentences import sentence_spans
from ingest.structure import LABEL_MAX_WORDS, NUMBERING, ROMAN_NUMBER, SENTENCE_END, SEPARATOR, Section

MIN_WORDS = 60
MAX_WORDS = 250
BALANCE_TRIES = 50            # counts of even groups tried for a long paragraph before filling greedily
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

    @cached_property
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


def nearest(starts: list[int], target: float) -> int:
    """The first index i >= 1 whose starts[i] is nearest ``target`` (``starts`` ascending, len >= 2)."""
    i = bisect_left(starts, target, 1, len(starts))
    if i == len(starts) or (i > 1 and target - starts[i - 1] <= starts[i] - target):
        i = bisect_left(starts, starts[i - 1], 1, len(starts))   # the first of equal starts
    return i


def even_groups(sizes: list[int], count: int, starts: list[int] | None = None) -> list[Span]:
    """Consecutive groups of indices, cut at the atoms nearest each count-th of the words.
    ``starts``: the running totals of sizes before each index, if already computed."""
    starts = starts or list(accumulate([0, *sizes[:-1]]))
    total = starts[-1] + sizes[-1]
    cuts = {nearest(starts, k * total / count) for k in range(1, count)}
    bounds = [0, *sorted(cuts), len(sizes)]
    return list(zip(bounds, bounds[1:], strict=False))


def balanced(sizes: list[int], limit: int) -> list[Span]:
    """Groups of consecutive sizes, each totalling at most ``limit`` if it can, as even as possible.

    The count of groups grows from the fewest possible until even groups fit; after
    BALANCE_TRIES counts (sizes that even groups fit badly) the groups are filled greedily.
    """
    fewest = max(1, math.ceil(sum(sizes) / limit))
    starts = list(accumulate([0, *sizes]))
    for count in range(fewest, min(len(sizes), fewest + BALANCE_TRIES)):
        groups = even_groups(sizes, count, starts[:-1])
        if all(starts[b] - starts[a] <= limit for a, b in groups):
            return groups
    if fewest + BALANCE_TRIES < len(sizes):
        return greedy_groups(sizes, limit)
    return [(i, i + 1) for i in range(len(sizes))]


def greedy_groups(sizes: list[int], limit: int) -> list[Span]:
    """Consecutive groups, each as long as it can be within ``limit`` (an item over it alone)."""
    groups, begin, total = [], 0, 0
    for i, size in enumerate(sizes):
        if i > begin and total + size > limit:
            groups.append((begin, i))
            begin, total = i, 0
        total += size
    groups.append((begin, len(sizes)))
    return groups


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
    opened, closed = text.count("(", spans[start][0]), text.count(")", spans[start][0])
    while start > 0 and opened < closed:     # the brackets of text[spans[start][0]:]
        start -= 1
        opened += text.count("(", spans[start][0], spans[start + 1][0])
        closed += text.count(")", spans[start][0], spans[start + 1][0])
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
    markers = sorted(block.markers, key=lambda m: m[1])
    offsets = [offset for _, offset in markers]
    return [
        Unit(piece, kind, lead_in and i == 0,
             tuple(markers[bisect_left(offsets, piece.start):bisect_right(offsets, piece.end)]), run, context)
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


def citations(sections: list[Section]) -> dict[int, tuple[Section, Block, int]]:
    """For each cited footnote number: the first section, block and marker offset citing it."""
    found: dict[int, tuple[Section, Block, int]] = {}
    for section in sections:
        for block in section.blocks:
            for cited, offset in block.markers:
                found.setdefault(cited, (section, block, offset))
    return found


def footnote_passages(note: Footnote, cited: dict[int, tuple[Section, Block, int]], template: Passage,
                      sentences: dict[int, SentenceIndex]) -> list[Passage]:
    """The passages of a footnote. ``cited``: from ``citations``; ``sentences``: the sentences of the
    citing blocks found so far, by id of the block's text (a paragraph citing many footnotes is split
    into sentences once)."""
    label = f"Chú thích {note.number}"
    found = cited.get(note.number)
    context, section = "", label
    if found:
        cited_in, block, offset = found
        if id(block.text) not in sentences:
            sentences[id(block.text)] = SentenceIndex(block.text)
        context = citing_sentence(block.text, offset, sentences[id(block.text)])
        section = SEPARATOR.join(p for p in (cited_in.name, label) if p)
    return [
        replace(template, text=piece.text, section=section, kind="footnote", footnotes=[note.number],
                start=piece.start, end=piece.end, context=context)
        for piece in split_long(note.text)
    ]


def build_passages(sections: list[Section], footnotes: list[Footnote], template: Passage) -> list[Passage]:
    """All passages in source order; ``template`` carries doc_id, doc_title and source_id."""
    passages = [p for section in sections for p in section_passages(section, template)]
    cited, sentences = citations(sections), {}
    passages += [p for note in footnotes for p in footnote_passages(note, cited, template, sentences)]
    return sorted(passages, key=lambda p: (p.start, p.end))
