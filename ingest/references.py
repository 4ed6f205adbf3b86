"""References to Vietnamese documents in text and in questions.

``find_references`` finds mentions such as "Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương
Đảng khóa XIII về …", "Nghị định số 130/NĐ-CP", a bare "130/2020/NĐ-CP", and a few named documents without a
number ("Nghị quyết Trung ương 4 (khóa XI, khóa XII)", "Luật phòng, chống tham nhũng năm 2018", "Điều lệ Đảng",
"Hiến pháp năm 2013", "Quy chế làm việc của …").  Numbered keys are exactly the keys of
``ingest.docnumbers.find_doc_numbers`` ("21-KL/TW", "130/ND-CP": uppercase, Đ→D, no leading zeros, the year of a
state number dropped); named documents get a lowercase ASCII slug ("nq-tw4-khoa-xii", "dieu-le-dang").

``parse_reference_query`` is the tolerant form for questions: no diacritics ("quy dinh 101"), abbreviations
("NQ TW4 khóa XII", "KL 21") and a type word with a bare number ("Kết luận 21"), which gives a partial reference
(``key`` "" and ``partial_key`` "21-KL/"); ``matches`` tells whether a reference or partial reference fits a key.

Matching runs on a character-by-character folded copy of the text (lowercase, diacritics and Đ removed), so spans
are spans of the input as given; the input is expected in NFC (decomposed text is not recognised).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.docnumbers import find_doc_numbers


@dataclass
class Reference:
    key: str                    # "21-KL/TW", "130/ND-CP", "nq-tw4-khoa-xii"; "" for a partial reference
    doc_type: str               # "Kết luận", "Nghị định", … ("" when only a bare "…-QĐ/…" number says nothing)
    number: str = ""            # "21-KL/TW" as written, spaces removed
    year: str = ""              # "2021"
    issuer_code: str = ""       # "TW", "HU", "CP", "TTg", "BTCTU"
    date: str = ""              # ISO "2021-10-25"
    issuer: str = ""            # the "của …" clause
    subject: str = ""           # the "về …" clause or the quoted title, without "về"/quotes
    text: str = ""              # the whole mention as written
    start: int = 0
    end: int = 0
    name_end: int = 0           # end of the name and number as written, before the date, issuer and subject
    partial_key: str = ""       # questions only: "21-KL/" for "Kết luận 21", "130/ND-" for "Nghị định 130"
    khoa: str = field(default="", repr=False)  # term of a "Nghị quyết Trung ương N khóa …", roman, uppercase


# ---------------------------------------------------------------------------------------------------------------
# folding

def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """str.translate's table for fold: each character's folded form, worked out on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase, no diacritics, one character per input character (so spans carry over)."""
    return text.translate(_FOLD)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# ---------------------------------------------------------------------------------------------------------------
# document types

# folded type word -> canonical type; longest first so "chuong trinh hanh dong" wins over "chuong trinh"
_TYPES = {
    "chuong trinh hanh dong": "Chương trình hành động",
    "nghi quyet lien tich": "Nghị quyết liên tịch",
    "thong tu lien tich": "Thông tư liên tịch",
    "chuong trinh": "Chương trình",
    "nghi quyet": "Nghị quyết",
    "nghi dinh": "Nghị định",
    "ket luan": "Kết luận",
    "quy dinh": "Quy định",
    "qui dinh": "Quy định",
    "quyet dinh": "Quyết định",
    "chi thi": "Chỉ thị",
    "ke hoach": "Kế hoạch",
    "huong dan": "Hướng dẫn",
    "cong van": "Công văn",
    "thong tu": "Thông tư",
    "thong bao": "Thông báo",
    "thong tri": "Thông tri",
    "bao cao": "Báo cáo",
    "to trinh": "Tờ trình",
    "phap lenh": "Pháp lệnh",
    "de an": "Đề án",
    "quy che": "Quy chế",
    "dieu le": "Điều lệ",
    "luat": "Luật",
}
# abbreviations accepted in questions only ("NQ 04", "KL 21")
_ABBREVIATIONS = {
    "nq": "Nghị quyết", "kl": "Kết luận", "qd": "Quyết định", "ct": "Chỉ thị", "ctr": "Chương trình",
    "kh": "Kế hoạch", "hd": "Hướng dẫn", "cv": "Công văn", "nd": "Nghị định", "tt": "Thông tư",
}
# code inside a number -> type, for numbers without a type word ("QĐ" is both Quy định and Quyết định: none)
_TYPE_OF_CODE = {
    "KL": "Kết luận", "NQ": "Nghị quyết", "CT": "Chỉ thị", "KH": "Kế hoạch", "CTR": "Chương trình",
    "HD": "Hướng dẫn", "CV": "Công văn", "ND": "Nghị định", "TT": "Thông tư", "TB": "Thông báo",
    "BC": "Báo cáo", "TTR": "Tờ trình", "DA": "Đề án", "QC": "Quy chế", "TTLT": "Thông tư liên tịch",
}
# type -> code used in its numbers, for partial keys ("Kết luận 21" -> "21-KL/")
_CODE_OF_TYPE = {
    "Kết luận": "KL", "Nghị quyết": "NQ", "Chỉ thị": "CT", "Kế hoạch": "KH", "Chương trình": "CTR",
    "Chương trình hành động": "CTR", "Hướng dẫn": "HD", "Công văn": "CV", "Nghị định": "ND", "Thông tư": "TT",
    "Thông báo": "TB", "Báo cáo": "BC", "Tờ trình": "TTR", "Đề án": "DA", "Quy chế": "QC", "Quy định": "QD",
    "Quyết định": "QD", "Thông tư liên tịch": "TTLT", "Nghị quyết liên tịch": "NQLT",
}
# state-style numbers ("130/NĐ-CP") are the usual form of these types
_STATE_STYLE = {"Nghị định", "Thông tư", "Thông tư liên tịch", "Nghị quyết liên tịch"}
_MIXED_CASE_CODES = {"TTG": "TTg"}


def _alternation(words) -> str:
    return "|".join(w.replace(" ", r"\s+") for w in sorted(words, key=len, reverse=True))


_TYPE_RE = _alternation(_TYPES)
_QUERY_TYPE_RE = _alternation(list(_TYPES) + list(_ABBREVIATIONS))

_NUMBER_BODY = (
    r"(?P<num>(?P<digits>\d{1,5})\s*(?:"
    r"-\s*(?P<pcode>[a-z]{1,7})\s*/\s*(?P<pissuer>[a-z]{1,10})"
    r"|/\s*(?:(?P<nyear>\d{4})\s*/\s*)?(?P<scode>[a-z]{1,7})\s*-\s*(?P<sissuer>[a-z]{1,10})"
    r"))(?!\w)"
)
_SO = r"\s+(?:so\s*:?\s*)?"


def _numbered_re(types: str) -> re.Pattern:
    return re.compile(rf"(?:(?<![\w/.,])(?P<type>{types}){_SO}|(?<![\w/.,]))" + _NUMBER_BODY)


_NUMBERED = _numbered_re(_TYPE_RE)
_QUERY_NUMBERED = _numbered_re(_QUERY_TYPE_RE)
_PARTIAL = re.compile(rf"(?<![\w/.,])(?P<type>{_QUERY_TYPE_RE}){_SO}(?P<digits>\d{{1,5}})(?![\w/-])")

_ROMAN = r"[ivxlc]+(?!\w)"
_NQ_TW = re.compile(
    r"(?<!\w)(?:nghi\s+quyet|nq)\s+(?:(?:hoi\s+nghi|hn)\s+)?(?:lan\s+thu\s+)?"
    r"(?:trung\s+uong|tw|tu)\s*(?:lan\s+thu\s+)?(?P<n>\d{1,2})(?!\d)"
    rf"(?P<khoa>\s*,?\s*\(?\s*khoa\s+{_ROMAN}(?:\s*(?:,|va)\s*(?:khoa\s+)?{_ROMAN})*\s*\)?)?"
)
_DIEU_LE = re.compile(r"(?<!\w)dieu\s+le\s+dang(?:\s+cong\s+san\s+viet\s+nam)?(?!\w)")
_HIEN_PHAP = re.compile(
    r"(?<!\w)hien\s+phap(?:\s+nuoc\s+cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam)?"
    r"(?:\s+(?:nam\s+)?(?P<year>\d{4})(?!\d))?(?!\w)"
)
_QUY_CHE = re.compile(r"(?<!\w)quy\s+che\s+(?P<kind>lam\s+viec|hoat\s+dong)\s+cua\s+")
_LUAT = re.compile(r"(?<!\w)luat\s+(?!(?:su|nay|so|phap|dinh|hoc|le|chung|khac)(?!\w))(?=[^\W\d_])")

# law-name words that end the name (compared as written: "những" stops, "nhũng" does not; unaccented words of a
# question are compared folded); "và" is kept before "Hội đồng" ("… của Quốc hội và Hội đồng nhân dân")
_LAW_STOP = {
    "và", "trong", "để", "theo", "đã", "được", "nhằm", "tại", "cho", "với", "có", "số", "ngày", "đến", "từ",
    "thì", "là", "các", "những", "khi", "sau", "trước", "này", "do", "mà", "về", "nhưng",
}
_LAW_STOP_FOLDED = {fold(w) for w in _LAW_STOP} - {"nhung", "co", "do"}
_LAW_COMMA_NEXT = {"chong", "cong", "vien"}  # "phòng, chống", "cán bộ, công chức", "…, viên chức"

_DATE = re.compile(
    r"\s*,?\s*ngay\s+(?P<d>\d{1,2})\s*(?:[/.-]|\s+thang\s+)\s*(?P<m>\d{1,2})\s*(?:[/.-]|\s+nam\s+)\s*"
    r"(?P<y>\d{4})(?!\d)"
)
_YEAR = re.compile(r"\s*,?\s*nam\s+(?P<y>(?:19|20)\d\d)(?!\d)")
_ISSUER_LEAD = re.compile(r"\s*,?\s*(?:cua|do)\s+")
_ISSUER_STOP = re.compile(r"\s+(?:ve|ngay|nam|v/v)(?!\w)|[,;.:“”\"(\n<…]")
_SUBJECT_LEAD = re.compile(
    r"\s*,?\s*(?:(?P<ve>ve\s+viec|ve|v/v)(?:\s*:\s*|\s+)|(?=[“\"])|(?=(?:thuc\s+hien|trien\s+khai)\s))"
)
_SUBJECT_MAX = 600


# ---------------------------------------------------------------------------------------------------------------
# the clauses after a document's name

def _date_at(folded: str, pos: int):
    m = _DATE.match(folded, pos)
    if not m:
        return "", pos
    d, mo, y = int(m["d"]), int(m["m"]), m["y"]
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return "", pos
    return f"{y}-{mo:02d}-{d:02d}", m.end()


def _issuer_at(text: str, folded: str, pos: int):
    m = _ISSUER_LEAD.match(folded, pos)
    if not m or m.end() >= len(text) or not text[m.end()].isupper():
        return "", pos
    start = m.end()
    stop = _ISSUER_STOP.search(folded, start)
    end = stop.start() if stop else len(text)
    issuer = text[start:end].strip()
    if not issuer or len(issuer) > 150:
        return "", pos
    return issuer, start + len(text[start:end].rstrip())


def _subject_at(text: str, folded: str, pos: int):
    """The "về …" clause or quoted title at pos: (subject, end of the clause as written) or ("", pos)."""
    m = _SUBJECT_LEAD.match(folded, pos)
    if not m:
        return "", pos
    start = m.end()
    if start >= len(text):
        return "", pos
    if text[start] == "“":
        depth = 0
        for i in range(start, min(len(text), start + _SUBJECT_MAX)):
            if text[i] == "“":
                depth += 1
            elif text[i] == "”":
                depth -= 1
                if depth == 0:
                    subject = text[start + 1:i].strip()
                    return (subject, i + 1) if subject else ("", pos)
        # no closing quote: fall through to the plain scan
    depth = 0
    end = min(len(text), start + _SUBJECT_MAX)
    for i in range(start, end):
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch in "\n<" or (ch == ";" and depth == 0):
            end = i
            break
        elif ch in ".…" and depth == 0:
            rest = text[i + 1:i + 3]
            if not rest or rest[0] in ".…\n" or (rest[0] == " " and (len(rest) < 2 or rest[1].isupper())):
                end = i
                break
    end = start + len(text[start:end].rstrip(" ,.…\t"))
    subject = text[start:end]
    if len(subject) >= 2 and subject[0] == '"' and subject[-1] == '"':
        subject = subject[1:-1]
    subject = subject.strip()
    return (subject, end) if subject else ("", pos)


def _tail(ref: Reference, text: str, folded: str, pos: int) -> Reference:
    """Fill date, year, issuer and subject from the clauses after pos; set ref.end."""
    ref.name_end = pos
    for _ in range(2):
        if not ref.date:
            date, pos2 = _date_at(folded, pos)
            if date:
                ref.date, pos = date, pos2
                continue
        if not ref.issuer:
            issuer, pos2 = _issuer_at(text, folded, pos)
            if issuer:
                ref.issuer, pos = issuer, pos2
                continue
        break
    if not ref.date and not ref.year:
        m = _YEAR.match(folded, pos)
        if m:
            ref.year, pos = m["y"], m.end()
    ref.subject, pos = _subject_at(text, folded, pos)
    if ref.date:
        ref.year = ref.date[:4]
    ref.end = pos
    ref.text = text[ref.start:ref.end]
    return ref


# ---------------------------------------------------------------------------------------------------------------
# the recognisers

def _numbered(text: str, folded: str, pattern: re.Pattern) -> list[Reference]:
    refs = []
    for m in pattern.finditer(folded):
        found = find_doc_numbers(text[m.start("num"):m.end("num")])
        if not found:
            continue
        key = found[0][0]
        if m["pcode"]:
            code, issuer_code = m["pcode"], text[m.start("pissuer"):m.end("pissuer")]
        else:
            code, issuer_code = m["scode"], text[m.start("sissuer"):m.end("sissuer")]
        issuer_code = _MIXED_CASE_CODES.get(issuer_code.upper(), issuer_code.upper())
        if m["type"]:
            doc_type = _TYPES.get(re.sub(r"\s+", " ", m["type"])) or _ABBREVIATIONS[m["type"]]
        else:
            doc_type = _TYPE_OF_CODE.get(fold(code).upper(), "")
        ref = Reference(
            key=key, doc_type=doc_type, number=re.sub(r"\s+", "", text[m.start("num"):m.end("num")]),
            year=m["nyear"] or "", issuer_code=issuer_code, start=m.start(),
        )
        refs.append(_tail(ref, text, folded, m.end()))
    return refs


def _named_tw(text: str, folded: str) -> list[Reference]:
    refs = []
    for m in _NQ_TW.finditer(folded):
        n = str(int(m["n"]))
        terms = re.findall(r"[ivxlc]+(?!\w)", re.sub(r"khoa", " ", m["khoa"] or ""))
        template = _tail(Reference(key="", doc_type="Nghị quyết", issuer_code="TW", start=m.start()),
                         text, folded, m.end())
        for term in terms or [""]:
            ref = Reference(**{**template.__dict__})
            ref.key = f"nq-tw{n}" + (f"-khoa-{term}" if term else "")
            ref.khoa = term.upper()
            refs.append(ref)
    return refs


def _named_law(text: str, folded: str, strict: bool) -> list[Reference]:
    refs = []
    for m in _LUAT.finditer(folded):
        if strict and text[m.start()] != "L":
            continue
        words: list[tuple[int, int]] = []
        pos = m.end()
        year = ""
        for w in re.finditer(r"(?P<sep>\s*,\s*|\s+|)(?P<word>[^\W_]+)", folded[m.end():]):
            if w.start() + m.end() != pos:
                break
            word, sep = w["word"], w["sep"]
            if words and not sep:
                break
            if words and "," in sep and word not in _LAW_COMMA_NEXT:
                break
            if word.isdigit():
                if words and re.fullmatch(r"(?:19|20)\d\d", word):  # "Luật Đất đai 2013"
                    year, pos = word, m.end() + w.end()
                break
            written = text[m.end() + w.start("word"):m.end() + w.end("word")].lower()
            stop = written in _LAW_STOP or (written == word and word in _LAW_STOP_FOLDED)
            if stop and not words and word != "cac":
                break
            if stop and words:
                nxt = re.match(r"\s+(\w+)", folded[m.end() + w.end():])
                if not (word == "va" and nxt and nxt[1] == "hoi"):
                    break
            if word == "nam":
                y = re.match(r"\s+((?:19|20)\d\d)(?!\d)", folded[m.end() + w.end():])
                if y and words:
                    year = y[1]
                    pos = m.end() + w.end() + y.end()
                    break
                if words:
                    break
            words.append((m.end() + w.start("word"), m.end() + w.end("word")))
            pos = m.end() + w.end()
            if len(words) >= 14:
                break
        if not words:
            continue
        name = text[words[0][0]:words[-1][1]]
        ref = Reference(key=f"luat-{_slug(name)}" + (f"-{year}" if year else ""), doc_type="Luật", year=year,
                        subject=name, start=m.start(), end=pos, name_end=pos, text=text[m.start():pos])
        refs.append(ref)
    return refs


def _named_other(text: str, folded: str, strict: bool) -> list[Reference]:
    refs = []
    for m in _DIEU_LE.finditer(folded):
        refs.append(Reference(key="dieu-le-dang", doc_type="Điều lệ", start=m.start(), end=m.end(), name_end=m.end(),
                              text=text[m.start():m.end()]))
    for m in _HIEN_PHAP.finditer(folded):
        if strict and text[m.start()] != "H":
            continue
        year = m["year"] or ""
        refs.append(Reference(key="hien-phap" + (f"-{year}" if year else ""), doc_type="Hiến pháp", year=year,
                              start=m.start(), end=m.end(), name_end=m.end(), text=text[m.start():m.end()]))
    for m in _QUY_CHE.finditer(folded):
        if strict and text[m.start()] != "Q":
            continue
        issuer, end = _issuer_at(text, folded, m.start("kind") + len(m["kind"]))
        if not issuer:
            continue
        kind = re.sub(r"\s+", "-", m["kind"])
        refs.append(Reference(key=f"quy-che-{kind}-{_slug(issuer)}", doc_type="Quy chế", issuer=issuer,
                              start=m.start(), end=end, name_end=end, text=text[m.start():end]))
    return refs


def find_references(text: str) -> list[Reference]:
    """Every document reference in the text, in order of position (a repeated mention is listed again)."""
    folded = fold(text)
    refs = _numbered(text, folded, _NUMBERED) + _named_tw(text, folded)
    refs += _named_law(text, folded, strict=True) + _named_other(text, folded, strict=True)
    refs.sort(key=lambda r: (r.start, r.end))
    return refs


def _partial_key(doc_type: str, digits: str) -> str:
    code = _CODE_OF_TYPE.get(doc_type, "")
    if not code:
        return ""
    n = str(int(digits))
    return f"{n}/{code}-" if doc_type in _STATE_STYLE else f"{n}-{code}/"


def parse_reference_query(question: str) -> list[Reference]:
    """The references a question names, tolerant of missing diacritics, case, abbreviations and bare numbers.

    A type word with a bare number ("Kết luận 21", "quy dinh 101") gives a partial reference: key "",
    number "21", partial_key "21-KL/"; use ``matches`` to compare it with known keys. Duplicates are dropped.
    Spans are spans of the question after NFC normalisation.
    """
    text = unicodedata.normalize("NFC", question)
    folded = fold(text)
    refs = _numbered(text, folded, _QUERY_NUMBERED) + _named_tw(text, folded)
    refs += _named_law(text, folded, strict=False) + _named_other(text, folded, strict=False)
    taken = [(r.start, r.end) for r in refs]
    for m in _PARTIAL.finditer(folded):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        word = re.sub(r"\s+", " ", m["type"])
        doc_type = _TYPES.get(word) or _ABBREVIATIONS[word]
        if doc_type == "Luật":
            continue
        ref = Reference(key="", doc_type=doc_type, number=str(int(m["digits"])), start=m.start(), end=m.end(),
                        name_end=m.end(), text=text[m.start():m.end()],
                        partial_key=_partial_key(doc_type, m["digits"]))
        refs.append(ref)
    refs.sort(key=lambda r: (r.start, r.end))
    unique: dict[str, Reference] = {}
    for r in refs:
        unique.setdefault(r.key or f"{r.doc_type}|{r.partial_key}|{r.number}", r)
    return list(unique.values())


def matches(ref: Reference, key: str) -> bool:
    """Whether a known canonical key is the document ref names.

    A full reference matches its own key; a named one also matches a more specific key of the same name
    ("luat-phong-chong-tham-nhung" ~ "luat-phong-chong-tham-nhung-2018", "nq-tw4" ~ "nq-tw4-khoa-xii"). A partial
    reference ("Kết luận 21") matches any key with that number and code in either style ("21-KL/TW", "21/KL-…").
    """
    if not key:
        return False
    if ref.key:
        if "/" in ref.key:
            return key.upper() == ref.key.upper()
        return key == ref.key or key.startswith(ref.key + "-")
    if not ref.partial_key:
        return False
    upper = key.upper()
    code = _CODE_OF_TYPE.get(ref.doc_type, "")
    n = ref.number.lstrip("0") or "0"
    return upper.startswith(f"{n}-{code}/") or upper.startswith(f"{n}/{code}-")
