"""A .docx file → text in the shape ``loader.parse_document`` expects (that of the bundled report).

``read_docx(path)`` returns NFC text whose blocks are separated by blank lines:

- body paragraphs and tables in document order (headers, footers, images, charts,
  embedded objects, equations, comments and endnotes are left out — ``skipped_content``
  names those a reader should know of; tracked insertions are kept, deletions dropped);
- a text box (``w:txbxContent``: DrawingML ``wps:txbx`` or VML ``v:textbox``, alone, in
  a group or on a canvas) is read where it is anchored: its paragraphs and tables right
  after the paragraph that anchors it (and that paragraph's footnotes), in a table cell
  after the cell paragraph; of an ``mc:AlternateContent`` only the first Choice is read
  (else the Fallback), so a box Word stores twice (DrawingML and VML) is read once; the
  text of a legacy VML WordArt (``v:textpath``) is a paragraph of its own;
- a heading — a paragraph styled "Title", "Subtitle" or "Heading n", or a bold short line
  that starts with a section number ("I.", "1.", "2.1.", "a)") and does not end a
  sentence — is written ``## <text>``, its numbering kept: the parser takes the level
  from the numbering, an unnumbered heading is a part above them all;
- numbering that Word stores as list formatting (``w:numPr``, on the paragraph or its
  style) is written back as text, counted per list (``w:numId``) and level from the
  level's start value, deeper levels restarting after a shallower item; the text follows
  the level's ``w:lvlText`` ("%1.", "%1.%2.") in its format: decimal "1.", roman "I.",
  letters; a single lowercase-letter level is written "a)" (the report convention the
  parser reads; Word's letters have no "đ"); a bullet is "- " at the first level and
  "+ " deeper; a level in the "none" format, or an unknown list, adds nothing;
- a table (``w:tbl``) is rendered by ``ingest.tables.render_table`` on its grid (each
  cell's paragraphs joined by a space, a cell spanning columns once, a cell continuing a
  vertical merge empty): with a header row, each data row is a block of its own whose
  cells are labelled by their column headers ("Đơn vị: Đảng bộ xã …; Số đảng viên: 214");
  without one, one block per row, its cells joined by " | "; empty rows are dropped;
- a footnote reference becomes ``<sup>n</sup>`` (n = 1, 2, 3 in order of first citation);
  the footnotes (read from ``word/footnotes.xml``, which python-docx does not expose) are
  written as blocks ``<sup>n</sup> text`` right after the paragraph — or the table — that
  cites them, so the parser attaches each one to its citing sentence.

Limits, beside the parts left out: Word's finer numbering rules are not reproduced
(continuation across ``numId``s sharing one abstract definition, ``w:lvlRestart``,
legal-style ``w:isLgl``, a level bound to a style by ``w:pStyle`` only); every paragraph
is counted from its own ``w:numPr``, else its style's. python-docx's "List Number" style
is one list for the whole document (it never restarts at 1). Letters, roman numerals and
decimals are rendered; other formats (e.g. "ordinal", "chineseCounting") as decimals.
The parser then reads the text as it reads any report: a numbered list item without final punctuation ("1. Kết nạp
đảng viên") is taken for a heading, a row or paragraph in capitals only for a heading,
and a block not ending a sentence followed by one that starts in lowercase for a
paragraph cut by a page break (they are glued).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ingest.structure import HEADING_MAX_WORDS, SENTENCE_END, heading_level
from ingest.tables import render_table

HEADING_STYLE = re.compile(r"^(?:Title|Subtitle|Heading\s*\d)$", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%([1-9])")
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
VML = "{urn:schemas-microsoft-com:vml}"
ALTERNATE, CHOICE, FALLBACK = f"{MC}AlternateContent", f"{MC}Choice", f"{MC}Fallback"
TEXT_BOX = qn("w:txbxContent")  # in DrawingML (wps:txbx) and in VML (v:textbox) alike
TEXTPATH = f"{VML}textpath"  # legacy WordArt: its text is the "string" attribute
DELETED = {qn("w:del"), qn("w:moveFrom")}
SKIPPED = {qn("w:pPr"), qn("w:rPr"), TEXT_BOX} | DELETED
SKIPPED_KINDS = {  # element → what skipped_content reports, in this order
    qn("pic:pic"): "hình ảnh",
    f"{VML}imagedata": "hình ảnh",
    qn("w:object"): "đối tượng nhúng (OLE)",
    qn("c:chart"): "biểu đồ",
    "{http://schemas.microsoft.com/office/drawing/2014/chartex}chart": "biểu đồ",
    qn("dgm:relIds"): "sơ đồ SmartArt",
    qn("m:oMath"): "công thức toán",
    qn("w:endnoteReference"): "chú thích cuối văn bản (endnote)",
}
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def corrupt(name: str) -> ValueError:
    return ValueError(f"Tệp .docx bị hỏng hoặc không đọc được: {name}")


# --- Numbering ------------------------------------------------------------------------

def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def letters(n: int) -> str:
    """1 → 'a', 26 → 'z', 27 → 'aa' (Word repeats the letter)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def formatted(n: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        return letters(n) if fmt == "lowerLetter" else letters(n).upper()
    if fmt in ("lowerRoman", "upperRoman"):
        return roman(n) if fmt == "lowerRoman" else roman(n).upper()
    return "" if fmt == "none" else str(n)


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


def attribute(element, tag: str, default: str = "") -> str:
    child = element.find(qn(tag)) if element is not None else None
    value = child.get(qn("w:val")) if child is not None else None
    return default if value is None else value


def as_int(value: str, default: int = 0) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def list_levels(document) -> dict[str, dict[int, Level]]:
    """numId → ilvl → Level, from the numbering part (abstract definition, then overrides)."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}

    def levels_of(parent) -> dict[int, Level]:
        return {
            as_int(lvl.get(qn("w:ilvl"), "0")): Level(
                attribute(lvl, "w:numFmt", "decimal"), attribute(lvl, "w:lvlText", ""),
                as_int(attribute(lvl, "w:start", "1"), 1),
            )
            for lvl in parent.findall(qn("w:lvl"))
        }

    abstract = {a.get(qn("w:abstractNumId")): levels_of(a) for a in numbering.findall(qn("w:abstractNum"))}
    lists: dict[str, dict[int, Level]] = {}
    for num in numbering.findall(qn("w:num")):
        levels = dict(abstract.get(attribute(num, "w:abstractNumId"), {}))
        for override in num.findall(qn("w:lvlOverride")):
            ilvl = as_int(override.get(qn("w:ilvl"), "0"))
            levels.update(levels_of(override))
            start = attribute(override, "w:startOverride")
            if start and ilvl in levels:
                levels[ilvl] = Level(levels[ilvl].fmt, levels[ilvl].text, as_int(start, 1))
        lists[num.get(qn("w:numId"))] = levels
    return lists


def style_chain(style) -> Iterator:
    seen = 0
    while style is not None and seen < 20:  # basedOn loops exist in the wild
        yield style
        style, seen = style.base_style, seen + 1


def num_pr(paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) of the paragraph's list formatting, its own or its style's."""
    candidates = [paragraph._p.pPr]
    candidates += [s.element.pPr for s in style_chain(paragraph.style)]
    num_id, ilvl = None, None
    for ppr in candidates:
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            continue
        num_id = num_id if num_id is not None else attribute(numpr, "w:numId") or None
        ilvl = ilvl if ilvl is not None else attribute(numpr, "w:ilvl") or None
    if num_id is None or num_id == "0":
        return None
    return num_id, as_int(ilvl or "0")


@dataclass
class Counters:
    lists: dict[str, dict[int, Level]]
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def label(self, num_id: str, ilvl: int) -> str:
        """The numbering text of the next item of list ``num_id`` at level ``ilvl`` ('' if none)."""
        levels = self.lists.get(num_id)
        if not levels:
            return ""
        level = levels.get(ilvl, Level())
        if level.fmt == "bullet":
            return "- " if ilvl == 0 else "+ "
        counts = self.counts.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if level.fmt == "none":
            return ""
        if level.fmt == "lowerLetter" and PLACEHOLDER.sub("", level.text).strip() in ("", ".", ")"):
            return f"{letters(counts[ilvl])}) "

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, Level())
            return formatted(counts.get(k, lvl.start), lvl.fmt)

        text = PLACEHOLDER.sub(number, level.text).strip()
        return f"{text} " if text else ""


# --- Footnotes ------------------------------------------------------------------------

def footnote_texts(document) -> dict[str, str]:
    """Footnote id → its text, from word/footnotes.xml (separators left out)."""
    texts: dict[str, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype != RT.FOOTNOTES or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)
        for note in root.findall(qn("w:footnote")):
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            texts[note.get(qn("w:id"))] = " ".join(p for p in flat_texts(note, None) if p)
    return texts


@dataclass
class Notes:
    """Footnote numbers in order of first citation, and the blocks still to be written."""

    texts: dict[str, str]
    numbers: dict[str, int] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    def cite(self, note_id: str) -> str:
        if note_id not in self.texts:
            return ""
        if note_id not in self.numbers:
            self.numbers[note_id] = len(self.numbers) + 1
            self.pending.append(f"<sup>{self.numbers[note_id]}</sup> {self.texts[note_id]}")
        return f"<sup>{self.numbers[note_id]}</sup>"

    def flush(self) -> list[str]:
        blocks, self.pending = self.pending, []
        return blocks


# --- Text -----------------------------------------------------------------------------

def squeeze(text: str) -> str:
    return " ".join(text.split())


def branch(alternate):
    """The branch of an ``mc:AlternateContent`` that is read, as Word shows it: the first
    ``mc:Choice`` (a DrawingML text box), else the ``mc:Fallback`` (its VML copy); None if neither."""
    choice = alternate.find(CHOICE)
    return choice if choice is not None else alternate.find(FALLBACK)


def anchored(element) -> list:
    """The text boxes (``w:txbxContent``) and VML WordArt (``v:textpath``) drawn inside an
    element, in document order: outermost ones only, each once (one branch of each
    ``mc:AlternateContent``), none from deleted text. Shapes in a group or a canvas included."""
    found = []
    for child in element:
        if child.tag in (TEXT_BOX, TEXTPATH):
            found.append(child)
        elif child.tag == ALTERNATE:
            chosen = branch(child)
            found += anchored(chosen) if chosen is not None else []
        elif child.tag not in DELETED:
            found += anchored(child)
    return found


def flat_texts(container, notes: Notes | None) -> Iterator[str]:
    """The text of each paragraph inside a container (a cell, a footnote) in reading order,
    whitespace collapsed: each paragraph followed by its text boxes' paragraphs; tables and
    content controls inside are read through."""
    for child in container:
        if child.tag == qn("w:p"):
            yield squeeze("".join(inline_text(child, notes)))
            for box in anchored(child):
                yield from [squeeze(box.get("string") or "")] if box.tag == TEXTPATH else flat_texts(box, notes)
        elif child.tag == ALTERNATE:
            chosen = branch(child)
            yield from flat_texts(chosen, notes) if chosen is not None else ()
        elif child.tag not in DELETED:
            yield from flat_texts(child, notes)


def inline_text(element, notes: Notes | None) -> Iterator[str]:
    """The text of a paragraph in reading order; footnote references as markers."""
    for child in element:
        tag = child.tag
        if tag in SKIPPED:
            continue
        if tag == ALTERNATE:
            chosen = branch(child)
            if chosen is not None:
                yield from inline_text(chosen, notes)
        elif tag == qn("w:t"):
            yield child.text or ""
        elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
            yield " "
        elif tag == qn("w:noBreakHyphen"):
            yield "-"
        elif tag == qn("w:footnoteReference"):
            if notes is not None:
                yield notes.cite(child.get(qn("w:id")))
        elif tag != qn("w:p"):  # runs, hyperlinks, insertions, fields, content controls
            yield from inline_text(child, notes)


def is_bold(paragraph) -> bool:
    """Every run with text is bold (its own setting, else its paragraph style's)."""
    style_bold = next((s.font.bold for s in style_chain(paragraph.style) if s.font.bold is not None), None)
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all((r.bold if r.bold is not None else style_bold) for r in runs)


def is_heading(paragraph, text: str) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    if HEADING_STYLE.match(style or ""):
        return True
    short = len(text.split()) <= HEADING_MAX_WORDS and not text.endswith(SENTENCE_END)
    return short and heading_level(text) is not None and is_bold(paragraph)


def paragraph_block(paragraph, counters: Counters, notes: Notes) -> str:
    listed = num_pr(paragraph)
    label = counters.label(*listed) if listed else ""  # Word numbers an empty item too
    text = squeeze("".join(inline_text(paragraph._p, notes)))
    if not text:
        return ""
    text = label + text
    if is_heading(paragraph, text):
        return f"## {text}"
    return plain_block(text)


def plain_block(text: str) -> str:
    """A paragraph that is not a heading: a leading "#" escaped (it is not markdown)."""
    return "\\" + text if text.startswith("#") else text


def cell_text(tc, notes: Notes) -> str:
    return " ".join(p for p in flat_texts(tc, notes) if p)


def table_grid(tbl, notes: Notes) -> list[list[str | None]]:
    """A table's rows on its grid: a cell spanning n columns is its text then n - 1 ``None``,
    the columns a row skips (``w:gridBefore``) are ``None``, a cell continuing a vertical
    merge is ``""``; a table nested in a cell is read as the text of that cell."""
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        row: list[str | None] = [None] * as_int(attribute(tr.find(qn("w:trPr")), "w:gridBefore", "0"))
        for tc in tr.findall(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            row.append(cell_text(tc, notes))
            row.extend([None] * (as_int(attribute(tc_pr, "w:gridSpan", "1"), 1) - 1))
        rows.append(row)
    return rows


def body_blocks(document, footnotes: dict[str, str]) -> list[str]:
    counters = Counters(list_levels(document))
    notes = Notes(footnotes)
    blocks: list[str] = []

    def walk(container) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                blocks.append(paragraph_block(Paragraph(child, document), counters, notes))
                blocks.extend(notes.flush())
                for box in anchored(child):  # its text boxes, after it
                    if box.tag == TEXTPATH:
                        blocks.append(plain_block(squeeze(box.get("string") or "")))
                    else:
                        walk(box)
            elif child.tag == qn("w:tbl"):
                blocks.extend(render_table(table_grid(child, notes)))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)
            else:
                continue
            blocks.extend(notes.flush())

    walk(document.element.body)
    return [b for b in blocks if b]


def read_docx(path: Path) -> str:
    """The text of a .docx in the markdown-ish shape of the bundled report (see module docstring).

    ValueError (Vietnamese) for a file that is not a readable .docx, or has no text.
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        document = docx.Document(io.BytesIO(data))
        footnotes = footnote_texts(document)
    except Exception as error:  # any failure of the package or XML parser: the file is unusable
        raise corrupt(path.name) from error
    text = unicodedata.normalize("NFC", "\n\n".join(body_blocks(document, footnotes)))
    if not text.strip():
        raise ValueError(f"Tệp rỗng: {path.name}")
    return text + "\n"


def count_skipped(element, counts: dict[str, int]) -> None:
    """Add to ``counts`` (kind → number) the elements of ``SKIPPED_KINDS`` inside an element:
    one branch of each ``mc:AlternateContent``, deleted text left out; an embedded object's
    preview picture is part of the object."""
    for child in element:
        if child.tag in DELETED:
            continue
        if child.tag == ALTERNATE:
            chosen = branch(child)
            if chosen is not None:
                count_skipped(chosen, counts)
            continue
        kind = SKIPPED_KINDS.get(child.tag)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
        if child.tag != qn("w:object"):
            count_skipped(child, counts)


def skipped_content(path) -> list[str]:
    """What ``read_docx`` leaves out of the body although it is content, one Vietnamese warning
    per kind with its count, e.g. ["3 hình ảnh không được đọc (chỉ đọc chữ)", "1 biểu đồ
    không được đọc"]: pictures, embedded (OLE) objects, charts, SmartArt, equations,
    endnotes (inside text boxes too); headers, footers and comments are not reported.
    Empty when nothing was skipped or the file cannot be opened (``read_docx`` says why)."""
    try:
        body = docx.Document(io.BytesIO(Path(path).read_bytes())).element.body
    except Exception:  # an unreadable file: read_docx reports it
        return []
    counts: dict[str, int] = {}
    count_skipped(body, counts)
    order = list(dict.fromkeys(SKIPPED_KINDS.values()))
    return [
        f"{counts[kind]} {kind} không được đọc" + (" (chỉ đọc chữ)" if kind == "hình ảnh" else "")
        for kind in order if counts.get(kind)
    ]
