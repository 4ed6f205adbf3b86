"""Markdown or plain text → clean blocks: markup stripped, every character traced to the source.

A *block* is a paragraph, a heading line, or one bulleted item. Blocks are separated by
blank lines; besides, a heading line (``#``), a bulleted line, a numbered line ("1.", "a)",
"I.", "I-", and the divisions of NĐ 30/2020/NĐ-CP: "Điều 1.", "Chương I", "Mục 1"), a footnote
definition and an ALL-CAPS line start a block of their own, so that plain text without
blank lines still splits sensibly. Horizontal rules (``---``, ``-----``: page breaks in
PDF conversions) end a block and are dropped.

Nothing here knows about numbering levels or footnotes beyond recognising their lines:
that is ``structure`` and ``footnotes``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain

from ingest.footnotes import is_definition

RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
BULLET = re.compile(r"^\s*([-+*•])\s+")
NUMBERED = re.compile(
    r"^\s*(?:[IVX]+\s?[.\-–]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)"
    r"|(?:Điều|ĐIỀU)\s+\d+[a-zđ]?\s*[.:]|(?:Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+(?:[IVXL]+|\d+)\b)(?:\s|$)"
)
ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>])")
HTML_TAG = re.compile(r"<(?!/?sup\b)/?[a-zA-Z][^<>]*>")   # [^<>]: "<a" without ">" is not read to the line's end
STAR_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)(\1)")
UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)(\1)(?!\w)")
STRAY_STARS = re.compile(r"\*{2,}")
EMPHASIS_DEPTH = 10           # levels of nested emphasis removed (emphasis_spans finds one level at a time)
NEEDS_COLLAPSE = re.compile(r"^\s|\s$|\s\s|[^\S ]")   # whitespace that collapse() would change
WORD_RUN = re.compile(r"\S+")
FINAL_PUNCTUATION = tuple(".;:!?…")


@dataclass(frozen=True)
class CleanText:
    """Text with, for each of its characters, the offset of that character in the source."""

    text: str
    offsets: tuple[int, ...]

    @classmethod
    def at(cls, text: str, start: int) -> CleanText:
        return cls(text, tuple(range(start, start + len(text))))

    @property
    def start(self) -> int:
        return self.offsets[0] if self.offsets else 0

    @property
    def end(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0

    def __bool__(self) -> bool:
        return bool(self.text)

    def __add__(self, other: CleanText) -> CleanText:
        return CleanText(self.text + other.text, self.offsets + other.offsets)

    def part(self, begin: int, end: int) -> CleanText:
        return CleanText(self.text[begin:end], self.offsets[begin:end])

    def glued(self, glue: str, other: CleanText) -> CleanText:
        """Self, then ``glue`` (traced to just after self), then other."""
        return CleanText.join([self, other], [glue])

    @classmethod
    def join(cls, pieces: list[CleanText], glues: list[str]) -> CleanText:
        """pieces[0], glues[0], pieces[1], …: the same as gluing them one by one (each glue traced to
        just after the text before it), in time linear in the total length. len(glues) == len(pieces) - 1."""
        texts, offsets = [pieces[0].text], list(pieces[0].offsets)
        for glue, piece in zip(glues, pieces[1:], strict=True):
            end = offsets[-1] + 1 if offsets else 0
            texts += [glue, piece.text]
            offsets += [end] * len(glue)
            offsets += piece.offsets
        return cls("".join(texts), tuple(offsets))

    def delete(self, spans: Iterable[tuple[int, int]]) -> CleanText:
        """The text without the characters of the (begin, end) spans (in any order, overlapping or empty)."""
        texts, offsets, kept_from = [], [], 0
        for begin, end in sorted(span for span in spans if span[0] < span[1]):
            if begin > kept_from:
                texts.append(self.text[kept_from:begin])
                offsets.append(self.offsets[kept_from:begin])
            kept_from = max(kept_from, end)
        if kept_from == 0:
            return self
        texts.append(self.text[kept_from:])
        offsets.append(self.offsets[kept_from:])
        return CleanText("".join(texts), tuple(chain.from_iterable(offsets)))

    def remove(self, pattern: re.Pattern[str], groups: tuple[int, ...] = (0,)) -> CleanText:
        """Delete the given groups of every match of ``pattern``."""
        return self.delete(m.span(g) for m in pattern.finditer(self.text) for g in groups)

    def collapse(self) -> CleanText:
        """Whitespace runs become one space (a line break if the run has one), traced to the run's
        first character; ends trimmed."""
        text, offsets = self.text, self.offsets
        if not NEEDS_COLLAPSE.search(text):
            return self
        chars: list[str] = []
        kept: list[int] = []
        previous_end = -1
        for word in WORD_RUN.finditer(text):
            begin, end = word.span()
            if previous_end >= 0:
                chars.append("\n" if "\n" in text[previous_end:begin] else " ")
                kept.append(offsets[previous_end])
            chars.append(word.group())
            kept += offsets[begin:end]
            previous_end = end
        return CleanText("".join(chars), tuple(kept))

    def with_first(self, char: str) -> CleanText:
        """The same text with its first character replaced (same source offset)."""
        return CleanText(char + self.text[1:], self.offsets)


@dataclass(frozen=True)
class Block:
    text: CleanText
    marked: bool = False                      # written as a markdown heading (#)
    bullet: str = ""                          # "-" or "+" for a bulleted item
    markers: tuple[tuple[int, int], ...] = ()  # (footnote number, source offset) of cited footnotes

    def joined(self, glue: str, other: Block) -> Block:
        return replace(self, text=self.text.glued(glue, other.text), markers=self.markers + other.markers)


@dataclass(frozen=True)
class Line:
    text: CleanText
    marked: bool = False
    bullet: str = ""
    hard_break: bool = False
    blank: bool = False

    def block(self) -> Block:
        return Block(self.text, self.marked, self.bullet)


def source_lines(source: str) -> Iterator[CleanText]:
    """Each line of the source (without its line break), traced."""
    offset = 0
    for raw in source.split("\n"):
        yield CleanText.at(raw, offset)
        offset += len(raw) + 1


def strip_markup(text: CleanText) -> CleanText:
    """Remove escapes, html tags other than <sup>, emphasis markers; collapse whitespace."""
    text = text.remove(ESCAPE).remove(HTML_TAG)
    for mark in "*_":
        for _ in range(EMPHASIS_DEPTH):          # a pass removes one level of nested emphasis
            spans = emphasis_spans(text.text, mark)
            if not spans:
                break
            text = text.delete(spans)
    return text.remove(STRAY_STARS).collapse()


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"      # the regex \w


def emphasis_spans(text: str, mark: str) -> list[tuple[int, int]]:
    """The delimiters of the emphasis spans of ``text`` that STAR_EMPHASIS (``mark`` "*") or
    UNDERSCORE_EMPHASIS (``mark`` "_") would match with finditer, in time O(n log n): the regex,
    for a delimiter that is never closed, reads to the end of the line, for each such delimiter.

    An opening run of k ≤ 3 marks (the longest first) is followed by a non-space; it is closed by
    the nearest k marks on the same line that follow a non-space, at least one character on; an
    underscore run opens and closes only at a word's edge.
    """
    underscore = mark == "_"
    positions = [m.start() for m in re.finditer(re.escape(mark), text)]
    if len(positions) < 2:
        return []
    at = set(positions)
    closers: dict[int, list[int]] = {}
    for k in (1, 2, 3):
        closers[k] = [
            q for q in positions
            if q > 0 and not text[q - 1].isspace() and all(q + i in at for i in range(k))
            and not (underscore and q + k < len(text) and _is_word_char(text[q + k]))
        ]
    breaks = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    spans: list[tuple[int, int]] = []
    p = text.find(mark)
    while p >= 0:
        end = p + 1
        if underscore and p > 0 and _is_word_char(text[p - 1]):
            p = text.find(mark, p + 1)
            continue
        run = next((k for k in (3, 2, 1) if all(p + i in at for i in range(k))), 1)
        line_end = breaks[bisect_left(breaks, p)]
        for k in range(run, 0, -1):
            if p + k >= len(text) or text[p + k].isspace():
                continue
            i = bisect_left(closers[k], p + k + 1)
            if i < len(closers[k]) and closers[k][i] < line_end:
                q = closers[k][i]
                spans += [(p, p + k), (q, q + k)]
                end = q + k
                break
        p = text.find(mark, end)
    return spans


def closing_hashes(text: str) -> list[tuple[int, int]]:
    """The span of the closing "#" of a heading line ('## Title ##'), with the blanks around them."""
    end = len(text.rstrip())
    hashes = len(text[:end].rstrip("#"))
    if hashes in (0, end) or not text[hashes - 1].isspace():
        return []
    return [(len(text[:hashes].rstrip()), len(text))]


def parse_line(raw: CleanText) -> Line:
    """Classify one source line and strip its markup."""
    if not raw.text.strip() or RULE.match(raw.text):
        return Line(raw, blank=True)
    hard_break = raw.text.endswith(("  ", "\\"))
    heading = HEADING_MARK.match(raw.text)
    if heading:
        text = raw.remove(HEADING_MARK)
        text = text.delete(closing_hashes(text.text))
        return Line(strip_markup(text), marked=True)
    bullet = BULLET.match(raw.text)
    if bullet:
        char = "+" if bullet.group(1) == "+" else "-"
        body = strip_markup(raw.part(bullet.start(1), len(raw.text))).with_first(char)
        return Line(body, bullet=char, hard_break=hard_break)
    return Line(strip_markup(raw), hard_break=hard_break)


def is_all_caps(text: str) -> bool:
    """True for a line such as 'BÁO CÁO' or 'T/M BAN THƯỜNG VỤ'."""
    return any(c.isalpha() for c in text) and text == text.upper()


def starts_block(line: Line) -> bool:
    text = line.text.text
    return bool(line.marked or line.bullet or NUMBERED.match(text) or is_definition(text) or is_all_caps(text))


def stands_alone(line: Line) -> bool:
    """A line after which a new block starts: a heading, an ALL-CAPS line, a short numbered title."""
    text = line.text.text
    numbered_title = NUMBERED.match(text) and not text.endswith(FINAL_PUNCTUATION)
    return bool(line.marked or is_all_caps(text) or numbered_title)


def block_of(lines: list[Line]) -> Block:
    """The lines of one block joined: by a line break after a hard break, else by a space."""
    glues = ["\n" if line.hard_break else " " for line in lines[:-1]]
    return Block(CleanText.join([line.text for line in lines], glues), lines[0].marked, lines[0].bullet)


def parse_blocks(source: str) -> list[Block]:
    """The blocks of a normalised source text, in order; empty blocks dropped. Time linear in len(source)."""
    blocks: list[Block] = []
    current: list[Line] = []                 # the lines of the block being read
    for line in map(parse_line, source_lines(source)):
        if current and (line.blank or starts_block(line)):
            blocks.append(block_of(current))
            current = []
        if line.blank or not line.text:
            continue
        current.append(line)
        if stands_alone(line):
            blocks.append(block_of(current))
            current = []
    if current:
        blocks.append(block_of(current))
    return blocks
