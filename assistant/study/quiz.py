"""«Câu hỏi trắc nghiệm»: multiple-choice questions made from quoted sentences.

A question is one sentence of the selected passages, quoted verbatim, with ONE fact blanked as
«……»: a number (its unit word stays outside the blank: «có …… đảng viên»), a date
(«25/10/2021»), a document number («21-KL/TW»), an issuing body («Ban Thường vụ Huyện ủy») or a
person's name. The correct option is the fact exactly as written.

The rule for distractors (three, of the same kind as the answer):

- they come from the other sentences of the same library: for a number, first numbers of the same
  unit (the word or two after it: «đảng viên») with at most one digit more or less, then numbers
  of any unit with as many digits (always a share for a share: «102,67%»); for a date, first
  dates of the same year, then other dates; for a document number, first those of the same type
  and issuer codes («-KL/TW»), then others; for a body or a name, any other body or name;
- none is equal to the answer once normalised («4.663» = «4663», «03» = «3»), none is written in
  the sentence (not even as part of a longer value), and the four options are distinct (normalised);
- if the library lacks three, numbers and dates are completed with generated values (±10–30 %; the
  day or month moved), written like the answer; a document number, a body or a name without three
  real distractors is skipped.

Sentences come from body and list passages only (no headings, footnotes, header or signature
blocks), never an instruction to an automatic reader (assistant.instructions.is_instruction), at
most one question per sentence. Kinds and sections are varied: each next question takes the
least-used kind, then the least-used answer, then the least-used section, then the earliest
sentence. The options' order is shuffled with a seed taken from the sentence, so the same
passages always give the same quiz.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import re
from dataclasses import dataclass

from assistant.instructions import is_instruction
from assistant.kinds.number import _YEAR
from assistant.study.figures import PLACE_WORDS
from assistant.study.pack import Citation, QuizItem, Quote
from assistant.study.quoting import quotable_sentences
from ingest.docnumbers import find_doc_numbers
from ingest.passage import Passage
from ingest.references import fold

BLANK = "……"
KINDS = ("number", "date", "document", "body", "name")
QUOTED_KINDS = ("body", "list")          # passage kinds a question may quote
MIN_WORDS = 6
MAX_WORDS = 120

_DATE = re.compile(r"(?<![\w/.,])(?:\d{1,2}/\d{1,2}/(?:19|20)\d\d|\d{1,2} tháng \d{1,2} năm (?:19|20)\d\d)(?![\w/])")
_NUMBER = re.compile(r"(?<![\w/.,-])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?%?(?![\w/%]|[.,]\d)")
_ENUMERATOR = re.compile(r"^(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s+")
_UNIT = re.compile(r"\s+([^\W\d_]+)(?:\s+([^\W\d_]+))?")
_NOT_UNIT = {"va", "hoac", "den", "toi", "tren", "so", "la", "cua", "nam", "thang", "ngay", "trong", "voi", "nhiem"}
# a place in a document (assistant.study.figures.PLACE_WORDS), a date part or an ordinal: not a fact to ask
_NOT_COUNTED_AFTER = re.compile(rf"(?:\b(?:{PLACE_WORDS}|năm|tháng|ngày|[Kk]hóa|kỳ|lần|thứ)\s*)$")
_PLACE = r"(?:Trung ương|Tỉnh ủy|Huyện ủy|Thành ủy|Quận ủy|Thị ủy|Đảng ủy(?: [A-ZĐ]\w*)*)"
_BODY = re.compile(
    r"(?<!\w)(?:Ban Chấp hành Trung ương|Bộ Chính trị|Ban Bí thư"
    rf"|(?:Ban Thường vụ|Ban Chấp hành|Ban Tổ chức|Ban Tuyên giáo|Ban Dân vận|Ban Nội chính|Ban Kinh tế"
    rf"|Ủy ban Kiểm tra|Văn phòng) {_PLACE}"
    r"|Ủy ban nhân dân (?:tỉnh|huyện|xã|thị trấn)|Hội đồng nhân dân (?:tỉnh|huyện|xã|thị trấn)"
    r"|Ủy ban Mặt trận Tổ quốc Việt Nam (?:tỉnh|huyện|xã)"
    r"|Tỉnh ủy|Huyện ủy|Thành ủy|Quận ủy|Thị ủy)(?!\w)"
)
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Đoàn Lương Mai Tô "
    "Trịnh Lâm Cao Hà Tạ Châu Thái Văn Quách Lưu Kiều Đào Triệu Chu Giang Tăng Vương Hứa La Mạc Từ"
).split()
_NAME = re.compile(rf"(?<!\w)(?:{'|'.join(_SURNAMES)})(?: [A-ZĐÂÊÔƠƯ][^\W\d_]*){{1,3}}(?!\w)")


@dataclass
class _Fact:
    kind: str
    value: str          # as written
    key: str            # normalised, for equality
    group: str          # what makes a distractor close: the unit, the year, the document's codes


def _number_key(value: str) -> str:
    digits = value.replace(".", "").rstrip("%")
    whole, _, decimals = digits.partition(",")
    decimals = decimals.rstrip("0")
    return f"{int(whole)}{',' + decimals if decimals else ''}{'%' if value.endswith('%') else ''}"


def _date_key(value: str) -> str:
    day, month, year = (int(x) for x in re.findall(r"\d+", value))
    return f"{day}/{month}/{year}"


def _facts(sentence: str) -> list[_Fact]:
    """Every fact of one sentence, of each kind, in order of kind then position."""
    facts: list[_Fact] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(sentence):
        taken.append(m.span())
        facts.append(_Fact("date", m.group(0), _date_key(m.group(0)), m.group(0)[-4:]))
    for key, written in find_doc_numbers(sentence):
        start = sentence.find(written)
        taken.append((start, start + len(written)))
        codes = key.split("-", 1)[1] if "-" in key.split("/")[0] else key.split("/", 1)[1]
        facts.append(_Fact("document", written, key, codes))
    for m in _BODY.finditer(sentence):
        facts.append(_Fact("body", m.group(0), fold(m.group(0)), ""))
    for m in _NAME.finditer(sentence):
        facts.append(_Fact("name", m.group(0), fold(m.group(0)), ""))
    for m in _NUMBER.finditer(sentence):
        value = m.group(0)
        if any(a < m.end() and m.start() < b for a, b in taken) or _YEAR.fullmatch(value):
            continue
        enumerator = m.start() == 0 and sentence[m.end():m.end() + 1] in ".)"
        if enumerator or _NOT_COUNTED_AFTER.search(sentence[:m.start()]):
            continue
        unit = _UNIT.match(sentence, m.end())
        if value.endswith("%"):
            group = "%"
        elif unit and fold(unit.group(1).lower()) not in _NOT_UNIT:
            group = fold(" ".join(w for w in unit.groups() if w).lower())
        else:
            continue
        facts.append(_Fact("number", value, _number_key(value), group))
    return facts


def _sentences(passage: Passage) -> list[str]:
    """The passage's quotable sentences (assistant.study.quoting: verbatim, no bullet, no instruction),
    with a leading «7.» dropped too, and none spanning lines."""
    found = []
    for text in quotable_sentences(passage):
        lead = _ENUMERATOR.match(text)
        text = text[lead.end():] if lead else text
        if text and "\n" not in text:
            found.append(text)
    return found


def _quotable(sentence: str, passage: Passage) -> bool:
    words = len(sentence.split())
    heading = passage.section.split(" › ")[-1] if passage.section else ""
    return (MIN_WORDS <= words <= MAX_WORDS and sentence[-1] in ".;:!?…”\")" and not sentence.isupper()
            and fold(sentence) != fold(heading) and not is_instruction(sentence))


def _pool(library) -> dict[str, list[_Fact]]:
    """Every fact of the library, by kind, once per normalised value, in library order."""
    pool: dict[str, dict[str, _Fact]] = {kind: {} for kind in KINDS}
    for passage in library.passages():
        if passage.kind in ("header", "signature"):
            continue
        for sentence in _sentences(passage):
            for fact in _facts(sentence):
                pool[fact.kind].setdefault(f"{fact.group}\n{fact.key}", fact)
    return {kind: list(facts.values()) for kind, facts in pool.items()}


def _number_like(answer: str, value: float) -> str:
    """A number written like the answer: thousands dot, decimals comma, zero padding, percent sign."""
    share = answer.endswith("%")
    body = answer.rstrip("%")
    decimals = len(body.partition(",")[2])
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if "." not in body:
        text = text.replace(".", "")
    whole = body.partition(",")[0]
    if whole.startswith("0"):
        text = text.zfill(len(whole) + (len(text) - len(text.partition(",")[0])))
    return text + ("%" if share else "")


def _generated(fact: _Fact) -> list[str]:
    """Plausible made-up values of a number or a date, written like it (the rule in the module docstring)."""
    if fact.kind == "number":
        value = float(fact.value.rstrip("%").replace(".", "").replace(",", "."))
        return [_number_like(fact.value, round(value * f, len(fact.value.rstrip("%").partition(",")[2])))
                for f in (1.2, 0.8, 1.1, 0.9, 1.3, 0.7) if round(value * f) >= 1]
    if fact.kind == "date":
        numbers = re.findall(r"\d+", fact.value)
        day, month, year = (int(x) for x in numbers)
        out = []
        for d_day, d_month in ((7, 0), (0, 1), (-10, 0), (0, -2), (14, 0), (0, 3)):
            try:
                moved = datetime.date(year, (month - 1 + d_month) % 12 + 1, day) + datetime.timedelta(days=d_day)
            except ValueError:
                continue
            parts = [str(n).zfill(2 if written.startswith("0") else 1)
                     for n, written in zip((moved.day, moved.month), numbers, strict=False)] + [str(moved.year)]
            pieces = re.split(r"\d+", fact.value)      # ["", "/", "/", ""] or ["", " tháng ", " năm ", ""]
            out.append("".join(piece + part for piece, part in zip(pieces, [*parts, ""], strict=True)))
        return out
    return []


def _magnitude(fact: _Fact) -> int:
    """Digits of the whole part: «4.663» → 4, «03» → 1, «102,67%» → 3."""
    return len(fact.key.split(",")[0].rstrip("%"))


def _distractors(fact: _Fact, sentence: str, pool: dict[str, list[_Fact]]) -> list[str] | None:
    """Three distractors for the fact (the rule in the module docstring), or None."""
    in_sentence = {f.key for f in _facts(sentence) if f.kind == fact.kind}
    chosen: list[str] = []
    keys = {fact.key}

    def take(value: str, key: str) -> None:
        if len(chosen) < 3 and key not in keys and key not in in_sentence and value not in sentence:
            chosen.append(value)
            keys.add(key)

    others = pool[fact.kind]
    if fact.kind == "number":
        magnitude = _magnitude(fact)
        ranked = sorted((f for f in others if f.value.endswith("%") == fact.value.endswith("%")
                         and abs(_magnitude(f) - magnitude) <= (1 if f.group == fact.group else 0)),
                        key=lambda f: (f.group != fact.group, abs(_magnitude(f) - magnitude)))
    else:
        ranked = [f for f in others if f.group == fact.group] + [f for f in others if f.group != fact.group]
    for other in ranked:
        take(other.value, other.key)
    for value in _generated(fact):
        key = _number_key(value) if fact.kind == "number" else _date_key(value)
        take(value, key)
    return chosen if len(chosen) == 3 else None


def _seed(sentence: str) -> int:
    return int(hashlib.sha1(sentence.encode()).hexdigest()[:12], 16)


def make_quiz(library, passages: list[Passage], count: int = 10) -> list[QuizItem]:
    """Up to ``count`` multiple-choice questions from the given passages, distractors from ``library``.

    Each QuizItem: ``quote`` the verbatim sentence with its Citation; ``stem`` that sentence with the
    blanked fact (written exactly once in it) replaced by «……»; ``options`` four distinct values of
    ``kind`` ("number" | "date" | "document" | "body" | "name") in a seeded shuffled order; ``answer``
    the index of the fact as written. Fewer items when the passages lack facts. Rules: module docstring.
    """
    pool = _pool(library)
    candidates: list[tuple[Passage, str, _Fact, list[str]]] = []   # the first usable fact of each kind per sentence
    seen: set[str] = set()
    for passage in passages:
        if passage.kind not in QUOTED_KINDS:
            continue
        for sentence in _sentences(passage):
            if sentence in seen or not _quotable(sentence, passage):
                continue
            seen.add(sentence)
            kinds_done: set[str] = set()
            for fact in _facts(sentence):
                if fact.kind in kinds_done or sentence.count(fact.value) != 1:
                    continue
                distractors = _distractors(fact, sentence, pool)
                if distractors:
                    kinds_done.add(fact.kind)
                    candidates.append((passage, sentence, fact, distractors))

    items: list[QuizItem] = []
    used_kind: dict[str, int] = {}
    used_section: dict[str, int] = {}
    used_answer: dict[str, int] = {}
    used_sentences: set[str] = set()
    while len(items) < count:
        open_ = [(i, c) for i, c in enumerate(candidates) if c[1] not in used_sentences]
        if not open_:
            break
        _, (passage, sentence, fact, distractors) = min(
            open_, key=lambda ic: (used_kind.get(ic[1][2].kind, 0), used_answer.get(ic[1][2].key, 0),
                           used_section.get(ic[1][0].section, 0), ic[0]))
        used_sentences.add(sentence)
        used_kind[fact.kind] = used_kind.get(fact.kind, 0) + 1
        used_section[passage.section] = used_section.get(passage.section, 0) + 1
        used_answer[fact.key] = used_answer.get(fact.key, 0) + 1
        options = [fact.value, *distractors]
        random.Random(_seed(sentence)).shuffle(options)
        items.append(QuizItem(
            stem=sentence.replace(fact.value, BLANK, 1),
            options=options,
            answer=options.index(fact.value),
            kind=fact.kind,
            quote=Quote(sentence, Citation(passage)),
        ))
    return items
