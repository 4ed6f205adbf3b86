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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ingest.footnotes import is_definition

RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
CLOSING_HASHES = re.compile(r"\s+#+\s*$")
BULLET = re.compile(r"^\s*([-+*•])\s+")
NUMBERED = re.compile(
    r"^\s*(?:[IVX]+\s?[.\-–]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)"
    r"|(?:Điều|ĐIỀU)\s+\d+[a-zđ]?\s*[.:]|(?:Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+(?:[IVXL]+|\d+)\b)(?:\s|$)"
)
ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|<>])")
HTML_TAG = re.compile(r"<(?!/?sup\b)/?[a-zA-Z][^>]*>")
STAR_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)(\1)")
UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)(\1)(?!\w)")
STRAY_STARS = re.compile(r"\*{2,}")
HARD_BREAK = re.compile(r"(?: {2,}|\\)$")
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
        return self + CleanText(glue, (self.end,) * len(glue)) + other

    def delete(self, spans: Iterable[tuple[int, int]]) -> CleanText:
        gone = {i for begin, end in spans for i in range(begin, end)}
        kept = [i for i in range(len(self.text)) if i not in gone]
        return CleanText("".join(self.text[i] for i in kept), tuple(self.offsets[i] for i in kept))

    def remove(self, pattern: re.Pattern[str], groups: tuple[int, ...] = (0,)) -> CleanText:
        """Delete the given groups of every match of ``pattern``."""
        return self.delete(m.span(g) for m in pattern.finditer(self.text) for g in groups)

    def collapse(self) -> CleanText:
        """Whitespace runs become one space (a line break if the run has one); ends trimmed."""
        chars, offsets = [], []
        for char, offset in zip(self.text, self.offsets, strict=True):
            if not char.isspace():
                chars.append(char)
                offsets.append(offset)
            elif chars and chars[-1] == " " and char == "\n":
                chars[-1] = "\n"
            elif chars and not chars[-1].isspace():
                chars.append("\n" if char == "\n" else " ")
                offsets.append(offset)
        while chars and chars[-1].isspace():
            chars.pop()
            offsets.pop()
        return CleanText("".join(chars), tuple(offsets))

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
    for pattern in (STAR_EMPHASIS, UNDERSCORE_EMPHASIS):
        while pattern.search(text.text):
            text = text.remove(pattern, groups=(1, 3))
    return text.remove(STRAY_STARS).collapse()


def parse_line(raw: CleanText) -> Line:
    """Classify one source line and strip its markup."""
    if not raw.text.strip() or RULE.match(raw.text):
        return Line(raw, blank=True)
    hard_break = bool(HARD_BREAK.search(raw.text))
    heading = HEADING_MARK.match(raw.text)
    if heading:
        text = raw.remove(HEADING_MARK).remove(CLOSING_HASHES)
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


def parse_blocks(source: str) -> list[Block]:
    """The blocks of a normalised source text, in order; empty blocks dropped."""
    blocks: list[Block] = []
    current: Line | None = None
    for line in map(parse_line, source_lines(source)):
        if current and (line.blank or starts_block(line)):
            blocks.append(current.block())
            current = None
        if line.blank or not line.text:
            continue
        if current is None:
            current = line
        else:
            glue = "\n" if current.hard_break else " "
            current = replace(current, text=current.text.glued(glue, line.text), hard_break=line.hard_break)
        if stands_alone(line):
            blocks.append(current.block())
            current = None
    if current:
        blocks.append(current.block())
    return blocks
