"""The logical structure of a Vietnamese official document: header, body headings, Khoản, signature.

The layout follows the rules for state documents (Nghị định 30/2020/NĐ-CP về công tác văn
thư, Phụ lục I) and for party documents (Hướng dẫn 36-HD/VPTW về thể thức và kỹ thuật trình
bày văn bản của Đảng): header (issuer, "Số …", place and date), the type line and the subject
(trích yếu), the preamble ("Căn cứ …", "Xét đề nghị …", "Thực hiện …", ending in "… như sau:"
or "QUYẾT ĐỊNH:"), the body, the signature block and "Nơi nhận", then any attached document
(the Quy chế a Quyết định enacts) or appendix (Phụ lục).

Paragraphs split by a page break are rejoined first (``rejoin_page_breaks``). Then each block
is a heading or content (``is_heading``).

Headings and their levels (the level comes from the numbering, never from the number of
"#", which is inconsistent in conversions); a heading closes every open heading of its level
or deeper:

- 1 "Phần thứ nhất", "PHẦN I"; 2 "Chương I", "CHƯƠNG II"; 3 "Mục 1" (NĐ 30/2020, HD 36: the
  divisions of a long legal text). "Chương I" alone on its line takes the title on the next
  line: "Chương I. QUY ĐỊNH CHUNG";
- 4 roman numerals "I." and "I-" (HD 36 writes "I-" in party regulations, reports write "I.");
- 5 an article "Điều 1." or "Điều 1:". Written as a title ("Điều 4. Cán bộ làm nhiệm vụ lưu
  trữ", with or without "#") it is the heading; written with its text ("Điều 2. Quyết định
  này có hiệu lực kể từ ngày ký.") the heading is "Điều 2" and the paragraph is its content;
- report numbering: 6 "1." > 7 "1.1." > 8 "1.1.1." > 9 "a)". A block starting with one of
  these is a heading when it is a short title line: at most 40 words and no sentence
  punctuation at the end (. ; ! ? …); otherwise it is a numbered list item of the current
  section (the eight long tasks "1. Tiếp tục đổi mới …." under "IV. NHIỆM VỤ, GIẢI PHÁP");
- a block written as a markdown heading ("#") is a heading, whatever its length; a short
  ALL-CAPS line (at most 15 words) is a heading ("PHỤ LỤC", "QUYẾT NGHỊ"); both without a
  number are a part above all (0);
- bulleted blocks ("-", "+") are never headings.

Inside an article (Điều) the numbering means Khoản and Điểm (NĐ 30/2020): "1." starts a
Khoản, "a)", "đ)" are its Điểm; they are never headings. An article longer than
ARTICLE_WORDS is cut into one section per Khoản, path "… › Điều 12. … › Khoản 2" (its text
before "1." stays under the article), so that a passage never mixes two Khoản; a shorter
article stays one section. An article whose opening text ends with ":" ("… bao gồm:") is a
list whose items are its Khoản: it stays one section (the list is kept whole by chunking).

The header runs from the top through the type line ("QUY ĐỊNH", or "BÁO CÁO kết quả …" with
its subject on the same line), the subject lines under it, a "(Ban hành kèm theo …)" line and
the preamble: paragraphs opening with "Căn cứ", "Xét", "Thực hiện", "Theo đề nghị" … down to
the enacting line ("Ban Bí thư quy định … như sau:", "… QUYẾT ĐỊNH:"). Without a preamble the
first paragraph after the subject opens the document and belongs to the header. The header
stops at any heading; it never holds an article. It is named after the type line.

The title is the type and the subject, never the issuer line or a numbered heading: "QUY ĐỊNH
VỀ PHÔNG LƯU TRỮ …" (HD 36 writes a party document's subject in capitals: kept as written),
"Báo cáo kết quả …" (a subject in lower case, as NĐ 30/2020 writes it: the type is then
written "Báo cáo"). A subject in capitals may be long (TITLE_MAX_WORDS).

Body text before any heading is filed under the header's name ("KẾT LUẬN").

A letter ("công văn") has no type line: when the document opens with header lines only (issuer
lines in capitals, "*", "Số …", "V/v …", the motto, the place and date) and a "V/v …" line
follows a "Số …" line, those lines are the header, named after the "V/v …" line; the body
starts at "Kính gửi" or at the first other paragraph, and its text before any heading is filed
under the same name. The title is then "Công văn về việc <subject>".

The signature runs from "Nơi nhận" or "T/M …", "K/T …" to the end of the document, or to an
attached document (a type line such as "QUY CHẾ" after the signature: its body is filed under
"QUY CHẾ <subject>") or an appendix ("PHỤ LỤC").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from ingest.markdown import Block, CleanText, is_all_caps

SEPARATOR = " › "
SIGNATURE_SECTION = "Nơi nhận, chữ ký"
UNNUMBERED = 0
PART, CHAPTER, SUBSECTION, ROMAN_LEVEL, ARTICLE_LEVEL = 1, 2, 3, 4, 5
HEADING_MAX_WORDS = 40
CAPS_HEADING_MAX_WORDS = 15
TITLE_MAX_WORDS = 80          # a subject line in capitals may be long (45-HD/BTCTW: 50 words)
TITLE_MAX_LINES = 3
ARTICLE_WORDS = 250           # an article longer than this is cut at its Khoản (= chunking.MAX_WORDS)
SENTENCE_END = tuple(".;!?…")
TERMINAL = tuple(".!?…")
ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
NUMBERING = (
    (8, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s")),
    (7, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s")),
    (6, re.compile(r"^\d{1,2}[.)]\s")),
    (9, re.compile(r"^[a-zđ]\)\s")),
)
DIVISIONS = (
    (PART, re.compile(r"^(?:Phần|PHẦN)\s+(?:(?:thứ|THỨ)\s+\w+|[IVXL]+\b|\d+\b)")),
    (CHAPTER, re.compile(r"^(?:Chương|CHƯƠNG)\s+(?:[IVXL]+|\d+)\b")),
    (SUBSECTION, re.compile(r"^(?:Mục|MỤC)\s+\d+\b")),
)
ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+[a-zđ]?)\s*[.:]")
KHOAN = re.compile(r"^(\d{1,3})\.\s")
ROMAN_NUMBER = re.compile(r"^([IVX]+)\s?[.\-–]\s")
DOCUMENT_TYPES = (
    "BÁO CÁO", "NGHỊ QUYẾT", "KẾT LUẬN", "CHỈ THỊ", "QUYẾT ĐỊNH", "QUY ĐỊNH", "QUY CHẾ",
    "KẾ HOẠCH", "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "THÔNG BÁO", "THÔNG TRI", "TỜ TRÌNH", "ĐỀ ÁN",
    "ĐỀ CƯƠNG", "CÔNG VĂN", "BIÊN BẢN", "DIỄN VĂN", "NGHỊ ĐỊNH", "THÔNG TƯ",
)
DOCUMENT_TYPE_WINDOW = 8
PREAMBLE = re.compile(
    r"^[-–]?\s*(?:Căn cứ|Xét|Thực hiện|Theo đề nghị|Theo chỉ đạo|Trên cơ sở|Tại (?:phiên|hội nghị|kỳ họp))\b",
    re.IGNORECASE,
)
ENACTING = re.compile(r"(?:như sau|QUYẾT ĐỊNH|QUYẾT NGHỊ|KẾT LUẬN|CHỈ THỊ|BAN HÀNH)\s*:?$")
ISSUED_WITH = re.compile(r"^\(.*\)$", re.DOTALL)       # "(Ban hành kèm theo Quyết định số …)"
APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\b")
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


def continues(previous: Paragraph, block: Block) -> bool:
    """Whether ``block`` is the rest of ``previous``, cut by a page break."""
    if previous.first.marked or block.marked or block.bullet or previous.all_caps:
        return False
    if heading_level(block.text.text) is not None:
        return False
    return not previous.tail.endswith(TERMINAL) and opens_lowercase(block.text.text)


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
    last, first = left.rsplit(maxsplit=1)[-1], right.split(maxsplit=1)[0]
    if not (last[-1].isalpha() and first[0].isalpha()):
        return " "
    if not (has_vowel(last) and has_vowel(first)):
        return ""
    pieces_used_elsewhere = words[bare(last)] > 1 and words[bare(first)] > 1
    return "" if words[bare(last + first)] and not pieces_used_elsewhere else " "


TAIL_CHARS = 1000        # the end of a paragraph kept while rejoining (for its last words)


@dataclass
class Paragraph:
    """A paragraph being rejoined: its first block, the halves glued to it, and what ``continues``
    needs to know of the text so far (kept as it grows, so that rejoining is linear in the text)."""

    first: Block
    halves: list[Block] = field(default_factory=list)
    glues: list[str] = field(default_factory=list)
    tail: str = ""          # the last TAIL_CHARS characters of the text: its last words
    has_letter: bool = False
    upper: bool = True      # text == text.upper()

    def add_text(self, glue: str, text: str) -> None:
        """Take note of ``glue`` and ``text`` appended to the paragraph's text."""
        self.tail = (self.tail + glue + text[-TAIL_CHARS:])[-TAIL_CHARS:]
        self.has_letter = self.has_letter or any(c.isalpha() for c in text)
        self.upper = self.upper and text == text.upper()

    @property
    def all_caps(self) -> bool:
        return self.has_letter and self.upper    # is_all_caps of the text

    def block(self) -> Block:
        if not self.halves:
            return self.first
        blocks = [self.first, *self.halves]
        text = CleanText.join([b.text for b in blocks], self.glues)
        return replace(self.first, text=text, markers=tuple(m for b in blocks for m in b.markers))


def rejoin_page_breaks(blocks: list[Block]) -> tuple[list[Block], list[Join]]:
    """Glue each paragraph cut by a page break (footnotes, rules, blank lines) back together.

    A paragraph that does not end a sentence (. ! ? …) followed by a plain paragraph that
    starts with a lowercase letter (maybe after an opening quote) is one paragraph. A
    final ";" or "," does not end a sentence in these reports (item "2." of section IV
    is cut after "sinh hoạt cấp ủy;").
    """
    words: Counter[str] | None = None             # counted at the first join only
    paragraphs: list[Paragraph] = []
    joins: list[Join] = []
    for block in blocks:
        if paragraphs and continues(paragraphs[-1], block):
            words = vocabulary(blocks) if words is None else words
            left, right = paragraphs[-1].tail, block.text.text
            glue = glue_between(left, right, words)
            joins.append(Join(" ".join(left.split()[-4:]), " ".join(right.split(maxsplit=4)[:4]), glue))
            paragraphs[-1].halves.append(block)
            paragraphs[-1].glues.append(glue)
            paragraphs[-1].add_text(glue, right)
        else:
            paragraphs.append(Paragraph(block))
            paragraphs[-1].add_text("", block.text.text)
    return [p.block() for p in paragraphs], joins


# --- Headings -------------------------------------------------------------------------

def heading_level(text: str) -> int | None:
    """The level given by the number or division name the text starts with, if any."""
    for level, pattern in DIVISIONS:
        if pattern.match(text):
            return level
    if ARTICLE.match(text):
        return ARTICLE_LEVEL
    roman = ROMAN_NUMBER.match(text)
    if roman and roman.group(1) in ROMAN:
        return ROMAN_LEVEL
    return next((level for level, pattern in NUMBERING if pattern.match(text)), None)


def is_title_text(text: str, max_words: int = HEADING_MAX_WORDS) -> bool:
    """Short, and no sentence punctuation at the end."""
    return len(text.split()) <= max_words and not text.endswith(SENTENCE_END)


def is_heading(block: Block) -> bool:
    text = block.text.text
    if block.bullet:
        return False
    if block.marked or ARTICLE.match(text):
        return True
    if heading_level(text) is not None:
        return is_title_text(text)
    return is_all_caps(text) and len(text.split()) <= CAPS_HEADING_MAX_WORDS


def is_numbered_heading(block: Block) -> bool:
    return is_heading(block) and heading_level(block.text.text) is not None


def is_report_numbered(text: str) -> bool:
    """'1.', '1.1.', '1.1.1.', 'a)': inside an article these are Khoản and Điểm, not headings."""
    return any(pattern.match(text) for _, pattern in NUMBERING)


def article_heading(text: str) -> tuple[str, bool]:
    """The heading of an article line and whether the line is also content.

    'Điều 4. Cán bộ làm nhiệm vụ lưu trữ' is a title; 'Điều 2. Quyết định này có hiệu lực
    kể từ ngày ký.' is the article's text, under the heading 'Điều 2'.
    """
    if is_title_text(text):
        return text, False
    match = ARTICLE.match(text)
    return f"Điều {match.group(1)}" if match else text, True


def division_title(block: Block, following: Block | None) -> bool:
    """Whether ``following`` is the title of the division ``block`` ('Chương I' + 'QUY ĐỊNH CHUNG')."""
    text = block.text.text
    level = heading_level(text)
    if level not in (PART, CHAPTER, SUBSECTION) or following is None or following.bullet:
        return False
    match = next(p.match(text) for lv, p in DIVISIONS if lv == level)
    if text[match.end():].strip(" .:-–"):
        return False                                    # 'Chương I. Quy định chung': title already there
    title = following.text.text
    return heading_level(title) is None and is_title_text(title) and not CLOSING.match(title)


# --- Header, title, signature ---------------------------------------------------------

def type_prefix(text: str) -> str:
    """'BÁO CÁO' for 'BÁO CÁO' or 'BÁO CÁO kết quả …' (the type in capitals opening the line); else ''."""
    words = text.split()
    kind = " ".join(words[:2])
    if kind not in DOCUMENT_TYPES:
        return ""
    rest = " ".join(words[2:])
    if is_all_caps(text):
        return kind if len(words) <= 12 else ""
    return kind if rest[:1].islower() and is_title_text(rest, TITLE_MAX_WORDS) else ""


def is_document_type(text: str) -> bool:
    """'BÁO CÁO', 'NGHỊ QUYẾT', … on a line of its own (maybe with a qualifier or its subject)."""
    return bool(type_prefix(text))


def find_document_type(blocks: list[Block]) -> int | None:
    window = blocks[:DOCUMENT_TYPE_WINDOW]
    return next((i for i, b in enumerate(window) if is_document_type(b.text.text)), None)


def is_subject_line(block: Block, first: bool) -> bool:
    """A line of the subject (trích yếu) under the type line: short enough, no final punctuation,
    not a heading or preamble; a line after the first continues it only in capitals or in lower case."""
    text = " ".join(block.text.text.split())
    if block.bullet or heading_level(text) is not None or PREAMBLE.match(text) or CLOSING.match(text):
        return False
    if not is_title_text(text, TITLE_MAX_WORDS) or text.endswith(":") or ENACTING.search(text):
        return False
    return first or is_all_caps(text) or text[:1].islower()


def subject_lines(blocks: list[Block], type_index: int) -> int:
    """How many blocks after the type line are its subject."""
    count = 0
    rest = blocks[type_index + 1:type_index + 1 + TITLE_MAX_LINES]
    for block in rest:
        if not is_subject_line(block, count == 0):
            break
        count += 1
    return count


def title_line(blocks: list[Block], type_index: int) -> str:
    """The subject: the rest of the type line and the subject lines under it, joined."""
    kind = type_prefix(blocks[type_index].text.text)
    inline = " ".join(blocks[type_index].text.text.split()[len(kind.split()):])
    lines = [b.text.text for b in blocks[type_index + 1:type_index + 1 + subject_lines(blocks, type_index)]]
    return " ".join(" ".join([inline, *lines]).split())


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


def typed_title(blocks: list[Block], type_index: int) -> str:
    """'QUY ĐỊNH VỀ …' (subject in capitals), 'Báo cáo kết quả …' (in lower case); '' without a subject."""
    title = title_line(blocks, type_index)
    if not title:
        return ""
    kind = type_prefix(blocks[type_index].text.text)
    lead = kind.capitalize() if any(c.islower() for c in title) else kind
    return f"{lead} {title}"


def document_title(blocks: list[Block]) -> str:
    """'Báo cáo kết quả …' from the header; 'Công văn về việc …' for a letter; else the first heading; else ''."""
    if subject := letter_subject(blocks):
        return f"{LETTER} {SUBJECT.sub('', subject, count=1)}"
    type_index = find_document_type(blocks)
    if type_index is not None and (title := typed_title(blocks, type_index)):
        return title
    heading = next((b for b in blocks if is_heading(b)), None)
    return " ".join(heading.text.text.split()) if heading else ""


def letter_header_end(blocks: list[Block], subject: int) -> int:
    """The first block after a letter's 'V/v …' line that is not a header line: 'Kính gửi', or body text."""
    rest = range(subject + 1, len(blocks))
    return next((i for i in rest if not is_header_line(blocks[i].text.text)), len(blocks))


def preamble_end(blocks: list[Block], start: int) -> int:
    """The first block after the preamble that begins at ``start`` (see the module docstring)."""
    i = start
    if i < len(blocks) and ISSUED_WITH.match(blocks[i].text.text):
        i += 1
    found = False
    while i < len(blocks):
        block = blocks[i]
        text = block.text.text
        if is_heading(block) and not ENACTING.search(text) or CLOSING.match(text):
            return i
        if PREAMBLE.match(text):
            found = True
            i += 1
            continue
        if ENACTING.search(text):
            return i + 1
        break
    if not found and i < len(blocks) and not is_heading(blocks[i]) and not CLOSING.match(blocks[i].text.text):
        return i + 1                                   # the opening paragraph of a report
    return i


def header_end(blocks: list[Block]) -> int:
    """Blocks before this index are the header: issuer, number, date, type, subject, preamble (of a
    letter: the lines down to 'Kính gửi')."""
    type_index = find_document_type(blocks)
    if type_index is None:
        subject = find_subject(blocks)
        return 0 if subject is None else letter_header_end(blocks, subject)
    return preamble_end(blocks, type_index + 1 + subject_lines(blocks, type_index))


def signature_start(blocks: list[Block], after: int) -> int:
    """Index of the closing block ('Nơi nhận:', 'T/M …'), or len(blocks) if there is none."""
    rest = range(after, len(blocks))
    return next((i for i in rest if CLOSING.match(blocks[i].text.text)), len(blocks))


def attachment_start(blocks: list[Block], after: int) -> int:
    """Index of an attached document's type line or of an appendix after a signature; else len(blocks)."""
    rest = range(after, len(blocks))
    return next(
        (i for i in rest if is_all_caps(blocks[i].text.text) and type_prefix(blocks[i].text.text)
         or APPENDIX.match(blocks[i].text.text) and is_title_text(blocks[i].text.text)),
        len(blocks),
    )


# --- Sections -------------------------------------------------------------------------

LABEL_MAX_WORDS = 12   # a bullet this short without final punctuation may be a label (ingest.chunking)
LIST_HEADING_LEVELS = {level for level, _ in NUMBERING}   # report numbering (1., 1.1., 1.1.1., a)) may lead a list


@dataclass
class Section:
    path: tuple[str, ...]
    kind: str                                   # "header", "body" or "signature"
    blocks: list[Block] = field(default_factory=list)
    article: int = -1                           # which article (Điều) the section is part of, if any

    @property
    def name(self) -> str:
        return SEPARATOR.join(self.path)

    @property
    def words(self) -> int:
        return sum(len(b.text.text.split()) for b in self.blocks)


def merge_short_articles(sections: list[Section]) -> list[Section]:
    """An article cut at its Khoản becomes one section again if it is short, or if its opening
    text ends with ':' (its Khoản are the items of that list)."""
    out: list[Section] = []
    i = 0
    while i < len(sections):
        j = i + 1
        while sections[i].article >= 0 and j < len(sections) and sections[j].article == sections[i].article:
            j += 1
        group = sections[i:j]
        lead = group[0]
        opens_list = (
            bool(lead.blocks) and len(lead.path) < len(group[-1].path) and lead.blocks[-1].text.text.endswith(":")
        )
        if len(group) > 1 and (sum(s.words for s in group) <= ARTICLE_WORDS or opens_list):
            base = min(group, key=lambda s: len(s.path)).path
            base = base[:-1] if base[-1:] and base[-1].startswith("Khoản ") else base
            out.append(Section(base, lead.kind, [b for s in group for b in s.blocks], lead.article))
        else:
            out.extend(group)
        i = j
    return out


def is_bullet_label(block: Block, following: Block | None) -> bool:
    """A short bullet without final punctuation over items of another kind («- Nguyên nhân chủ quan» over
    «+ …»): a label that leads its own list (ingest.chunking), so the heading above it leads nothing."""
    text = block.text.text
    short = len(text.split()) <= LABEL_MAX_WORDS and not text.endswith((*SENTENCE_END, ","))
    return bool(block.bullet and short and following is not None and following.bullet != block.bullet)


def body_sections(blocks: list[Block], root: tuple[str, ...] = ()) -> list[Section]:
    """Content blocks grouped under the path of the headings above them (and of their Khoản).

    A numbered report heading (1., 1.1., 1.1.1., a)) directly followed by bulleted items (not by a bullet
    label, ``is_bullet_label``) is also the lead-in of that list: its block is the first of its section
    too («2. Bản tin sinh hoạt chuyên đề, tập trung vào các nhóm nội dung» then «- Các chuyên đề …»), so
    the list is quoted with what it is a list of."""
    open_headings: list[tuple[int, str]] = []
    sections: list[Section] = []
    current: Section | None = None
    article = -1
    skip = False
    lead_heading: Block | None = None
    for index, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        text = " ".join(block.text.text.split())
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        in_article = bool(open_headings) and open_headings[-1][0] == ARTICLE_LEVEL
        if is_heading(block) and not (in_article and is_report_numbered(text)):
            level = heading_level(text)
            level = UNNUMBERED if level is None else level
            title, content = article_heading(text) if level == ARTICLE_LEVEL else (text, False)
            if division_title(block, following):
                title = f"{title.rstrip(' .:-–')}. {' '.join(following.text.text.split())}"
                skip = True
            while open_headings and open_headings[-1][0] >= level:
                open_headings.pop()
            open_headings.append((level, title))
            article = index if level == ARTICLE_LEVEL else -1   # the article's block index: unique
            current = None
            lead_heading = block if level in LIST_HEADING_LEVELS and not skip else None
            if not content:
                continue
        path = (*root, *(title for _, title in open_headings))
        khoan = KHOAN.match(text) if in_article and not block.bullet else None
        if khoan:
            current = Section((*path, f"Khoản {khoan.group(1)}"), "body", article=article)
            sections.append(current)
        elif current is None:
            current = Section(path, "body", article=article)
            sections.append(current)
            if block.bullet and lead_heading is not None and not is_bullet_label(block, following):
                current.blocks.append(lead_heading)   # «2. … tập trung vào các nhóm nội dung» over «- …» items
        lead_heading = None
        current.blocks.append(block)
    return merge_short_articles(sections)


def header_section(blocks: list[Block], head: int) -> Section | None:
    type_index = find_document_type(blocks)
    if head and type_index is not None:
        return Section((type_prefix(blocks[type_index].text.text),), "header", blocks[:head])
    return None


def build_sections(blocks: list[Block]) -> list[Section]:
    """Header, body sections, signature and any attached document or appendix, in document order."""
    head = header_end(blocks)
    sections: list[Section] = []
    subject = letter_subject(blocks)
    if header := header_section(blocks, head):
        sections.append(header)
    root: tuple[str, ...] = ()
    start = head
    while start < len(blocks):
        sign = signature_start(blocks, start + 1 if root else start)
        body = body_sections(blocks[start:sign], root)
        if not root and not header and head and subject:
            for section in body:
                section.path = section.path or (subject,)
            sections.append(Section((subject,), "header", blocks[:head]))
        for section in body:
            section.path = section.path or (header.path if header else ())
        sections.extend(body)
        if sign == len(blocks):
            break
        attached = attachment_start(blocks, sign + 1)
        sections.append(Section((SIGNATURE_SECTION,), "signature", blocks[sign:attached]))
        start, root = attached, ()
        if attached < len(blocks) and (kind := type_prefix(blocks[attached].text.text)):
            rest = blocks[attached:]
            title = typed_title(rest, 0) or kind
            end = preamble_end(rest, 1 + subject_lines(rest, 0))
            opening = rest[1 + subject_lines(rest, 0):end]
            root = (title,)
            if opening:
                sections.append(Section(root, "body", opening))
            start = attached + end
    return sections
