"""«Số liệu chính»: every number-bearing sentence of the selection, once, with its number and what it measures.

What counts as a figure (decided here):
- a count or a share as written: «58», «4.663», «96,48%», «02»;
- NOT a numbering label at the start of a sentence («1.», «2.1.», «a)»);
- NOT a document number or a reference («21-KL/TW», «Nghị quyết Trung ương 4 khóa XII»): those go to
  «Văn bản liên quan»;
- NOT a year alone («2021», «nhiệm kỳ 2020 - 2025»): a year dates a fact, it is not one;
- NOT a place in a document or a number used as a name («Khoản 2 Điều này», «Điều 11», «Mục 3», «số 05»);
- a date («18/3/2021», «25 tháng 10 năm 2021») only when the sentence holds no other figure: the sentence is then
  a dated event worth a row, and the date is its value (measures: «ngày»).
The noun a number measures is bound as in assistant.kinds.number: the words right after the number up to a
word that ends a noun («trong», «của», «được» …), else the words right before it («tỷ lệ … đạt 96,48%»).
"""

from __future__ import annotations

import re

from assistant.kinds.number import _GENERIC_BEFORE, _YEAR
from assistant.study.pack import Figure
from assistant.study.quoting import quotable_sentences, quote
from ingest.passage import Passage
from ingest.references import find_references
from vectorstore.tokenize import fold_accents

_LABEL = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\))\s")          # «1. », «2.1. », «a) »
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2} tháng \d{1,2} năm \d{4}\b|\b\d{1,2}/\d{4}\b")
_NUMBER = re.compile(r"(?<![\w/.,-])\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)?%?(?![\w/-])")
_NAME_SUFFIX = re.compile(r"[A-Za-z]\s*-\s*$")   # «Covid - 19», «COVID-19»: part of a name
# «Khoản 2 Điều này», «Điều 11», «Mục 3», «số 05»: a place in a document or a number-as-name, not a figure
PLACE_WORDS = r"[Đđ]iều|[Kk]hoản|[Đđ]iểm|[Mm]ục|[Cc]hương|[Pp]hần|số|[Pp]hụ lục"
_PLACE_BEFORE = re.compile(rf"(?:\b(?:{PLACE_WORDS})\s*)$")
# words that end the noun after a number, with their diacritics (assistant.kinds.number._END_OF_NOUN folds them,
# and folded «co» would also stop «cơ sở»)
_END_OF_NOUN = {"thì", "là", "được", "có", "phải", "để", "trong", "của", "cho", "trở", "trên", "dưới", "từ", "đến",
                "và", "năm", "nay", "ở", "tại", "khi", "mới", "đã", "sẽ", "bị", "với", "đạt", "chiếm", "so", "xếp",
                "gồm", "hoàn", "tăng", "giảm", "theo", "về", "do", "tổ"}
_WORD = re.compile(r"\w+")
_STOP = re.compile(r"[,;:()\[\]“”\"]")
MAX_NOUN_WORDS = 5


def _masked(sentence: str) -> str:
    """The sentence with labels, references (document numbers) and dates blanked (same length)."""
    text = sentence
    label = _LABEL.match(text)
    if label:
        text = " " * label.end() + text[label.end():]
    for ref in find_references(text):
        text = text[:ref.start] + " " * (ref.end - ref.start) + text[ref.end:]
    return text


def _noun_after(text: str, end: int) -> str:
    """The noun right after a number (up to punctuation or a word that ends a noun), as written."""
    tail = _STOP.split(text[end:], maxsplit=1)[0]
    written = _WORD.findall(tail)[:MAX_NOUN_WORDS + 1]
    kept = []
    for i, word in enumerate(written[:MAX_NOUN_WORDS]):
        if word.lower() in _END_OF_NOUN and not (i == 0 and word.lower() == "tổ"):
            break
        kept.append(word)
    return " ".join(kept)


def _noun_before(text: str, start: int) -> str:
    """The two or three words before a number, without «đạt», «là», «chiếm» … and up to punctuation."""
    head = _STOP.split(text[:start])[-1]
    written = _WORD.findall(head)
    while written and (fold_accents(written[-1].lower()) in _GENERIC_BEFORE or written[-1].lower() in _END_OF_NOUN):
        written.pop()
    return " ".join(written[-3:])


def sentence_figures(sentence: str) -> list[tuple[str, str]]:
    """The figures of a sentence as (value as written, noun it measures), in order; a lone date counts only when
    there is no other figure (see the module docstring): [] for a sentence without a figure."""
    masked = _masked(sentence)
    dates = [m for m in _DATE.finditer(masked)]
    for m in dates:
        masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    found = []
    for m in _NUMBER.finditer(masked):
        before = masked[:m.start()]
        if _YEAR.fullmatch(m.group()) or _NAME_SUFFIX.search(before) or _PLACE_BEFORE.search(before):
            continue
        noun = _noun_after(masked, m.end()) or _noun_before(masked, m.start())
        found.append((m.group(), noun))
    if not found and dates:
        return [(dates[0].group(), "ngày")]
    return found


def figures(passages: list[Passage]) -> list[Figure]:
    """One Figure per number-bearing sentence of the passages (in their order; each distinct sentence once, the
    first time it is met): value = its first figure, measures = the noun bound to it, quote = the sentence.
    Header and signature passages are skipped; footnotes are kept (reports put their figures there): [Figure, …]."""
    rows: list[Figure] = []
    seen: set[str] = set()
    for passage in passages:
        if passage.kind in ("header", "signature"):
            continue
        for sentence in quotable_sentences(passage):
            if sentence in seen:
                continue
            found = sentence_figures(sentence)
            if found:
                seen.add(sentence)
                value, measures = found[0]
                rows.append(Figure(value, measures, quote(sentence, passage)))
    return rows
