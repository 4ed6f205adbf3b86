"""How many / what share / how long: the clause that binds a number to the noun asked about.

«Có bao nhiêu chi bộ cơ sở?» is answered by «… 40 chi bộ cơ sở …», not by a sentence about how chi bộ
were ranked that happens to hold other numbers: a unit earns half the bonus for holding a number, the
whole bonus when a number stands right before (or right after "là"/":") the words that follow
"bao nhiêu" / "mấy" in the question.

A clause answers (``answered_by``, REQUIRED) only when a number stands within BIND_BEFORE words before or
BIND_AFTER words after the asked noun (a year «2025» never counts; a share «100%» only for a share). The asked
noun is the words after «bao nhiêu»/«mấy»; for «X là bao nhiêu …» the first words of X («Dân số của huyện …
là bao nhiêu người?» → «dân số»); for «bao nhiêu phần trăm» the words before it or after «phần trăm»
(«được hưởng phụ cấp bao nhiêu phần trăm» → «phụ cấp»: «giám đốc Trung tâm 10%» does not answer it). A
question whose noun cannot be told needs any number.
"""

from __future__ import annotations

import re
import unicodedata

from vectorstore.tokenize import fold_accents, words

NAME = "number"
REQUIRED = True
_ASKS = re.compile(r"\b(?:bao nhieu|may (?=\w)|ty le|phan tram|so luong|bao lau|toi thieu|toi da)\b")
_NOUN = re.compile(r"\b(?:bao nhieu|may)\s+((?:\w+\s*){1,3})")
_NUMBER = re.compile(r"\d")
_SKIP = {"phan", "tram", "la", "thi", "duoc", "co", "nguoi", "tien", "ngay", "nam"}
_SHARE = re.compile(r"((?:\w+\s+){1,2})(?:bao nhieu|may)\s+(?:phan tram|%)")
_AFTER_SHARE = re.compile(r"(?:bao nhieu|may)\s+(?:phan tram|%)\s+((?:\w+\s*){1,3})")
_GENERIC_BEFORE = {"la", "co", "duoc", "huong", "dat", "chiem", "thi", "voi", "so", "cua"}
_SUBJECT = re.compile(r"^(.*?)\s+la\s+(?:bao nhieu|may)\b")
_ALTERNATIVES = {"tien": ("dong",)}     # «bao nhiêu tiền» is answered in đồng
_YEAR = re.compile(r"(?:19|20)\d\d")
_END_OF_NOUN = {"thi", "la", "duoc", "co", "phai", "de", "trong", "cua", "cho", "tro", "tren", "duoi", "tu", "den",
                "va", "nam", "nay", "o", "tai", "khi", "moi", "da", "se", "bi"}
BIND_BEFORE = 4
BIND_AFTER = 5
_TOKEN = re.compile(r"\d[\d.,/%]*|\w+")


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def asked_noun(question: str) -> list[str]:
    """The folded words after "bao nhiêu"/"mấy": «bao nhiêu chi bộ cơ sở» → ["chi", "bo", "co"]."""
    m = _NOUN.search(fold_accents(question.lower()))
    if not m:
        return []
    return [w for w in m.group(1).split() if w not in _SKIP][:2]


def bonus(unit: str, question: str) -> float:
    if not _NUMBER.search(unit):
        return 0.0
    noun = asked_noun(question)
    if noun:
        folded = fold_accents(unit.lower())
        bound = rf"\d[\d.,/%]*\s*(?:\w+\s+){{0,2}}{re.escape(' '.join(noun))}"
        if re.search(bound, folded):
            return 1.0
    return 0.5


def bound_noun(question: str) -> list[str]:
    """The folded words a number must be bound to: the one or two words after «bao nhiêu»/«mấy» (up to a word
    that ends the noun: «thì», «trở», «được» …), the words before «bao nhiêu phần trăm», or the first words of
    X in «X là bao nhiêu»; [] when the question does not tell."""
    folded = fold_accents(question.lower())
    share = _SHARE.search(folded)
    if share:
        return [w for w in share.group(1).split() if w not in _GENERIC_BEFORE][-2:]
    subject = _SUBJECT.search(folded)
    if subject:   # «Dân số của huyện … là bao nhiêu người?»: the number must be the dân số
        noun = _noun_words(re.findall(r"\w+", subject.group(1).split(",")[-1]))
        if noun:
            return noun[:2]
    m = _NOUN.search(folded)
    if not m:
        return []
    noun = _noun_words(m.group(1).split())
    return noun[:1] if noun and noun[0] in ("phan", "ty") else noun[:2]


def _typed(question: str, noun: list[str]) -> list[str]:
    """The noun's words as the question typed them (lower-case, with their diacritics, if any)."""
    typed = words(question)
    folded = [fold_accents(w) for w in typed]
    for i in range(len(folded) - len(noun) + 1):
        if folded[i:i + len(noun)] == noun:
            return typed[i:i + len(noun)]
    return noun


def _noun_words(candidates: list[str]) -> list[str]:
    """The words up to the first that ends a noun («thì», «của», «trở» …)."""
    kept: list[str] = []
    for word in candidates:
        if word in _END_OF_NOUN:
            break
        kept.append(word)
    return kept


def answered_by(unit: str, question: str) -> bool:
    """Whether the unit holds a number bound to the asked noun — the noun's words, adjacent, within
    BIND_BEFORE/BIND_AFTER words of a number — or any number when the noun cannot be told. For «bao nhiêu
    phần trăm» the number is a share («80%») bound to the words before it or to those after «phần trăm»
    («học đủ bao nhiêu phần trăm số tiết» → «80% số tiết»)."""
    if not _NUMBER.search(unit):
        return False
    noun = bound_noun(question)
    if not noun or noun[0] in ("phan", "ty"):
        return True
    folded = fold_accents(question.lower())
    share = bool(_SHARE.search(folded))
    nouns = [noun]
    if share and (after := _AFTER_SHARE.search(folded)):
        nouns.append(_noun_words(after.group(1).split())[:2])
    written = _TOKEN.findall(unicodedata.normalize("NFC", unit.lower()))
    tokens = [fold_accents(t) for t in written]
    for asked in filter(None, nouns):
        typed = _typed(question, asked)
        for phrase in [asked, *([alt] for alt in _ALTERNATIVES.get(" ".join(asked), ()))]:
            size = len(phrase)
            for i in range(len(tokens) - size + 1):
                # a word typed with diacritics must match as typed: «dân số» is not «dẫn số»
                if tokens[i:i + size] == phrase and (phrase is not asked or all(
                        t == w or t == fold_accents(t) for t, w in zip(typed, written[i:i + size], strict=False))):
                    window = tokens[max(0, i - BIND_BEFORE):i] + tokens[i + size:i + size + BIND_AFTER]
                    if any(_counts(t, share) for t in window):
                        return True
    return False


def _counts(token: str, share: bool = False) -> bool:
    """Whether a token is a number that answers: never a year («2025»); a share («80%») exactly when a share
    is asked."""
    return token[0].isdigit() and token.endswith("%") == share and not _YEAR.fullmatch(token)
