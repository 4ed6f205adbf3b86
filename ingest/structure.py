"""The logical structure of a report: paragraphs, headings by their numbering, header, signature.

Paragraphs split by a page break are rejoined first (``rejoin_page_breaks``). Then each
block is a heading or content (``is_heading``):

- a block written as a markdown heading (``#``) is a heading, whatever its length;
- a block that starts with a section number ("I.", "1.", "2.1.", "2.1.1.", "a)") is a
  heading when it is a short title line: at most 40 words and no sentence punctuation at
  the end (. ; ! ? …). Otherwise it is a numbered list item of the current section: the
  eight long tasks "1. Tiếp tục đổi mới …." under "IV. NHIỆM VỤ, GIẢI PHÁP" are items;
- a short ALL-CAPS line (at most 15 words) is a heading (plain-text title line);
- bulleted blocks ("-", "+") are never headings.

The level comes from the numbering, never from the number of "#" (inconsistent in PDF
conversions): "I." 1 > "1." 2 > "2.1." 3 > "2.1.1." 4 > "a)" 5. An unnumbered heading
(a "# Title", "PHẦN THỨ NHẤT", "PHỤ LỤC") is a part above them all (0). A heading closes
every open heading of its level or deeper.

The header runs from the top to the document type ("KẾ HOẠCH"), its title and opening, and
is named after the type line. A letter ("công văn") has no type line: when the document
opens with header lines only (issuer lines in capitals, "*", "Số …", "V/v …", the motto, the
place and date) and a "V/v …" line follows a "Số …" line, those lines are the header, named
after the "V/v …" line; the body starts at "Kính gửi" or at the first other paragraph, and
its text before any heading is filed under the same name. The title is then
"Công văn về việc <subject>".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ingest.markdown import Block, is_all_caps

SEPARATOR = " › "
SIGNATURE_SECTION = "Nơi nhận, chữ ký"
UNNUMBERED = 0
HEADING_MAX_WORDS = 40
CAPS_HEADING_MAX_WORDS = 15
SENTENCE_END = tuple(".;!?…")
TERMINAL = tuple(".!?…")
ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
NUMBERING = (
    (4, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s")),
    (3, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s")),
    (2, re.compile(r"^\d{1,2}[.)]\s")),
    (5, re.compile(r"^[a-zđ]\)\s")),
)
ROMAN_NUMBER = re.compile(r"^([IVX]+)\.\s")
DOCUMENT_TYPES = (
    "BÁO CÁO", "NGHỊ QUYẾT", "KẾT LUẬN", "CHỈ THỊ", "QUYẾT ĐỊNH", "QUY ĐỊNH", "QUY CHẾ",
    "KẾ HOẠCH", "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "THÔNG BÁO", "THÔNG TRI", "TỜ TRÌNH", "ĐỀ ÁN",
    "ĐỀ CƯƠNG", "CÔNG VĂN", "BIÊN BẢN", "DIỄN VĂN", "NGHỊ ĐỊNH", "THÔNG TƯ",
)
DOCUMENT_TYPE_WINDOW = 8
CLOSING = re.compile(r"^(?:Nơi nhận\b|T/M\s|TM\.\s|K/T\s|KT\.\s|TL\.\s|TUQ\.\s)")
SUBJECT = re.compile(r"^(?:V/[vV]|Về việc|VỀ VIỆC)(?:\s*:\s*|\s+)(?=\S)")
NUMBER_LINE = re.compile(r"^Số\s*:?\s*\S*\d\S*\s*")
DATELINE = re.compile(                          # "Thử Nghiệm, ngày 30 tháng 5 năm 2022", "Hà Nội, ngày 3/3/2024"
    r"^[^,\d]{1,40},\s*ngày\s+\d{1,2}\s*(?:tháng\s+\d{1,2}\s+năm|[/.-]\s*\d{1,2}\s*[/.-])\s*\d{4}\.?$"
)
MOTTO = re.compile(r"^Độc lập\s*[-–—]\s*Tự do\s*[-–—]\s*Hạnh phúc\s*")
OPENING = re.compile(r"^Kính gửi\b", re.IGNORECASE)
SUBJECT_WINDOW = 12
LETTER = "Công văn về việc"
OPENERS = "\"“‘«(["
PUNCTUATION = ".,;:!?…\"“”‘’«»()[]"


# --- Paragraphs split by page breaks -------------------------------------------------

@dataclass(frozen=True)
class Join:
    """Where two halves of a paragraph were glued back together."""

    before: str   # the last words of the first half
    after: str    # the first words of the second half
    glue: str     # " " between syllables, "" inside a word

    @property
    def text(self) -> str:
        return f"{self.before}{self.glue}{self.after}"


def opens_lowercase(text: str) -> bool:
    first = text.lstrip(OPENERS)[:1]
    return first.isalpha() and first.islower()


def continues(previous: Block, block: Block) -> bool:
    """Whether ``block`` is the rest of ``previous``, cut by a page break."""
    if previous.marked or block.marked or block.bullet or is_all_caps(previous.text.text):
        return False
    if heading_level(block.text.text) is not None:
        return False
    return not previous.text.text.endswith(TERMINAL) and opens_lowercase(block.text.text)


def has_vowel(word: str) -> bool:
    return any(unicodedata.normalize("NFD", c)[0].lower() in "aeiouy" for c in word)


def bare(word: str) -> str:
    return word.strip(PUNCTUATION).lower()


def vocabulary(blocks: list[Block]) -> Counter[str]:
    """How often each word is used in the document (lowercased, punctuation stripped)."""
    return Counter(bare(word) for block in blocks for word in block.text.text.split())


def glue_between(left: str, right: str, words: Counter[str]) -> str:
    """"" when the break falls inside a word ('T' + 'ổ'), else one space ('thực' + 'hiện').

    Vietnamese syllables are written apart, so a break between two whole syllables is a
    space. The break is inside a word when a piece has no vowel (it cannot be a syllable),
    or when the document uses the glued word ('nước') elsewhere but not both pieces
    ('nư', 'ớc': they occur only here).
    """
    last, first = left.split()[-1], right.split()[0]
    if not (last[-1].isalpha() and first[0].isalpha()):
        return " "
    if not (has_vowel(last) and has_vowel(first)):
        return ""
    pieces_used_elsewhere = words[bare(last)] > 1 and words[bare(first)] > 1
    return "" if words[bare(last + first)] and not pieces_used_elsewhere else " "


def rejoin_page_breaks(blocks: list[Block]) -> tuple[list[Block], list[Join]]:
    """Glue each paragraph cut by a page break (footnotes, rules, blank lines) back together.

    A paragraph that does not end a sentence (. ! ? …) followed by a plain paragraph that
    starts with a lowercase letter (maybe after an opening quote) is one paragraph. A
    final ";" or "," does not end a sentence in these reports (item "2." of section IV
    is cut after "sinh hoạt cấp ủy;").
    """
    words = vocabulary(blocks)
    out: list[Block] = []
    joins: list[Join] = []
    for block in blocks:
        if out and continues(out[-1], block):
            left, right = out[-1].text.text, block.text.text
            glue = glue_between(left, right, words)
            joins.append(Join(" ".join(left.split()[-4:]), " ".join(right.split()[:4]), glue))
            out[-1] = out[-1].joined(glue, block)
        else:
            out.append(block)
    return out, joins


# --- Headings -------------------------------------------------------------------------

def heading_level(text: str) -> int | None:
    """The level given by the number the text starts with, if any."""
    roman = ROMAN_NUMBER.match(text)
    if roman and roman.group(1) in ROMAN:
        return 1
    return next((level for level, pattern in NUMBERING if pattern.match(text)), None)


def is_heading(block: Block) -> bool:
    text = block.text.text
    words = len(text.split())
    if block.bullet:
        return False
    if block.marked:
        return True
    if heading_level(text) is not None:
        return words <= HEADING_MAX_WORDS and not text.endswith(SENTENCE_END)
    return is_all_caps(text) and words <= CAPS_HEADING_MAX_WORDS


def is_numbered_heading(block: Block) -> bool:
    return is_heading(block) and heading_level(block.text.text) is not None


# --- Header, title, signature ---------------------------------------------------------

def is_document_type(text: str) -> bool:
    """'BÁO CÁO', 'NGHỊ QUYẾT', … on a line of its own (maybe with a qualifier)."""
    words = text.split()
    return is_all_caps(text) and len(words) <= 12 and " ".join(words[:2]) in DOCUMENT_TYPES


def find_document_type(blocks: list[Block]) -> int | None:
    window = blocks[:DOCUMENT_TYPE_WINDOW]
    return next((i for i, b in enumerate(window) if is_document_type(b.text.text)), None)


def title_line(blocks: list[Block], type_index: int) -> str:
    """The line after the document type when it reads as a title (short, no final punctuation)."""
    if type_index + 1 >= len(blocks):
        return ""
    block = blocks[type_index + 1]
    text = " ".join(block.text.text.split())
    if is_numbered_heading(block) or len(text.split()) > HEADING_MAX_WORDS or text.endswith((*SENTENCE_END, ":")):
        return ""
    return text


def header_cells(text: str) -> list[str]:
    """The cells of a header line ("left | right" for a table row), without a leading "*"."""
    return [cell.strip(" *") for cell in text.split("|")]


def is_header_cell(cell: str) -> bool:
    """A cell of a letter's header; never 'Kính gửi …', which opens the body."""
    cell = MOTTO.sub("", cell)
    if not cell:
        return True
    if OPENING.match(cell):
        return False
    short_caps = is_all_caps(cell) and len(cell.split()) <= CAPS_HEADING_MAX_WORDS and heading_level(cell) is None
    return short_caps or any(p.match(cell) for p in (NUMBER_LINE, SUBJECT, DATELINE))


def is_header_line(text: str) -> bool:
    """An issuer line in capitals, "*", "Số …", "V/v …", the motto, or the place and date."""
    return all(is_header_cell(cell) for cell in header_cells(text))


def subject_line(text: str) -> str:
    """'V/v báo cáo …' from a header line such as '* Số 1601-CV/BTCTU V/v báo cáo …'; else ''."""
    for cell in header_cells(text):
        cell = NUMBER_LINE.sub("", cell, count=1)
        if SUBJECT.match(cell):
            return cell
    return ""


def find_subject(blocks: list[Block]) -> int | None:
    """Index of the 'V/v …' line of a letter whose header has no type line, if the document opens with one."""
    if find_document_type(blocks) is not None:
        return None
    numbered = False
    for i, block in enumerate(blocks[:SUBJECT_WINDOW]):
        text = block.text.text
        if not is_header_line(text):
            return None
        numbered = numbered or any(NUMBER_LINE.match(cell) for cell in header_cells(text))
        if subject_line(text):
            return i if numbered else None
    return None


def letter_subject(blocks: list[Block]) -> str:
    """'V/v báo cáo …' of a letter (see ``find_subject``); else ''."""
    index = find_subject(blocks)
    return "" if index is None else subject_line(blocks[index].text.text)


def document_title(blocks: list[Block]) -> str:
    """'Báo cáo kết quả …' from the header; 'Công văn về việc …' for a letter; else the first heading; else ''."""
    if subject := letter_subject(blocks):
        return f"{LETTER} {SUBJECT.sub('', subject, count=1)}"
    type_index = find_document_type(blocks)
    if type_index is not None and (title := title_line(blocks, type_index)):
        kind = blocks[type_index].text.text
        lead = kind.capitalize() if any(c.islower() for c in title) else kind
        return f"{lead} {title}"
    heading = next((b for b in blocks if is_heading(b)), None)
    return " ".join(heading.text.text.split()) if heading else ""


def letter_header_end(blocks: list[Block], subject: int) -> int:
    """The first block after a letter's 'V/v …' line that is not a header line: 'Kính gửi', or body text."""
    rest = range(subject + 1, len(blocks))
    return next((i for i in rest if not is_header_line(blocks[i].text.text)), len(blocks))


def header_end(blocks: list[Block]) -> int:
    """Blocks before this index are the header: document type, title, opening paragraph (of a letter:
    the lines down to 'Kính gửi')."""
    type_index = find_document_type(blocks)
    if type_index is None:
        subject = find_subject(blocks)
        return 0 if subject is None else letter_header_end(blocks, subject)
    rest = range(type_index + 1, len(blocks))
    return next((i for i in rest if is_numbered_heading(blocks[i])), min(len(blocks), type_index + 3))


def signature_start(blocks: list[Block], after: int) -> int:
    """Index of the closing block ('Nơi nhận:', 'T/M …'), or len(blocks) if there is none."""
    rest = range(after, len(blocks))
    return next((i for i in rest if CLOSING.match(blocks[i].text.text)), len(blocks))


# --- Sections -------------------------------------------------------------------------

@dataclass
class Section:
    path: tuple[str, ...]
    kind: str                                   # "header", "body" or "signature"
    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return SEPARATOR.join(self.path)


def body_sections(blocks: list[Block]) -> list[Section]:
    """Content blocks grouped under the path of the headings above them."""
    open_headings: list[tuple[int, str]] = []
    sections: list[Section] = []
    new_heading = True
    for block in blocks:
        if is_heading(block):
            level = heading_level(block.text.text)
            level = UNNUMBERED if level is None else level
            while open_headings and open_headings[-1][0] >= level:
                open_headings.pop()
            open_headings.append((level, " ".join(block.text.text.split())))
            new_heading = True
            continue
        if new_heading:
            sections.append(Section(tuple(title for _, title in open_headings), "body"))
            new_heading = False
        sections[-1].blocks.append(block)
    return sections


def build_sections(blocks: list[Block]) -> list[Section]:
    """Header, body sections and signature, in document order."""
    head = header_end(blocks)
    sign = signature_start(blocks, head)
    sections = body_sections(blocks[head:sign])
    type_index = find_document_type(blocks)
    subject = letter_subject(blocks)
    if head and type_index is not None:
        sections.insert(0, Section((blocks[type_index].text.text,), "header", blocks[:head]))
    elif head and subject:
        for section in sections:
            section.path = section.path or (subject,)
        sections.insert(0, Section((subject,), "header", blocks[:head]))
    if sign < len(blocks):
        sections.append(Section((SIGNATURE_SECTION,), "signature", blocks[sign:]))
    return sections
