"""Administrative metadata from the header and signature blocks of a Vietnamese official document.

``read_header_metadata(text)`` is a pure function over the document's text (markdown-ish:
``#`` headings, ``**``/``*`` emphasis, ``<sup>`` markers and ``|`` table rows are tolerated).
The two-column header of party and state documents is often flattened; a line is therefore cut
into cells at a tab, at a run of 2+ spaces, or at ``|``, and each cell is read on its own.

Header (the lines before the body starts):
  * the national / party boilerplate ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc", "*", "---") is dropped, even inside a cell;
  * ``issuer``: the remaining upper-case cells above the document type, joined by a space;
  * ``number``: the token after "Số" / "Số:" at the start of a cell;
  * ``place`` / ``date``: "<Place>, ngày D tháng M năm YYYY" or "ngày D/M/YYYY" (date as ISO);
  * ``doc_type``: the first all-caps cell that is a known type ("KẾT LUẬN" → "Kết luận");
  * ``title``: the line(s) under the type, as written (markup removed, lines joined by a space),
    until a blank line (unless the next line starts in lower case), a separator or body text.
A letter ("công văn") has no type line: its subject is a "V/v …", "V/v: …" or "Về việc …" cell
under the number. When no type cell is found:
  * ``title``: the text after "V/v" / "Về việc" in that cell, as written, with the next lines
    that start in lower case; only in a header that has a number (a "Số …" cell);
  * ``doc_type``: from the code in the number ("1601-CV/BTCTU", "125/CV-UBND" → "Công văn";
    KH, BC, KL, NQ, CT, HD, TB, CTr likewise); "QĐ" (Quyết định or Quy định) and unknown codes
    give nothing, except that a subject line alone makes the document a "Công văn".
Signature block (the end of the text): the name is the last short line written as a personal
name; the capacity lines are the all-caps lines above it ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
italic signature placeholders and "(Đã ký)" lines in between are skipped; a name flattened onto its
capacity line ("PHÓ TRƯỞNG BAN Phạm Tất Thắng") is split off; an appendix after the "Nơi nhận" list
("PHỤ LỤC") is not read. When a flattened line
holds two columns ("- Lưu VP        BÍ THƯ"), the right-hand one is the signer's column.

A field that is not found stays "": nothing is guessed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

HEADER_LINES = 40       # the header is looked for in the first lines only
TAIL_LINES = 40         # ... and the signature block in the last ones
MAX_TITLE_LINES = 5
BODY_WORDS = 45         # a line this long is body text, not a header line

DOC_TYPES = [
    "Kết luận", "Báo cáo", "Quy định", "Nghị quyết", "Chỉ thị", "Kế hoạch", "Hướng dẫn", "Quyết định",
    "Công văn", "Thông báo", "Tờ trình", "Nghị định", "Thông tư", "Chương trình", "Quy chế", "Luật",
    "Pháp lệnh", "Đề án", "Biên bản", "Công điện", "Thông tri", "Lời kêu gọi", "Tuyên bố",
]
_TYPE_BY_CAPS = {t.upper(): t for t in DOC_TYPES}
_TYPE_BY_CODE = {
    "CV": "Công văn", "KH": "Kế hoạch", "BC": "Báo cáo", "KL": "Kết luận", "NQ": "Nghị quyết",
    "CT": "Chỉ thị", "HD": "Hướng dẫn", "TB": "Thông báo", "CTR": "Chương trình",
}

_BOILERPLATE = re.compile(
    r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
_MARKERS = {"MẬT", "TỐI MẬT", "TUYỆT MẬT", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "DỰ THẢO", "BẢN SAO"}
_SEPARATOR = re.compile(r"^[-_*=~.─—–•\s]*$")
_CELL_SPLIT = re.compile(r"\t+|\s{2,}")
_SUP_OPEN = re.compile(r"<sup>", re.IGNORECASE)
_SUP_CLOSE = re.compile(r"</sup>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]+>")          # [^<>]: "a < b" is not read to the line's end
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_NUMBER = re.compile(r"^(?:Số|SỐ)\s*:?\s*(\S+)\s*(.*)$")
_SUBJECT = re.compile(r"^(?:V/[vV]|Về\s+việc|VỀ\s+VIỆC)(?:\s*:\s*|\s+)(\S.*)$")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_DIGITS = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
_BODY_START = re.compile(
    r"^(?:Căn cứ|Kính gửi|Điều \d|Chương [IVXLC\d]|Phần [IVXLC\d]|Mục [IVXLC\d]|[IVXLC]+\.\s|\d+(?:\.\d+)*\.\s)"
)
_CAPACITY = re.compile(
    r"^(?:T/M|TM\.?|T\.M\.?|KT\.?|K/T|K\.T\.?|TL\.?|T/L|TUQ\.?|Q\.|Q/)\s"
    r"|BÍ THƯ|CHỦ TỊCH|TRƯỞNG|GIÁM ĐỐC|THỦ TƯỚNG|CHÁNH|CHỦ NHIỆM|ỦY VIÊN|UỶ VIÊN|TỔNG|THƯỜNG TRỰC"
)
_PLACEHOLDER = re.compile(r"^[(\[]\s*(?:đã\s+ký|ký|signed|chữ\s+ký|đóng\s+dấu)[^)\]]*[)\]]$", re.IGNORECASE)


@dataclass
class HeaderMetadata:
    issuer: str = ""        # "BAN CHẤP HÀNH TRUNG ƯƠNG", "HUYỆN ỦY TÂY SƠN"
    number: str = ""        # as written after "Số": "21-KL/TW", "130/2020/NĐ-CP"
    place: str = ""         # "Hà Nội", "Tây Sơn"
    date: str = ""          # ISO "2021-10-25"
    doc_type: str = ""      # sentence case: "Kết luận", "Báo cáo", "Nghị định"…
    title: str = ""         # the subject line(s) under the type, as written
    signer: str = ""        # "Lê Bình Thanh"
    signer_role: str = ""   # capacity lines above the name: "T/M BAN THƯỜNG VỤ, BÍ THƯ"


@dataclass
class _Line:
    raw: str                # the line, trailing spaces removed
    cells: list[str]        # cleaned non-empty cells

    @property
    def text(self) -> str:
        return " ".join(self.cells)

    @property
    def blank(self) -> bool:
        return not self.cells


def _clean(cell: str) -> str:
    cell = _ESCAPE.sub(r"\1", _TAG.sub("", cell))
    cell = re.sub(r"^\s*(?:#+|>)\s*", "", cell)
    stripped = cell.strip()
    if stripped and set(stripped) <= {"*", "-", "_", "=", " "}:
        return stripped                         # a separator such as "*" or "---": kept as such
    cell = cell.replace("*", "")
    cell = re.sub(r"(?:^|(?<=\s))_+|(?<!_)_+(?=\s|$)", "", cell)   # (?<!_): a run is tried once
    return " ".join(cell.split())


def _drop_sup(raw: str) -> str:
    """``raw`` without its <sup>…</sup> elements (each to the nearest closing tag), in linear time."""
    kept, pos = [], 0
    while opening := _SUP_OPEN.search(raw, pos):
        closing = _SUP_CLOSE.search(raw, opening.end())
        if not closing:
            break
        kept.append(raw[pos:opening.start()])
        pos = closing.end()
    return "".join(kept) + raw[pos:] if kept else raw


def _split(raw: str) -> _Line:
    raw = raw.rstrip()
    body = _drop_sup(raw)
    if body.lstrip().startswith("|"):
        parts = body.strip().strip("|").split("|")
        if all(re.fullmatch(r"\s*:?-{3,}:?\s*", p) for p in parts):
            parts = []
    else:
        parts = _CELL_SPLIT.split(body.strip())
    cells = [c for c in (_clean(p) for p in parts) if c]
    return _Line(raw, cells)


def _is_caps(s: str) -> bool:
    return any(c.isalpha() for c in s) and s == s.upper()


def _is_separator(s: str) -> bool:
    return bool(_SEPARATOR.match(s))


def _is_body(line: _Line) -> bool:
    text = line.text
    words = len(text.split())
    sentence = words >= 15 and text.endswith((".", ";")) and not _is_caps(text)
    return words > BODY_WORDS or sentence or bool(_BODY_START.match(text))


def _doc_type(cell: str) -> tuple[str, str] | None:
    """(type, rest of the cell) when the cell is a known type in capitals, alone or followed by more capitals."""
    if not _is_caps(cell):
        return None
    key = " ".join(cell.rstrip(":").split())
    if key in _TYPE_BY_CAPS:
        return _TYPE_BY_CAPS[key], ""
    for caps, name in _TYPE_BY_CAPS.items():
        if key.startswith(caps + " ") and len(key.split()) <= 12:
            return name, key[len(caps) + 1:]
    return None


def _place_date(cell: str) -> tuple[str, str] | None:
    m = _DATE_WORDS.search(cell) or _DATE_DIGITS.search(cell)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        iso = datetime.date(year, month, day).isoformat()
    except ValueError:
        iso = ""
    if cell[m.end():].strip(" .,;*_"):
        return None                             # a dateline ends with the year
    before = cell[: m.start()].rstrip()
    place = ""
    if before.endswith(","):
        candidate = before[:-1].strip()
        if candidate and not any(c.isdigit() for c in candidate) and len(candidate.split()) <= 6:
            place = candidate
    elif before:
        return None                             # "… Kết luận số 21-KL/TW ngày 25/10/2021": not a dateline
    return place, iso


def _type_of_number(number: str) -> str:
    """'Công văn' for '1601-CV/BTCTU' or '125/CV-UBND': the first letters of the number are its type code."""
    code = re.search(r"[^\W\d_]+", number)
    return _TYPE_BY_CODE.get(code.group(0).upper(), "") if code else ""


def _read_subject(lines: list[_Line], at: int, first: str) -> str:
    """The subject of a letter: ``first`` and the lines under it that start in lower case."""
    parts = [first]
    for line in lines[at + 1: at + MAX_TITLE_LINES]:
        if line.blank or not line.cells[0][:1].islower():
            break
        parts.append(line.cells[0])
    return " ".join(parts)


def _read_header(lines: list[_Line], meta: HeaderMetadata) -> None:
    issuer: list[str] = []
    subject = ""
    type_at = None
    anchored = False                            # boilerplate seen: a capitals line is then a header line
    for i, line in enumerate(lines[:HEADER_LINES]):
        if line.blank:
            continue
        if _is_body(line):
            break
        for cell in line.cells:
            found = _doc_type(cell)
            if found:
                meta.doc_type, rest = found
                type_at = i
                if rest:
                    line.cells = [rest]
                break
        if type_at is not None:
            break
        for cell in line.cells:
            bare = _BOILERPLATE.sub(" ", cell).strip(" -–—,;")
            anchored = anchored or bare != cell
            cell = bare
            if not cell or _is_separator(cell):
                continue
            m = _NUMBER.match(cell)
            if m:
                if not meta.number:
                    meta.number = m.group(1).rstrip(".,;")
                cell = m.group(2).strip()
                if not cell:
                    continue
            m = _SUBJECT.match(cell)
            if m:
                subject = subject or _read_subject(lines, i, m.group(1))
                continue
            pd = _place_date(cell)
            if pd:
                if not meta.date and not meta.place:
                    meta.place, meta.date = pd
                continue
            if _is_caps(cell) and " ".join(cell.split()) not in _MARKERS:
                issuer.append(cell)
    if anchored or meta.number or meta.date or meta.place or type_at is not None:
        meta.issuer = " ".join(issuer)          # a lone capitals heading over plain text is no issuer
    if type_at is not None:
        meta.title = _read_title(lines, type_at)
    elif meta.number:
        meta.title = subject
        meta.doc_type = _type_of_number(meta.number) or ("Công văn" if subject else "")


def _read_title(lines: list[_Line], type_at: int) -> str:
    parts: list[str] = []
    first = lines[type_at]
    if first.cells and _doc_type(first.cells[0]) is None:
        parts.append(first.text)                # "KẾT LUẬN CỦA BỘ CHÍNH TRỊ": the rest of the type line
    i = type_at + 1
    mixed_seen = any(not _is_caps(p) for p in parts)
    while i < len(lines) and len(parts) < MAX_TITLE_LINES:
        line = lines[i]
        if line.blank:
            nxt = next((lines[j] for j in range(i + 1, len(lines)) if not lines[j].blank), None)
            if parts and (nxt is None or not nxt.text[:1].islower()):
                break
            i += 1
            continue
        text = line.text
        if _is_separator(text) or _is_body(line) or text.endswith(":"):
            break
        if _is_caps(text) and mixed_seen:
            break                               # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" under "Về việc …"
        mixed_seen = mixed_seen or not _is_caps(text)
        parts.append(text)
        i += 1
    return " ".join(parts).strip()


def _is_italic(raw: str) -> bool:
    s = raw.strip()
    return bool(re.match(r"^(\*(?!\*)|_(?!_)).+(?<!\*)\1$", s)) if len(s) > 2 else False


def _is_name(s: str) -> bool:
    words = s.split()
    return 2 <= len(words) <= 7 and all(w.isalpha() and w[0].isupper() and w[1:] == w[1:].lower() for w in words)


def _signer_column(line: _Line) -> tuple[str, bool]:
    """The signer's side of a tail line and whether it is in italics ("" for the recipients' column)."""
    if len(line.cells) >= 2:
        return line.cells[-1], False
    raw = line.raw.strip()
    if not line.cells or re.match(r"^(?:[-+•]|Nơi nhận)", line.text) or raw.startswith(("<sup>", "[^")):
        return "", False
    return line.cells[0], _is_italic(raw)


def _role_and_name(text: str) -> tuple[str, str] | None:
    """("PHÓ TRƯỞNG BAN", "Phạm Tất Thắng") for a capacity and a name flattened onto one line, else None."""
    words = text.split()
    for k in range(min(7, len(words) - 1), 1, -1):
        role, name = " ".join(words[:-k]), " ".join(words[-k:])
        if _is_name(name) and _is_caps(role) and _CAPACITY.search(role):
            return role, name
    return None


def _signature_lines(lines: list[_Line]) -> list[_Line]:
    """The lines up to the signature: an appendix after the "Nơi nhận" list ("PHỤ LỤC …") is cut off."""
    recipients = max((i for i, ln in enumerate(lines) if ln.text.startswith("Nơi nhận")), default=None)
    if recipients is None:
        return lines
    for i in range(recipients + 1, len(lines)):
        if re.match(r"^PHỤ LỤC\b", lines[i].text):
            return lines[:i]
    return lines


def read_signature(text: str) -> tuple[str, str]:
    """(signer, signer_role) of the signature block at the end of text (a document or its signature passage);
    "" where absent."""
    meta = HeaderMetadata()
    _read_signature([_split(raw) for raw in unicodedata.normalize("NFC", text).split("\n")], meta)
    return meta.signer, meta.signer_role


def _read_signature(lines: list[_Line], meta: HeaderMetadata) -> None:
    lines = _signature_lines(lines)
    tail = [_signer_column(ln) for ln in lines[-TAIL_LINES:]]
    i = len(tail) - 1
    while i >= 0 and not tail[i][0]:
        i -= 1
    if i < 0:
        return
    name = ""
    text, italic = tail[i]
    split = _role_and_name(text)
    if _is_name(text) and not italic:
        name = text
        i -= 1
    elif split and not italic:                  # "PHÓ TRƯỞNG BAN THƯỜNG TRỰC Hoàng Đăng Quang" on one line
        name = split[1]
        tail[i] = (split[0], False)
    role: list[str] = []
    while i >= 0:
        text, italic = tail[i]
        if not text or italic or _PLACEHOLDER.match(text):
            if role and text:
                break
            i -= 1
            continue
        if _is_caps(text) and len(text.split()) <= 12 and not _is_separator(text):
            role.append(text)
            i -= 1
            continue
        break
    role.reverse()
    if role and any(_CAPACITY.search(r) for r in role):
        meta.signer = name
        meta.signer_role = ", ".join(role)


def read_header_metadata(text: str) -> HeaderMetadata:
    """Issuer, number, place, date, type, title and signer of an official document; "" where absent."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_split(raw) for raw in text.split("\n")]
    meta = HeaderMetadata()
    _read_header(lines, meta)
    _read_signature(lines, meta)
    return meta
