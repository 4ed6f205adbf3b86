"""Check an LLM-written Vietnamese answer against the numbered passages it was given.

Rules
- Sentences: the answer is cut into lines (a list item "- …" / "1. …" is its own unit), each line into
  sentences (ingest.sentences). A marker written after the final period ("… đảng viên. [1]") belongs to the
  sentence before it; a line holding only markers belongs to the sentence before it too.
- Markers: "[1]", "[1, 2]", "[1; 2]", "[1][2]", "[1-3]" (a range), "[Đoạn 1]" / "[đoạn 1]"; they are shown
  normalised as "[1][2]". A marker whose number is not one of the passages is removed from the text and
  makes its sentence unverified, even beside valid markers.
- Facts (``facts``): numbers ("4.663" and "4 663" → "4663", "102,67%" → "102.67", "03" → "3"; a ratio
  "192/187" gives both numbers; a year "năm 2021" is the number "2021"), dates ("25/10/2021", "25-10-2021",
  "ngày 25 tháng 10 năm 2021" → "2021-10-25"; "tháng 10/2021" → "2021-10"; "ngày 25/10" → "--10-25") and
  document numbers ("21-KL/TW", "130/NĐ-CP" → their key from ingest.docnumbers). The digits of a date or a
  document number are not counted again on their own. Markers, list numbers at the start of a line and
  ordinals ("lần thứ 4", "khóa XIII") are not facts.
- A sentence with valid markers is verified when each of its facts is among the facts of the passages it
  cites; a year or a month is also confirmed by a full date inside it ("năm 2021" by "31/12/2021").
  Otherwise the reason names the first missing fact as written. Its content words (function words and
  numbers left out) must also be found in those passages, at least MIN_SUPPORT of them: a sentence the
  passages do not talk about ("Đây là con số rất lớn [1]", a repeated instruction) is not verified by a marker.
- A sentence without markers is unverified ("không có trích dẫn") when it holds a fact or has at least
  MIN_CLAIM_WORDS words. Not checked at all (``checked`` False, left out of the ratio, shown unmarked):
  a lead-in ending with ":" without facts, a shorter sentence without facts, and an abstention
  ("Không tìm thấy …").
- Inputs are NFC-normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from assistant.question import is_stopword
from ingest.docnumbers import find_doc_numbers
from ingest.sentences import sentence_spans

UNVERIFIED = "⚠ chưa kiểm chứng được"
NO_CITATION = "không có trích dẫn"
ABSTENTION = "Không tìm thấy"
MIN_CLAIM_WORDS = 8        # an uncited sentence this long is a claim, facts or not
MIN_SUPPORT = 0.5          # share of a cited sentence's content words its passages must contain
MIN_SUPPORT_WORDS = 3      # shorter sentences are judged by their facts alone
MAX_LEAD_IN_WORDS = 20     # a longer sentence ending with ":" is not a lead-in
MAX_RANGE = 20             # "[1-3]" is expanded; a wider range counts its two ends only
KIND_LABELS = {"number": "số liệu", "date": "mốc thời gian", "doc": "số hiệu văn bản"}

_REF = r"(?:đoạn\s*)?\d{1,4}"
_GROUP = rf"\[\s*{_REF}(?:\s*(?:[,;–-]|và)\s*{_REF})*\s*\]"
MARKERS = re.compile(rf"[ \t]*{_GROUP}(?:[ \t]*,?[ \t]*{_GROUP})*", re.IGNORECASE)
LIST_PREFIX = re.compile(r"^[ \t]*(?:[-+•*][ \t]+)*(?:(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVX]+)[.)][ \t]+)?", re.M)
ORDINAL = re.compile(r"\bthứ\s+\d+", re.IGNORECASE)
_DAY_SEP = r"\s*(?:[/.-]|\s+tháng\s+)\s*"
_YEAR_SEP = r"\s*(?:[/.-]|,?\s+năm\s+)\s*"
_END = r"(?![\w/]|[.,]\d)"
FULL_DATE = re.compile(rf"(?:ngày\s+)?(?<![\w/.,-])(\d{{1,2}}){_DAY_SEP}(\d{{1,2}}){_YEAR_SEP}(\d{{4}}){_END}", re.I)
MONTH_DATE = re.compile(rf"tháng\s+(\d{{1,2}}){_YEAR_SEP}(\d{{4}}){_END}", re.IGNORECASE)
BARE_MONTH = re.compile(rf"(?<![\w/.,-])(\d{{1,2}})/((?:19|20)\d\d){_END}")
DAY_MONTH = re.compile(rf"ngày\s+(\d{{1,2}}){_DAY_SEP}(\d{{1,2}}){_END}", re.IGNORECASE)
SPACED_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w.,])")
NUMBER = re.compile(r"(?<![\w.,])(\d++(?:[.,]\d++)*+)(?:\s?%)?")
MASK = "\x00"


@dataclass
class CheckedSentence:
    """One sentence of the answer and the result of its check."""

    text: str            # as shown: valid markers kept (normalised), invalid ones removed
    markers: list[int]   # valid passage numbers it cites, in order
    verified: bool
    reason: str = ""     # Vietnamese, when not verified
    checked: bool = True      # False for an exempt lead-in, short remark or abstention
    separator: str = ""       # the whitespace before it in the answer: "", " ", "\n", "\n\n", "\n  " …


@dataclass
class Verification:
    """Every sentence of an answer, checked."""

    sentences: list[CheckedSentence]

    @property
    def verified_ratio(self) -> float:
        """Share of the checked sentences that are verified (1.0 when none is checked)."""
        checked = [s for s in self.sentences if s.checked]
        return sum(s.verified for s in checked) / len(checked) if checked else 1.0

    @property
    def cited(self) -> list[int]:
        """The distinct valid markers, in order of first use."""
        return list(dict.fromkeys(n for s in self.sentences for n in s.markers))

    @property
    def useful(self) -> bool:
        """Whether at least one verified sentence cites a passage."""
        return any(s.verified and s.markers for s in self.sentences)


class Fact(NamedTuple):
    start: int
    key: str
    written: str
    kind: str


def nfc(text: str) -> str:
    """The text in Unicode NFC form."""
    return unicodedata.normalize("NFC", text)


def _mask(text: str, start: int, end: int) -> str:
    """The text with [start, end) hidden from later patterns (same length)."""
    return text[:start] + MASK * (end - start) + text[end:]


def _decimal(whole: str, fraction: str) -> str:
    """A number without leading zeros or trailing decimal zeros, with a decimal point."""
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _number_key(token: str) -> str:
    """The canonical form of a number as written (Vietnamese conventions first)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):           # 4.663 / 1.234,5
        whole, _, fraction = token.replace(".", "").partition(",")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?", token):       # 1,234,567
        whole, _, fraction = token.replace(",", "").partition(".")
    elif re.fullmatch(r"\d+(?:[.,]\d+)?", token):                       # 102,67 / 102.67 / 03
        whole, _, fraction = token.replace(",", ".").partition(".")
    else:                                                               # a section number such as 2.1.2
        return token
    return _decimal(whole, fraction)


def _date_key(day: str, month: str, year: str = "") -> str | None:
    """ISO form of a date ("2021-10-25", "2021-10", "--10-25"), or None when it is no date."""
    if not 1 <= int(month) <= 12 or (day and not 1 <= int(day) <= 31):
        return None
    if not day:
        return f"{int(year):04d}-{int(month):02d}"
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if year else f"--{int(month):02d}-{int(day):02d}"


def _take(text: str, pattern: re.Pattern[str], key_of: Callable[[re.Match[str]], str | None], kind: str,
          found: list[Fact]) -> str:
    """Record the facts ``pattern`` finds (those ``key_of`` accepts) and mask them."""
    for m in pattern.finditer(text):
        key = key_of(m)
        if key:
            found.append(Fact(m.start(), key, m.group().strip(), kind))
            text = _mask(text, m.start(), m.end())
    return text


def fact_list(text: str) -> list[Fact]:
    """The checkable facts of a text, in order of appearance."""
    text = nfc(text)
    for pattern in (MARKERS, LIST_PREFIX, ORDINAL):
        for m in pattern.finditer(text):
            text = _mask(text, m.start(), m.end())
    found: list[Fact] = []
    position = 0
    for key, written in find_doc_numbers(text):
        start = text.find(written, position)
        if start >= 0:
            found.append(Fact(start, key, written, "doc"))
            text, position = _mask(text, start, start + len(written)), start + len(written)
    text = _take(text, FULL_DATE, lambda m: _date_key(m[1], m[2], m[3]), "date", found)
    text = _take(text, MONTH_DATE, lambda m: _date_key("", m[1], m[2]), "date", found)
    text = _take(text, BARE_MONTH, lambda m: _date_key("", m[1], m[2]), "date", found)
    text = _take(text, DAY_MONTH, lambda m: _date_key(m[1], m[2]), "date", found)
    text = _take(text, SPACED_NUMBER, lambda m: _number_key(re.sub(r"\s", "", m.group())), "number", found)
    _take(text, NUMBER, lambda m: _number_key(m[1]), "number", found)
    return sorted(found)


def facts(text: str) -> set[str]:
    """The normalised checkable facts of a text."""
    return {fact.key for fact in fact_list(text)}


def covered(key: str, known: set[str]) -> bool:
    """Whether a fact is among ``known``, a year or month also by a full date within it."""
    if key in known:
        return True
    if re.fullmatch(r"(?:19|20)\d\d|\d{4}-\d\d", key):
        return any(k.startswith(key + "-") for k in known)
    if key.startswith("--"):
        return any(k.endswith(key[1:]) for k in known)
    return False


def marker_numbers(text: str) -> list[int]:
    """Every passage number the markers of ``text`` name, in order (ranges expanded)."""
    numbers: list[int] = []
    for m in MARKERS.finditer(text):
        for group in re.findall(r"\[([^\]]*)\]", m.group()):
            for part in re.split(r"[,;]|\bvà\b", group):
                ends = [int(d) for d in re.findall(r"\d+", part)]
                if len(ends) == 2 and 0 <= ends[1] - ends[0] <= MAX_RANGE:
                    numbers += range(ends[0], ends[1] + 1)
                else:
                    numbers += ends
    return numbers


def refs(numbers: list[int]) -> str:
    """Markers written the normal way: "[1][2]"."""
    return "".join(f"[{n}]" for n in numbers)


def clean_markers(text: str, valid: set[int]) -> str:
    """The text with its markers normalised and those not in ``valid`` removed."""

    def replace(m: re.Match[str]) -> str:
        numbers = [n for n in dict.fromkeys(marker_numbers(m.group())) if n in valid]
        return " " + refs(numbers) if numbers else ""

    return MARKERS.sub(replace, text).strip()


def words(text: str) -> list[str]:
    """The words of a sentence, markers and list prefix left out."""
    bare = LIST_PREFIX.sub("", MARKERS.sub("", text))
    return [w for w in bare.split() if any(c.isalnum() for c in w)]


def split_line(line: str) -> list[str]:
    """The sentences of one line; markers after a sentence's final mark stay with it."""
    masked = MARKERS.sub(lambda m: " " * len(m.group()), line)
    starts = [begin for begin, _ in sentence_spans(masked)]
    bounds = [0, *starts[1:], len(line)]
    return [line[a:b].strip() for a, b in pairwise(bounds) if line[a:b].strip()]


def units(answer: str) -> list[tuple[str, str]]:
    """(separator, raw sentence) for each sentence of the answer, line breaks kept in the separators."""
    found: list[tuple[str, str]] = []
    blank = 0
    for line in answer.split("\n"):
        if not line.strip():
            blank += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        for i, piece in enumerate(split_line(line.strip())):
            if found and not words(piece) and MARKERS.search(piece):
                found[-1] = (found[-1][0], f"{found[-1][1]} {piece}")
            elif i == 0:
                found.append((("\n" * (blank + 1) if found else "") + indent, piece))
            else:
                found.append((" ", piece))
        blank = 0
    return found


def check_uncited(text: str, separator: str) -> CheckedSentence:
    """A sentence without markers: exempt, or unverified for want of a citation."""
    core = LIST_PREFIX.sub("", text).strip(" *_")
    count = len(words(text))
    factual = bool(fact_list(text))
    lead_in = core.endswith(":") and count <= MAX_LEAD_IN_WORDS
    if core.startswith(ABSTENTION) or (not factual and (lead_in or count < MIN_CLAIM_WORDS)):
        return CheckedSentence(text, [], True, checked=False, separator=separator)
    return CheckedSentence(text, [], False, NO_CITATION, separator=separator)


def missing_fact(raw: str, valid: list[int], known: dict[int, set[str]]) -> str:
    """The reason naming the first fact of the sentence its cited passages lack ("" if none)."""
    union = set().union(*(known[n] for n in valid))
    for fact in fact_list(raw):
        if not covered(fact.key, union):
            where = f"đoạn {refs(valid)}" if len(valid) == 1 else f"các đoạn {refs(valid)}"
            return f"{KIND_LABELS[fact.kind]} «{fact.written}» không có trong {where}"
    return ""


def content_words(text: str) -> list[str]:
    """Lower-case words that carry content: no function words, numbers or markers."""
    return [w for w in re.findall(r"[^\W\d_]+", MARKERS.sub(" ", text).lower()) if not is_stopword(w)]


def unsupported(raw: str, valid: list[int], vocabulary: dict[int, set[str]]) -> str:
    """The reason when too few of the sentence's content words are in its cited passages ("" if enough)."""
    words_ = content_words(LIST_PREFIX.sub("", raw))
    if len(words_) < MIN_SUPPORT_WORDS:
        return ""
    known = set().union(*(vocabulary[n] for n in valid))
    if sum(w in known for w in words_) >= MIN_SUPPORT * len(words_):
        return ""
    where = f"đoạn {refs(valid)}" if len(valid) == 1 else f"các đoạn {refs(valid)}"
    return f"nội dung không có trong {where}"


def check(raw: str, separator: str, known: dict[int, set[str]],
          vocabulary: dict[int, set[str]] | None = None) -> CheckedSentence:
    """One sentence checked against the facts (and the words, when given) of the passages it cites."""
    numbers = list(dict.fromkeys(marker_numbers(raw)))
    text = clean_markers(raw, set(known))
    if not numbers:
        return check_uncited(text, separator)
    valid = [n for n in numbers if n in known]
    invalid = [n for n in numbers if n not in known]
    reasons = []
    if invalid:
        reasons.append(f"trích dẫn {refs(invalid)} không có trong các đoạn được cung cấp")
    if valid:
        reasons.append(missing_fact(raw, valid, known) or (unsupported(raw, valid, vocabulary) if vocabulary else ""))
    reason = "; ".join(r for r in reasons if r)
    return CheckedSentence(text, valid, not reason, reason, separator=separator)


def verify(answer: str, passages: dict[int, str]) -> Verification:
    """Every sentence of ``answer`` checked against the numbered ``passages`` it cites."""
    known = {n: facts(text) for n, text in passages.items()}
    vocabulary = {n: set(content_words(nfc(text))) for n, text in passages.items()}
    answer = nfc(answer).replace("\r\n", "\n")
    return Verification([check(raw, separator, known, vocabulary) for separator, raw in units(answer)])


def render(verification: Verification) -> str:
    """The reply: sentences in their original layout, each unverified one flagged."""
    return "".join(s.separator + s.text + ("" if s.verified else f" {UNVERIFIED}") for s in verification.sentences)
