"""Vietnamese sentence splitting for clean text (no markdown, no footnote markers).

A sentence ends at a line break, or at ". ", "! ", "? " (closing quotes may follow the
mark) when the next word starts with an uppercase letter, a digit or an opening quote.
It does not end:
- inside a number, date or document number ("4.663", "96,48%", "18/3/2021", "21-KL/TW"):
  there the dot is not followed by a space;
- after an abbreviation ("TP.", "TS.", "ThS.", "v.v.") or a single capital ("Nguyễn V. A");
- after an ellipsis ("..." or "…");
- after an item number at the start of a line ("1.", "2.1.2.", "IV.", "a)");
- inside a quotation ("… “Dân biết. Dân bàn” …").
"""

from __future__ import annotations

import re
from bisect import bisect_left

ABBREVIATIONS = frozenset(
    {"tp", "tt", "ts", "ths", "th.s", "pgs", "gs", "bs", "ks", "cn", "nxb", "tr", "v.v", "vv"}
)
OPENING_QUOTES = "“‘«"
CLOSING_QUOTES = "”’»"
END_MARK = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
ENUMERATOR = re.compile(r"^(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])$")
LEADING_BULLET = re.compile(r"^[-+•]\s+")
BULLETS = "-+•"
NEXT_CHAR = re.compile(r"\s*(\S)")
LINE_BREAK = re.compile("\n")
CONTENT = re.compile(r"\S(?:.*\S)?", re.DOTALL)   # a piece without its surrounding whitespace


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """(opening, closing) indices of the matched quotation marks of ``text``."""
    stack: list[int] = []
    regions: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        straight_opens = char == '"' and (i == 0 or text[i - 1].isspace() or text[i - 1] in "([“‘«")
        if char in OPENING_QUOTES or straight_opens:
            stack.append(i)
        elif (char in CLOSING_QUOTES or char == '"') and stack:
            regions.append((stack.pop(), i))
    return regions


class Quotes:
    """Answers "is this index inside a quotation?" in O(log n). The regions of ``quoted_regions``
    are nested or apart (they are matched like brackets), so the outermost ones decide."""

    def __init__(self, regions: list[tuple[int, int]]) -> None:
        self.openings: list[int] = []
        self.closings: list[int] = []
        for opening, closing in sorted(regions):
            if not self.closings or closing > self.closings[-1]:
                self.openings.append(opening)
                self.closings.append(closing)

    def covers(self, index: int) -> bool:
        """Whether some region has opening < index <= closing."""
        k = bisect_left(self.openings, index) - 1
        return k >= 0 and index <= self.closings[k]


def starts_sentence(text: str, index: int) -> bool:
    """Whether the word at or after ``index`` (past whitespace) can open a sentence."""
    found = NEXT_CHAR.match(text, index)
    if not found:
        return False
    first = found.group(1)
    if first in OPENING_QUOTES or first in "\"(":
        return True
    return first.isupper() or first.isdigit()


def word_before(text: str, index: int) -> tuple[str, bool]:
    """The word ending at ``index`` and whether it is the first word of its line (after a
    leading list bullet). Reads only the word and the blanks before it, not the whole line."""
    end = _skip_blanks_back(text, index)
    if _line_starts(text, end):
        return "", True
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end]
    before = _skip_blanks_back(text, start)
    if _line_starts(text, before):
        if word in BULLETS and end < index:
            return "", True                  # only a bullet: LEADING_BULLET removes it
        return word.lstrip("(\"“‘«"), True
    bullet = before - 1                      # the only word before it may be a leading bullet
    first = text[bullet] in BULLETS and _line_starts(text, _skip_blanks_back(text, bullet))
    return word.lstrip("(\"“‘«"), first


def _skip_blanks_back(text: str, index: int) -> int:
    """The index before the whitespace (line breaks aside) that ends at ``index``."""
    while index > 0 and text[index - 1].isspace() and text[index - 1] != "\n":
        index -= 1
    return index


def _line_starts(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] == "\n"


def ends_sentence(text: str, mark: re.Match[str], quotes: Quotes) -> bool:
    """Whether the end mark ``mark`` closes a sentence."""
    punctuation = mark.group().rstrip("\"”’»)]")
    if not starts_sentence(text, mark.end()):
        return False
    if quotes.covers(mark.end()):
        return False
    if punctuation.startswith("..") or "…" in punctuation:
        return False
    if punctuation != ".":
        return True
    word, first_on_line = word_before(text, mark.start())
    if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
        return False
    return not (first_on_line and ENUMERATOR.match(word))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(begin, end) of each sentence of ``text``, trimmed of surrounding whitespace.
    Time linear in len(text)."""
    quotes = Quotes(quoted_regions(text))
    cuts = {m.end() for m in END_MARK.finditer(text) if ends_sentence(text, m, quotes)}
    cuts |= {m.start() for m in LINE_BREAK.finditer(text)}
    spans = []
    begin = 0
    for cut in [*sorted(cuts), len(text)]:
        found = CONTENT.search(text, begin, cut)
        if found:
            spans.append(found.span())
        begin = cut
    return spans


def clean_sentence(text: str) -> str:
    """Whitespace collapsed, a leading list bullet removed."""
    return LEADING_BULLET.sub("", " ".join(text.split()))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, clean enough to be quoted."""
    sentences = (clean_sentence(text[begin:end]) for begin, end in sentence_spans(text))
    return [s for s in sentences if s]
