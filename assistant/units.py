"""Units (đơn vị) a question names — huyện, xã, phường, thị trấn, tỉnh, chi bộ, trường … — and the
scoping of an answer to them: one unit's figure is never given as the answer about another.

A *unit* is a level word followed by a proper name: «huyện Tây Sơn», «Huyện ủy Tây Sơn» (the level of
its committee), «Đảng bộ xã Bình Thành», «thị trấn Phú Lĩnh», «trường THCS Hoàng Lương», «chi bộ thôn
An Định». The library's *gazetteer* holds every unit its passages mention (names capitalised as
written); a question names a unit when the unit's level and name, accent-folded, occur in it — so
«huyen tay son» works too — or its name alone when the name has two or more syllables.

A document is *about* a unit when its identity — title, issuer and header passage — names it. For a
question that names units (``Scope``):
  * a passage belongs to the scope when it or its document's identity names one of the units;
  * a document whose identity names another unit of an asked unit's tier (xã, phường, thị trấn are one
    tier; huyện, quận, thị xã another), and none of the asked ones, is out of scope (the same-template
    report of the neighbouring district); a quoted clause that names units, none of them asked, is
    never quoted (a table row of another commune, the district's own total);
  * a clause that names an asked unit is preferred;
  * in the passages of a document about an asked unit the unit's name counts as present for the coverage
    of the question (assistant.relevance): «huyện Tây Sơn» need not be repeated in every sentence.
A unit written in the question with a capitalised name that no passage mentions is unknown: the
documents do not speak of it, and the assistant abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.per_document import PerDocument
from ingest.passage import Passage
from vectorstore.tokenize import fold_accents, words

# level words as written (lower-case) -> level; "… ủy" (the unit's party committee) is the same level
_LEVELS = {
    "tỉnh": "tỉnh", "thành phố": "thành phố", "huyện": "huyện", "quận": "quận", "thị xã": "thị xã",
    "xã": "xã", "phường": "phường", "thị trấn": "thị trấn", "đặc khu": "đặc khu", "chi bộ": "chi bộ",
    "trường": "trường", "thôn": "thôn", "khối phố": "khối phố", "tổ dân phố": "tổ dân phố", "ấp": "ấp",
    "bản": "bản", "làng": "làng", "khu phố": "khu phố",
}
# levels of one tier of the administration: a commune's report and a township's are neighbours
_TIER = {"tỉnh": "tỉnh", "thành phố": "tỉnh", "huyện": "huyện", "quận": "huyện", "thị xã": "huyện",
         "xã": "xã", "phường": "xã", "thị trấn": "xã", "đặc khu": "xã", "thôn": "thôn", "khối phố": "thôn",
         "tổ dân phố": "thôn", "ấp": "thôn", "bản": "thôn", "làng": "thôn", "khu phố": "thôn"}
_COMMITTEE = {"tỉnh": "tỉnh", "thành": "thành phố", "huyện": "huyện", "quận": "quận", "thị": "thị xã"}
_LEVEL_RE = "|".join(sorted((re.escape(w) for w in _LEVELS), key=len, reverse=True))
# the level word and the space after it; the name is read after the match, so that the words it does not
# take («và») are searched again: «xã An Thử và xã Hòa Thử» names two units
_UNIT = re.compile(
    rf"(?<![\w])(?i:(?P<committee>tỉnh|thành|huyện|quận|thị)[ \t]+[uủ][yỷ]|(?P<level>{_LEVEL_RE}))[ \t]+"
)
_NAME_RUN = re.compile(r"(?:Tiểu học|Mầm non)?[ \t]*\w+(?:[ \t]+\w+){0,3}")
# level words that are also common words: units only when written in lower case («bản Xa Mang»)
_COMMON_WORDS = {"bản", "ấp", "làng"}
# capitalised words that end a name: «xã Nhơn Lộc Năm 2023», «huyện Tây Sơn Khóa XX»
_NOT_NAME = {"năm", "khóa", "khoá", "nhiệm", "lần", "về", "của", "và", "trong", "tại", "theo", "đã", "có", "là",
             "giai", "đến", "từ", "với", "ủy", "uỷ",
             # organisation words: «TỈNH ỦY THỬ NGHIỆM BAN TỔ CHỨC», «CỘNG HÒA XÃ HỘI CHỦ NGHĨA …» in capitals
             "ban", "đảng", "hội", "sở", "phòng", "cộng", "chi", "đoàn", "mặt", "huyện", "tỉnh", "xã", "phường", "thị"}
MIN_NAME_SYLLABLES = 2   # a name alone (without its level word) names a unit only when this long


@dataclass(frozen=True)
class Unit:
    level: str     # "huyện", "xã", "trường" …
    name: str      # folded, lower-case: "tay son", "thcs hoang luong"
    written: str   # as first written: "huyện Tây Sơn"

    @property
    def key(self) -> tuple[str, str]:
        return (self.level, self.name)


def _fold(text: str) -> str:
    """Lower-case, accent-folded words joined by one space (punctuation dropped)."""
    return " ".join(fold_accents(w) for w in words(text))


def tier(level: str) -> str:
    """The tier of a level: «xã», «phường» and «thị trấn» are one tier; a level of no tier is its own."""
    return _TIER.get(level, level)


def same_unit(a: Unit, b: Unit) -> bool:
    """Whether two units are the same: equal folded names, levels of one tier («huyện Tây Sơn» and «Huyện ủy
    Tây Sơn»; «thị xã An Nhơn» and «huyện An Nhơn»; not «xã Tây Sơn»)."""
    return a.name == b.name and tier(a.level) == tier(b.level)


# the words that say what kind of unit, not which, folded: the level words, the committees' («huyen uy») and
# the party organisation's («dang bo», «dang uy»)
UNIT_WORDS = frozenset({_fold(w) for w in _LEVELS} | {f"{_fold(w)} uy" for w in _COMMITTEE} | {"dang bo", "dang uy"})


def _name(raw: str) -> str:
    """The proper name at the start of ``raw``: its capitalised words (or a number: «thôn 3»)."""
    kept = []
    for word in raw.split():
        if word.lower() in _NOT_NAME or not (word[0].isupper() or word.isdigit()):
            break
        kept.append(word)
    return " ".join(kept)


def units_in(text: str) -> list[Unit]:
    """The units a text names («huyện Tây Sơn», «Huyện ủy Tây Sơn», «HUYỆN ỦY TÂY SƠN» …), in order, each
    once; the name must be capitalised as a proper name."""
    found: dict[tuple[str, str], Unit] = {}
    for m in _UNIT.finditer(text):
        level_word = (m["level"] or m["committee"]).lower()
        if level_word in _COMMON_WORDS and not m["level"].islower():
            continue  # «BẢN TIN …», «Bản đồ …»: a village «bản» is written in lower case before its name
        level = _LEVELS[level_word] if m["level"] else _COMMITTEE[level_word]
        run = _NAME_RUN.match(text, m.end())
        name = _name(run.group(0)) if run else ""
        if not name:
            continue
        unit = Unit(level, _fold(name), text[m.start():m.end()] + name)
        found.setdefault(unit.key, unit)
    return list(found.values())


@dataclass
class Gazetteer:
    """The units the library mentions, and the units each document is about (its identity)."""

    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    identity: dict[str, set[tuple[str, str]]] = field(default_factory=dict)   # doc_id -> unit keys

    def asked(self, question: str) -> list[Unit]:
        """The known units the question names (accent- and case-insensitive)."""
        folded = f" {_fold(question)} "
        explicit, alone = [], []
        for unit in self.units.values():
            level = _fold(unit.level)
            if f" {level} {unit.name} " in folded or f" {level.split()[0]} uy {unit.name} " in folded:
                explicit.append(unit)
            elif len(unit.name.split()) >= MIN_NAME_SYLLABLES and f" {unit.name} " in folded:
                alone.append(unit)
        # «huyện Tây Sơn» also matches the name alone of «xã Tây Sơn»: when the question writes a level word
        # before a name, only the units it names so count
        return explicit or alone

    def unknown(self, question: str) -> list[str]:
        """Units the question writes with a level and a capitalised name that no passage mentions: «huyện Nam
        Lĩnh»; «xã Thử Đông» when the library knows only huyện Thử Đông."""
        return [u.written for u in units_in(question) if u.key not in self.units]


def _document_units(library, doc: dict) -> tuple[list[Unit], list[Unit]]:
    """(Units its passages mention, units it is about: from its title, its header's issuer and its header
    passages) of one document."""
    passages = library.document_passages(doc["doc_id"])
    mentioned = list({u.key: u for p in passages for u in _units_cached(p.text)}.values())
    meta = doc.get("metadata") or {}
    text = "\n".join([doc.get("title", ""), meta.get("issuer", ""), meta.get("title", ""),
                      *(p.text for p in passages if p.kind == "header")])
    return mentioned, units_in(text)


_document_units_cache = PerDocument(_document_units)


def build_gazetteer(library) -> Gazetteer:
    """The gazetteer of a library: units of every passage; a document's identity from its title, its
    header's issuer and its header passages (derived once per document version)."""
    gazetteer = Gazetteer()
    per_document = _document_units_cache.items(library)
    for _, (mentioned, _) in per_document:
        for unit in mentioned:
            gazetteer.units.setdefault(unit.key, unit)
    for doc, (_, identity) in per_document:
        gazetteer.identity[doc["doc_id"]] = {u.key for u in identity}
        for unit in identity:
            gazetteer.units.setdefault(unit.key, unit)
    return gazetteer


@lru_cache(maxsize=1 << 16)
def _units_cached(text: str) -> tuple[Unit, ...]:
    return tuple(units_in(text))


@dataclass
class Scope:
    """The units a question names, and what is in and out of scope for them."""

    units: list[Unit]
    gazetteer: Gazetteer

    def __bool__(self) -> bool:
        return bool(self.units)

    @property
    def tiers(self) -> set[str]:
        return {tier(u.level) for u in self.units}

    def _names(self, keys) -> bool:
        return any(u.key in keys for u in self.units)

    def document_in_scope(self, doc_id: str) -> bool:
        """False for a document about another unit of an asked unit's tier (xã, phường and thị trấn are one
        tier), and about none of the asked units: the neighbouring district's report."""
        keys = self.gazetteer.identity.get(doc_id, set())
        return self._names(keys) or not any(tier(level) in self.tiers for level, _ in keys)

    def names(self, passage: Passage) -> bool:
        """Whether the passage or its document names an asked unit."""
        keys = {u.key for u in _units_cached(passage.index_text)}
        return self._names(keys) or self._names(self.gazetteer.identity.get(passage.doc_id, set()))

    def mentions(self, text: str) -> bool:
        """Whether the clause names an asked unit."""
        return self._names({u.key for u in _units_cached(text)})

    def quotable(self, text: str) -> bool:
        """False for a clause that names units, none of them asked: another commune's table row, the
        district's own figure when a commune is asked about."""
        keys = {u.key for u in _units_cached(text)}
        return not keys or self._names(keys)

    @property
    def written(self) -> str:
        """The asked units as first written in the library («huyện Tây Sơn»): present, for the coverage of the
        question, in every passage the scope keeps."""
        return "; ".join(u.written for u in self.units)
