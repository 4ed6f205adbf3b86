"""Read the text layer of a PDF into page texts and into parser-ready text.

``read_pdf(path)`` gives ``[(page number from 1, page text), …]``; ``pdf_text(pages)``
joins them into text for ``loader.parse_document``: one paragraph per line, paragraphs
separated by a blank line, NFC-normalised. ``pdf_text_with_pages(pages)`` gives that text
and the offset where each page begins in it; ``page_at(page_starts, offset)`` is the page
(from 1) of a character offset, e.g. of a ``Passage.start``, for a citation "trang 3".

Each page is cleaned first (``read_pdf``):

- repeated page headers and footers are dropped: a line among the first two (last two)
  lines of a page that is the same, digits aside, on more than half of the pages (and on
  at least two) — "ĐẢNG BỘ XÃ …", "Báo cáo số 12 - trang 3";
- bare page numbers at the top or bottom of a page are dropped: "3", "- 3 -", "Trang 3",
  "3/10", "Trang 3/10" (in the middle of a page such a line is kept: it may be a table cell).

Tables: a page on which pdfplumber finds a ruled table (``page_tables``) is read by
pdfplumber: its text above, between and below the tables, in order, and each table as
``ingest.tables.render_table`` writes it — a data row per line, its cells labelled by the
column headers ("Đơn vị: Đảng bộ xã …; Số đảng viên: 214"), or " | " rows without a
header — each row between blank lines; the cell text is not repeated as loose lines.
Other pages are read by pypdf as before, and their text never has a blank line.

Then ``pdf_text`` joins the lines of all pages, as one sequence, into paragraphs
(``paragraphs``), so a paragraph cut by a page break is one paragraph again. A blank
line in a page's text always ends the paragraph (a table row is one paragraph). A line that
starts with an uppercase letter, a numbering ("1.", "2.1.", "IV.", "a)") or a "-", "+",
"•" bullet starts a new paragraph when

- the paragraph before ends with sentence punctuation (. : ; ! ? …); or
- the line is a title: at most 40 words, no final punctuation (. : ; ! ? … ,), numbered
  ("1. Kết quả") or ALL CAPS — an ALL-CAPS line after an ALL-CAPS paragraph only when it
  is numbered (else it may be the rest of a wrapped title); or
- the paragraph before is such a title ("I. TÌNH HÌNH CHUNG", "BÁO CÁO") and its last
  line is short: under 80% of a full line (the 90th percentile of the line lengths). A
  full last line means the title, or a numbered item such as "1. Tiếp tục đổi mới … đối
  với" + "Mặt trận Tổ quốc …", wraps onto the line.

Otherwise the lines are one paragraph, joined with a space: a line that starts with a
lowercase letter (other than an "a)" numbering) always continues the paragraph.

Hyphens at the end of a line. Vietnamese syllables are written apart and are not split
by hyphenation, so the rule is conservative:

- "kinh tế -" + "xã hội" (a spaced dash: a compound) → "kinh tế - xã hội";
- "Inter-" + "net": the hyphen is removed and the pieces glued ("Internet") only when the
  piece before is plain ASCII letters with no hyphen of its own, and the next line starts
  with a lowercase ASCII letter and its first word has no hyphen;
- any other "word-" ("ki-lô-" + "mét", "Covid-" + "19", "2020-" + "2025", "Đảng-" +
  "viên") keeps its hyphen and is glued without a space.

Encryption: a PDF with only an owner password (printing or copying restricted) is opened
with the empty password and read; one that needs a password to open raises a ValueError
(PASSWORD_MESSAGE, naming the file). ``skipped_content(path)`` names what was not read:
the images of the pages with text, and the pages with an image but no text (scanned).

Limits: only the text layer is read (no OCR: a scan raises a ValueError, a scanned page
in a PDF that has text elsewhere is reported by ``skipped_content``); reading order
is pypdf's (multi-column pages come out line by line as pypdf sees them), and so are
tables drawn without ruling lines;
blank space between paragraphs is not seen, so a paragraph without final punctuation
followed by one starting with an uppercase letter is one paragraph (a wrapped line looks
the same); a one-page PDF has no repeated header to detect; a header or footer that
differs on every page (other than in its numbers) stays.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from pathlib import Path

SENTENCE_PUNCTUATION = tuple(".:;!?…")
HEADING_PUNCTUATION = tuple(".:;!?…,")
HEADING_MAX_WORDS = 40
FULL_LINE = 0.8  # a line this long, relative to a full line of the document, is wrapped text, not a title
EDGE_LINES = 2  # how many lines at the top and at the bottom of a page may be a header/footer
NUMBERING = re.compile(r"^(?:[IVX]+\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s")
BULLET = re.compile(r"^[-+•]\s")
PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–—]?\s*\d{1,4}(?:\s*/\s*\d{1,4})?\s*[-–—]?$", re.IGNORECASE)
DIGITS = re.compile(r"\d+")
ASCII_PIECE = re.compile(r"^[A-Za-z]+-$")
ASCII_START = re.compile(r"^[a-z]")

SCAN_MESSAGE = "PDF không có lớp văn bản (bản scan): {}. Hãy dùng bản có chữ hoặc nhận dạng chữ (OCR) trước."
CORRUPT_MESSAGE = "Tệp PDF bị hỏng hoặc không đọc được: {}"
PASSWORD_MESSAGE = "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại. Tệp: {}"


# --- Reading --------------------------------------------------------------------------

def open_pdf(path: Path):
    """A pypdf reader of the file, decrypted with the empty password if it is encrypted (a PDF
    with only an owner password — "no copying" — opens so).

    ValueError (Vietnamese): PASSWORD_MESSAGE when a password is needed to open it,
    CORRUPT_MESSAGE for a file pypdf cannot read (or an encryption it cannot undo).
    """
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(path)
        opened = not reader.is_encrypted or reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except OSError:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on broken files
        raise ValueError(CORRUPT_MESSAGE.format(path.name)) from error
    if not opened:
        raise ValueError(PASSWORD_MESSAGE.format(path.name))
    return reader


def extract_pages(path: Path) -> list[str]:
    """The raw text of each page (NFC), or a Vietnamese ValueError for a file pypdf cannot
    read or that needs a password (``open_pdf``).

    A page holding a table (``page_tables``) is read by pdfplumber instead: its text
    outside the tables, with each table's rendered rows in their place, each row between
    blank lines.
    """
    reader = open_pdf(path)
    try:
        texts = [page.extract_text() or "" for page in reader.pages]
    except OSError:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on broken files
        raise ValueError(CORRUPT_MESSAGE.format(path.name)) from error
    if any(text.strip() for text in texts):
        for index, text in page_tables(path).items():
            if index < len(texts):
                texts[index] = text
    return [unicodedata.normalize("NFC", text) for text in texts]


def table_rows(table) -> list[list[str | None]]:
    """pdfplumber's cells of a table (``None``: covered by a merged cell), whitespace collapsed."""
    return [[None if cell is None else " ".join(cell.split()) for cell in row] for row in table.extract()]


def page_tables(path: Path) -> dict[int, str]:
    """Page index → the text of each page that holds a table, read by pdfplumber.

    A table is what pdfplumber finds from the ruling lines drawn on the page (its default
    "lines" strategy: text aligned in columns without drawn borders is not a table), with
    at least two rows and two columns. The page's text is then, in reading order: the
    text above the first table (pdfplumber's lines), the table's rows as
    ``ingest.tables.render_table`` writes them, each row between blank lines, the text
    below it, and so on; a character whose centre lies inside a table is read only as
    part of its cell. A table at the top of a page without a header row of its own, as
    wide as the last table of the page before, takes that table's column labels (a table
    continued across the page break). A file pdfplumber cannot read gives no tables.
    """
    import pdfplumber

    from ingest.tables import header_labels, render_table

    found: dict[int, str] = {}
    labels: list[str] | None = None
    try:
        with pdfplumber.open(path) as pdf:
            for index, page in enumerate(pdf.pages):
                tables = []
                for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
                    rows = table_rows(table)
                    if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                        tables.append((table.bbox, rows))
                if not tables:
                    labels = None
                    continue
                found[index], labels = page_text_with_tables(page, tables, labels, header_labels, render_table)
    except Exception:  # pdfplumber fails where pypdf did not: keep pypdf's text
        return {}
    return found


def page_text_with_tables(page, tables, labels, header_labels, render_table) -> tuple[str, list[str] | None]:
    """The text of a pdfplumber page with its tables rendered in place (``page_tables``),
    and the column labels of its last table."""

    def inside(obj, box) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    def region(k: int) -> str:
        """The characters outside the tables whose centre lies between table k-1 and table k."""
        top = tables[k - 1][0][1] if k > 0 else float("-inf")
        bottom = tables[k][0][1] if k < len(tables) else float("inf")

        def keep(obj) -> bool:
            if obj.get("object_type") != "char":
                return True
            y = (obj["top"] + obj["bottom"]) / 2
            return top <= y < bottom and not any(inside(obj, box) for box, _ in tables)

        return page.filter(keep).extract_text() or ""

    lines = region(0).splitlines()
    for k, (_, rows) in enumerate(tables):
        own = header_labels(rows)
        continued = labels if k == 0 and not "".join(lines).strip() and own is None else None
        lines.append("")
        for row in render_table(rows, continued):
            lines += [row, ""]  # a blank line: the row is a paragraph of its own
        labels = own[0] if own is not None else continued
        lines += region(k + 1).splitlines()
    return "\n".join(lines), labels


def page_lines(text: str) -> list[str]:
    """The non-empty lines of a page, stripped, with runs of spaces collapsed."""
    return [line for line in marked_lines(text) if line]


def marked_lines(text: str) -> list[str]:
    """The lines of a page, stripped, runs of spaces collapsed, each run of blank lines kept
    as one "" (a paragraph break: ``pdf_text``), at the start and end of the page too."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(line.split())
        if line or (out and out[-1]) or not out:
            out.append(line)
    return out if any(out) else []


def broken_lines(text: str, pending: bool = False) -> tuple[list[tuple[str, bool]], bool]:
    """(line, whether a blank line comes before it) for the non-empty lines of a page, and
    whether the page ends with a blank line; ``pending``: the page before did."""
    out = []
    for line in marked_lines(text):
        if line:
            out.append((line, pending))
        pending = not line
    return out, pending


def shape(line: str) -> str:
    """A line with its numbers made alike: 'Trang 3' and 'Trang 4' have the same shape."""
    return DIGITS.sub("#", line).casefold()


def repeated_edges(pages: list[list[str]]) -> tuple[set[str], set[str]]:
    """Shapes of the lines repeated at the top (headers) and at the bottom (footers) of pages."""
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for lines in pages:
        tops.update({shape(line) for line in lines[:EDGE_LINES]})
        bottoms.update({shape(line) for line in lines[-EDGE_LINES:]})
    needed = max(2, len(pages) // 2 + 1)
    return ({s for s, n in tops.items() if n >= needed}, {s for s, n in bottoms.items() if n >= needed})


def strip_edges(lines: list[str], headers: set[str], footers: set[str]) -> list[str]:
    """A page's lines without its header/footer lines and bare page numbers."""
    lines = list(lines)

    def edge(order) -> int | None:
        return next((i for i in order if lines[i]), None)  # "" (a paragraph break) is not a line

    for _ in range(EDGE_LINES + 1):
        i = edge(range(len(lines)))
        if i is not None and (PAGE_NUMBER.match(lines[i]) or shape(lines[i]) in headers):
            del lines[i]
    for _ in range(EDGE_LINES + 1):
        i = edge(range(len(lines) - 1, -1, -1))
        if i is not None and (PAGE_NUMBER.match(lines[i]) or shape(lines[i]) in footers):
            del lines[i]
    return lines


def read_pdf(path: Path) -> list[tuple[int, str]]:
    """(page number from 1, page text) for each page: headers, footers, page numbers removed.

    A page's text is its remaining lines as pypdf extracted them (spaces collapsed), one
    per line; ``pdf_text`` joins them into paragraphs.
    """
    path = Path(path)
    raw = [marked_lines(text) for text in extract_pages(path)]
    if not any(raw):
        raise ValueError(SCAN_MESSAGE.format(path.name))
    headers, footers = repeated_edges([[line for line in lines if line] for lines in raw])
    cleaned = [strip_edges(lines, headers, footers) for lines in raw]
    cleaned = [lines if any(lines) else [] for lines in cleaned]
    remember_text_pages(path, [bool(lines) for lines in cleaned])
    return [(number, "\n".join(lines)) for number, lines in enumerate(cleaned, start=1)]


# --- Paragraphs -----------------------------------------------------------------------

def is_all_caps(line: str) -> bool:
    return any(c.isalpha() for c in line) and line == line.upper()


def is_heading_line(text: str) -> bool:
    """'I. TÌNH HÌNH CHUNG', '1. Kết quả', 'BÁO CÁO': short, numbered or ALL CAPS, no final punctuation."""
    if len(text.split()) > HEADING_MAX_WORDS or text.endswith(HEADING_PUNCTUATION):
        return False
    return bool(NUMBERING.match(text)) or is_all_caps(text)


def opens_block(line: str) -> bool:
    """Whether a line may start a paragraph: uppercase first letter, a numbering or a bullet."""
    first = line[:1]
    return (first.isalpha() and first.isupper()) or bool(NUMBERING.match(line) or BULLET.match(line))


def full_width(lines: list[str]) -> int:
    """The length of a full line of text: the 90th percentile of the line lengths."""
    lengths = sorted(len(line) for line in lines)
    return lengths[min(len(lengths) - 1, len(lengths) * 9 // 10)] if lengths else 0


def breaks_between(paragraph: str, last_line: str, line: str, width: int) -> bool:
    """Whether ``line`` starts a new paragraph after ``paragraph`` (whose last line is ``last_line``)."""
    if not opens_block(line):
        return False
    if paragraph.endswith(SENTENCE_PUNCTUATION):
        return True
    if is_heading_line(line) and (NUMBERING.match(line) or not is_all_caps(paragraph)):
        return True
    if is_heading_line(paragraph):
        return len(last_line) < FULL_LINE * width  # a full last line: the title or item goes on
    return False


def join_lines(left: str, right: str) -> str:
    """Two lines of one paragraph joined, with the hyphen rule of the module docstring."""
    if not left.endswith("-") or left.endswith(" -") or left == "-":
        return f"{left} {right}"
    last = left.split()[-1]
    first = right.split()[0]
    if ASCII_PIECE.match(last) and ASCII_START.match(first) and "-" not in first:
        return f"{left[:-1]}{right}"
    return f"{left}{right}"


def paragraph_spans(
    lines: list[str], breaks: list[bool] | None = None,
) -> tuple[list[str], list[tuple[int, int]]]:
    """``paragraphs(lines)`` and, for each line, (its paragraph's index, the offset in that
    paragraph of the line's first character). ``breaks[i]``: line i starts a paragraph
    whatever the rules say (a blank line came before it).

    ``join_lines(left, right)`` always ends with ``right`` unchanged, so a joined line
    starts ``len(right)`` characters before the end of the paragraph it was joined to.
    """
    width = full_width([line for i, line in enumerate(lines) if not (breaks and breaks[i])])  # rows aside
    out: list[str] = []
    where: list[tuple[int, int]] = []
    last_line = ""
    for i, line in enumerate(lines):
        if out and not (breaks and breaks[i]) and not breaks_between(out[-1], last_line, line, width):
            out[-1] = join_lines(out[-1], line)
        else:
            out.append(line)
        where.append((len(out) - 1, len(out[-1]) - len(line)))
        last_line = line
    return out, where


def paragraphs(lines: list[str]) -> list[str]:
    """Lines (stripped, none empty) grouped into paragraphs, each on one line (module docstring)."""
    return paragraph_spans(lines)[0]


def pdf_text_with_pages(pages: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """``pdf_text(pages)`` and ``page_starts``: ``page_starts[i]`` is the character offset in
    that text where the content of ``pages[i]`` (page i+1 for ``read_pdf``) begins.

    For a paragraph continued from the page before, that is the offset of the first
    character that came from the new page. A page with no text starts where the next
    page with text starts (or at the end of the text), so ``page_starts`` is sorted and
    ``page_at(page_starts, offset)`` never names an empty page.
    """
    page_lists = []
    pending = False
    for _, text in pages:
        marked, pending = broken_lines(text, pending)
        page_lists.append(marked)
    lines = [line for page in page_lists for line, _ in page]
    if not lines:
        return "", [0] * len(pages)
    blocks, where = paragraph_spans(lines, [brk for page in page_lists for _, brk in page])
    block_starts = []
    offset = 0
    for block in blocks:
        block_starts.append(offset)
        offset += len(block) + 2  # the "\n\n" between paragraphs
    raw = "\n\n".join(blocks) + "\n"
    line_starts = [block_starts[block] + within for block, within in where]

    starts: list[int | None] = []
    index = 0
    for page in page_lists:
        starts.append(line_starts[index] if page else None)
        index += len(page)
    following = len(raw)
    for i in range(len(starts) - 1, -1, -1):  # an empty page starts where the next text does
        if starts[i] is None:
            starts[i] = following
        following = starts[i]

    text = unicodedata.normalize("NFC", raw)
    if text == raw:
        return text, [int(start) for start in starts]
    # Input that was not NFC (read_pdf's always is): map each offset through the normalisation.
    return text, [min(len(unicodedata.normalize("NFC", raw[:start])), len(text)) for start in starts]


def pdf_text(pages: list[tuple[int, str]]) -> str:
    """The pages of ``read_pdf`` as one parser-ready text: paragraphs separated by blank lines.

    The lines of all pages are joined as one sequence, so a paragraph cut by a page break
    is one paragraph again. ``pdf_text_with_pages`` also tells where each page begins.
    """
    return pdf_text_with_pages(pages)[0]


def page_at(page_starts: list[int], offset: int) -> int:
    """The page (from 1, the position in ``page_starts`` + 1) holding the character at
    ``offset`` of the text of ``pdf_text_with_pages``; an offset before the first page's
    start (or an empty ``page_starts``) gives page 1."""
    return max(bisect_right(page_starts, offset), 1)


# --- What is skipped -------------------------------------------------------------------

LAST_READ: dict[tuple[str, int, int], list[bool]] = {}  # the last file read_pdf read → pages with text


def file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def remember_text_pages(path: Path, has_text: list[bool]) -> None:
    """Keep, for ``skipped_content``, which pages of the file just read have text."""
    try:
        key = file_key(path)
    except OSError:
        return
    LAST_READ.clear()
    LAST_READ[key] = has_text


def page_images(page) -> set:
    """The image XObjects in a pypdf page's resources, forms searched through (not decoded):
    their indirect references, or the objects' ids for direct ones."""
    found: set = set()
    seen: set = set()

    def search(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        for name in xobjects if hasattr(xobjects, "get") else ():
            ref = xobjects.raw_get(name)
            obj = ref.get_object()
            key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else id(obj)
            if key in seen or not hasattr(obj, "get"):
                continue
            seen.add(key)
            if obj.get("/Subtype") == "/Image":
                found.add(key)
            elif obj.get("/Subtype") == "/Form":
                search(obj.get("/Resources"))

    search(page.get("/Resources"))
    return found


def skipped_content(path) -> list[str]:
    """What the reader could not turn into text, in Vietnamese, e.g. ["2 hình ảnh không được đọc
    (chỉ đọc chữ)", "Trang 3, 5 là ảnh quét (không có lớp chữ), không đọc được"]: the
    distinct images of the pages that have text, and the pages (from 1) that hold an image
    and no text (headers, footers and page numbers aside); a blank page is not reported.

    Images are found in the pages' resources without being decoded (an image listed there
    but not drawn counts too; inline images do not). Which pages have text comes from the
    last ``read_pdf`` of the same file (the file is read again otherwise). Empty when
    nothing was skipped or the file cannot be read (``read_pdf`` says why).
    """
    path = Path(path)
    try:
        has_text = LAST_READ.get(file_key(path))
        if has_text is None:
            read_pdf(path)
            has_text = LAST_READ.get(file_key(path), [])
        pages = open_pdf(path).pages
        images: set = set()
        scanned: list[int] = []
        for number, page in enumerate(pages, start=1):
            found = page_images(page)
            if number <= len(has_text) and has_text[number - 1]:
                images |= found
            elif found:
                scanned.append(number)
    except Exception:  # an unreadable file: read_pdf reports it
        return []
    warnings = [f"{len(images)} hình ảnh không được đọc (chỉ đọc chữ)"] if images else []
    if scanned:
        numbers = ", ".join(str(n) for n in scanned)
        warnings.append(f"Trang {numbers} là ảnh quét (không có lớp chữ), không đọc được")
    return warnings
