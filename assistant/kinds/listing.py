"""List questions («… gồm những gì?», «những hành vi nào …?», «nhiệm vụ, giải pháp …?»): answered with the
items of the list, not with its lead-in alone.

A list in a passage is a lead-in line — ending with «:», or saying «gồm», «bao gồm», «như sau», «sau đây» —
followed by item lines («- …», «+ …», «a) …», «1. …»). Items without a lead-in line are a list whose label
is the passage's ``context`` (the lead-in a long list carries on) or its section's last heading. For a list
question the list among the top passages whose heading, lead-in and first items answer it best is chosen
(``best_listing``: coverage, the listed noun in its heading or lead-in, its rank); otherwise, or when none
covers enough, the list the best quote belongs to (``listing_at``). It is answered whole: the lead-in
quoted, then up to MAX_ITEMS items, each an exact line of its passage (long items by their first sentence),
items carried on in the next passages included, then «…» with the number of items left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.relevance import QuestionTerms, coverage
from ingest.passage import Passage
from ingest.structure import SEPARATOR
from vectorstore.tokenize import fold_accents

NAME = "list"
MAX_ITEMS = 20
ITEM_WORDS = 45        # a longer item is quoted by its first sentence
LEAD_WORDS = 60        # a longer line is not a lead-in
_ASKS = re.compile(
    r"\bgom (?:nhung )?(?:gi|nao|noi dung)|\bbao gom\b|\bnhung (?:[\w,]+ ){1,6}(?<!the )nao\b"
    r"|\bcac (?:[\w,]+ ){1,5}(?<!the )nao\b"
    r"|\bco nhung\b|\bliet ke\b|\bnhung (?:noi dung|gi)\b|\bnhiem vu,? giai phap\b|\bnhung (?:viec|mat) gi\b"
)
NOUN_BONUS = 0.5
SUBJECT_BONUS = 0.3    # the lead-in opens with the listed noun: the list is of it
UNLED_WEIGHT = 0.7     # a run of items without a lead-in (an article's clauses) is weaker evidence of a list
_NOUN = re.compile(r"\b(?:nhung|cac)\s+((?:(?!nhung\b|cac\b)[\w,]+\s+){1,6}?)(?:nao|gi)\b")
_NUMBERING = re.compile(r"^(?:[-+•]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-z]\))?\s*(?:(?:cac|nhung)\s+)?")
_GENERIC = {"loai", "cac", "nhung", "van", "de", "thu", "cai", "viec", "bi", "duoc", "phai"}
ITEM = re.compile(r"^(?:[-+•]\s|(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s)")
_LEAD = re.compile(r"(?::\s*$|\b(?:gom|bao gom|nhu sau|sau day)\b)")


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def bonus(unit: str, question: str) -> float:
    """1 for a lead-in («… gồm:») or a sentence that lists inline («ưu tiên các lĩnh vực: A; B; C»)."""
    folded = fold_accents(unit.lower())
    inline = ":" in unit and unit.split(":", 1)[1].count(";") >= 1
    return 1.0 if _LEAD.search(folded) or inline else 0.0


@dataclass
class Listing:
    passage: Passage
    lead: str                 # the lead-in line, as written ("" when the list's label is its heading or context)
    label: str                # what the list is of: the lead-in, else the passage's context or section heading
    items: list[str] = field(default_factory=list)
    score: float = 0.0


def is_item(line: str) -> bool:
    return bool(ITEM.match(line))


def is_lead(line: str) -> bool:
    return bool(_LEAD.search(fold_accents(line.lower()))) and len(line.split()) <= LEAD_WORDS


def marker(line: str) -> str:
    """The kind of an item's marker: "-", "+", "1." (and "1.1."), "a)"; "" for a line that is no item."""
    m = ITEM.match(line)
    if not m:
        return ""
    mark = m.group(0).strip()
    if mark in "-+•":
        return mark
    return "a)" if mark[0].isalpha() else "1." * mark.count(".")


def lists_in(passage: Passage) -> list[Listing]:
    """The lists of a passage: a lead-in and the item lines under it (items of another marker than the lead-in's
    own, when the lead-in is itself an item: «1. … sau đây:» then «a) …»); a lead-in followed by one paragraph
    («… gồm:» then «“A”; “B”; …»); runs of items without a lead-in, labelled by the passage's context or heading."""
    lines = passage.text.split("\n")
    heading = _heading(passage)
    found: list[Listing] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nested = is_item(line) and i + 1 < len(lines) and is_item(lines[i + 1]) and marker(lines[i + 1]) != marker(line)
        if nested or is_lead(line) and (line.rstrip().endswith((":", "gồm", "sau đây")) or not is_item(line)):
            own = marker(line)
            items = []
            j = i + 1
            while j < len(lines) and is_item(lines[j]) and marker(lines[j]) != own:
                items.append(lines[j])
                j += 1
            if not items and j < len(lines) and not is_item(lines[j]) and line.rstrip().endswith(":"):
                items, j = [lines[j]], j + 1   # «… gồm:» then one paragraph «“A”; “B”; …»: quoted whole
            if items:
                found.append(Listing(passage, line, line, items))
                i = j
                continue
        if is_item(line):
            own = marker(line)
            items = [line]
            j = i + 1
            while j < len(lines) and is_item(lines[j]):
                items.append(lines[j])
                j += 1
            same = [x for x in items if marker(x) == own]
            if len(same) >= 2 or passage.context:   # one clause alone is no list
                found.append(Listing(passage, "", passage.context or heading, same))
            i = j
            continue
        i += 1
    return found


def _heading(passage: Passage) -> str:
    """The heading a passage's list is under: its section's last part, with the article above a «Khoản N»."""
    parts = passage.section.split(SEPARATOR) if passage.section else [""]
    return " ".join(parts[-2:]) if parts[-1].startswith("Khoản") else parts[-1]


def _opens_with(lead: str, noun: list[str]) -> bool:
    """Whether the lead-in is about the listed noun: «1. Các ngạch công chức … sau đây:» for «ngạch công chức»."""
    if not lead or not noun:
        return False
    words = re.findall(r"\w+", _NUMBERING.sub("", fold_accents(lead.lower())))[:len(noun) + 2]
    return bool(words) and words[0] == noun[0] and sum(w in words for w in noun) >= 0.6 * len(noun)


def asked_noun(question: str) -> list[str]:
    """The folded words of what the question lists: «những ngạch công chức nào» → ["ngach", "cong", "chuc"];
    generic words («loại», «các») left out."""
    folded = " ".join(fold_accents(question.lower()).split())
    m = _NOUN.search(folded)
    return [w for w in re.findall(r"\w+", m.group(1)) if w not in _GENERIC] if m else []


def best_listing(question: str, terms: QuestionTerms, passages: list[Passage], decay: float) -> Listing | None:
    """The list among the passages (best first) that answers the question best: how well its heading, lead-in
    and first items cover the question, plus NOUN_BONUS times the share of the listed noun («những ngạch công
    chức nào») found in its heading or lead-in, the whole decayed by the passage's rank."""
    noun = asked_noun(question)
    best = None
    for rank, passage in enumerate(passages):
        heading = _heading(passage)
        for listing in lists_in(passage):
            probe = " ".join([heading, listing.label, *listing.items[:3]])
            named = set(re.findall(r"\w+", fold_accents(f"{heading} {listing.label}".lower())))
            share = sum(w in named for w in noun) / len(noun) if noun else 0.0
            weight = 1.0 if listing.lead else UNLED_WEIGHT
            bonus = NOUN_BONUS * share + (SUBJECT_BONUS if _opens_with(listing.lead, noun) else 0.0)
            listing.score = (coverage(terms, probe) + bonus) * weight * (1 - decay * rank)
            if best is None or listing.score > best.score:
                best = listing
    return best


def listing_at(passage: Passage, quote: str) -> Listing | None:
    """The list of the passage that holds the quoted unit, as its lead-in or as one of its items, or None."""
    for listing in lists_in(passage):
        if any(quote in line or line in quote for line in [listing.lead, *listing.items] if line):
            return listing
    return None


def _quoted_item(item: str) -> str:
    if len(item.split()) <= ITEM_WORDS or not is_item(item):
        return item
    from assistant.answer import quote_units

    units = quote_units(item)
    return units[0] if units else item


def items_of(listing: Listing, document: list[Passage]) -> list[tuple[Passage, str]]:
    """The items of the list, followed by those of the passages of its document (``document``, in reading
    order) that carry it on — the next ones whose context is the list's lead-in sentence (ingest.chunking
    gives a long list's continuation its lead-in as context): (passage, quoted item), in reading order."""
    items = [(listing.passage, _quoted_item(i)) for i in listing.items]
    if not listing.lead:
        return items
    after = [p for p in document if p.start > listing.passage.start]
    for passage in after:
        if not passage.context or not listing.lead.endswith(passage.context):
            break
        items += [(passage, _quoted_item(line)) for line in passage.text.split("\n") if is_item(line)]
    return items
