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

ABBREVIATIONS = frozenset(
    {"tp", "tt", "ts", "ths", "th.s", "pgs", "gs", "bs", "ks", "cn", "nxb", "tr", "v.v", "vv"}
)
OPENING_QUOTES = "“‘«"
CLOSING_QUOTES = "”’»"
END_MARK = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
ENUMERATOR = re.compile(r"^(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])$")
LEADING_BULLET = re.compile(r"^[-+•]\s+")


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


def starts_sentence(text: str, index: int) -> bool:
    """Whether the word at or after ``index`` (past whitespace) can open a sentence."""
    rest = text[index:].lstrip()
    if not rest:
        return False
    first = rest[0]
    if first in OPENING_QUOTES or first in "\"(":
        return True
    return first.isupper() or first.isdigit()


def word_before(text: str, index: int) -> tuple[str, bool]:
    """The word ending at ``index`` and whether it is the first word of its line."""
    line = text[:index].rsplit("\n", 1)[-1]
    words = LEADING_BULLET.sub("", line.lstrip()).split()
    if not words:
        return "", True
    return words[-1].lstrip("(\"“‘«"), len(words) == 1


def ends_sentence(text: str, mark: re.Match[str], quotes: list[tuple[int, int]]) -> bool:
    """Whether the end mark ``mark`` closes a sentence."""
    punctuation = mark.group().rstrip("\"”’»)]")
    if not starts_sentence(text, mark.end()):
        return False
    if any(opening < mark.end() <= closing for opening, closing in quotes):
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
    """(begin, end) of each sentence of ``text``, trimmed of surrounding whitespace."""
    quotes = quoted_regions(text)
    cuts = {m.end() for m in END_MARK.finditer(text) if ends_sentence(text, m, quotes)}
    cuts |= {i for i, char in enumerate(text) if char == "\n"}
    spans = []
    begin = 0
    for cut in [*sorted(cuts), len(text)]:
        piece = text[begin:cut]
        if piece.strip():
            left = begin + len(piece) - len(piece.lstrip())
            spans.append((left, begin + len(piece.rstrip())))
        begin = cut
    return spans


def clean_sentence(text: str) -> str:
    """Whitespace collapsed, a leading list bullet removed."""
    return LEADING_BULLET.sub("", " ".join(text.split()))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, clean enough to be quoted."""
    sentences = (clean_sentence(text[begin:end]) for begin, end in sentence_spans(text))
    return [s for s in sentences if s]
