"""Which library documents a question names: ``named_documents(question, library) -> [doc_id, …]``.

A question may name a document of the library
  * by its number, in full or in part ("45-HD/BTCTW", "HD 37", "KL 221", "QĐ 384", "Quy định 383"), compared with
    the number in the document's own header (``metadata["number"]``; for a text without a header, a number at
    the start of its title: "Nghị định số 130/2020/NĐ-CP …");
  * by the unit it is about or issued by ("Huyện ủy Tây Sơn", "trường THCS Hoàng Lương", "huyện Đông Lĩnh"), as
    ``assistant.units`` finds units (``units_in``; in a question typed without capitals, the documents' units
    accent-folded, ``Gazetteer.asked``) and compares them (``same_unit``: one name, levels of one tier), in the
    document's issuer lines, title, header lines or the clause where the body acts ("Ban Thường vụ Huyện ủy Tây
    Sơn báo cáo …");
  * by its type and title words ("Hướng dẫn đổi mới Bản tin sinh hoạt chi bộ" → the Hướng dẫn whose title shares
    its word pairs);
  * by "báo cáo này" / "văn bản này", or the type alone ("Ai ký báo cáo?"), when the library holds a single
    document of that type.
Everything is compared accent-folded (``ingest.references.fold``), so questions typed without diacritics work.

Conservative by design (a wrong document is worse than none): a question that names a document by number that
is not in the library, or a unit that no document is about ("huyện Nam Lĩnh" while the library has "huyện Đông
Lĩnh"), names no library document ([]). Profiles are derived once per document version (assistant.per_document).

Layout of the header (issuer, "Số …", dateline, type, title) follows NĐ 30/2020/NĐ-CP (state documents) and
HD 36-HD/VPTW (party documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.per_document import PerDocument
from assistant.units import UNIT_WORDS, Gazetteer, Unit, same_unit, units_in
from ingest.docnumbers import doc_number_keys, find_doc_numbers
from ingest.references import fold, matches, parse_reference_query

# document types as folded words (the type words of ingest.references plus their common abbreviations)
TYPE_WORDS = {
    "chuong trinh hanh dong": "Chương trình", "chuong trinh": "Chương trình", "nghi quyet": "Nghị quyết",
    "nghi dinh": "Nghị định", "ket luan": "Kết luận", "quy dinh": "Quy định", "qui dinh": "Quy định",
    "quyet dinh": "Quyết định", "chi thi": "Chỉ thị", "ke hoach": "Kế hoạch", "huong dan": "Hướng dẫn",
    "cong van": "Công văn", "thong tu": "Thông tư", "thong bao": "Thông báo", "bao cao": "Báo cáo",
    "to trinh": "Tờ trình", "de an": "Đề án", "quy che": "Quy chế", "luat": "Luật",
}
_TYPE_RE = re.compile(r"(?<!\w)(" + "|".join(k.replace(" ", r"\s+") for k in sorted(TYPE_WORDS, key=len,
                                                                                     reverse=True)) + r")(?!\w)")
_THIS = re.compile(r"(?<!\w)(?:(" + "|".join(k.replace(" ", r"\s+") for k in TYPE_WORDS) + r")|van\s+ban)\s+nay(?!\w)")
_STOP = set(
    "ve viec cua va trong cac nhung cho voi theo tai la co duoc mot so nay do ai nao gi khi ngay nam thang "
    "ban hanh van ban de thuc hien tu den sau tren nhu the".split()
)
TITLE_PAIRS = 2          # shared title word pairs that name a document of the type the question names
TITLE_PAIRS_UNTYPED = 3  # ... when the question names no type
# the clause where the body acts: "<Subject> hướng dẫn / quy định / kết luận / báo cáo …"
_ACT_VERBS = r"hướng dẫn|quy định|kết luận|báo cáo|quyết định|quyết nghị|thông báo|ban hành"
_ACTING = re.compile(rf"(?:^|(?<=[,;:.\n]))\s*([A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^,;:.\n]{{2,120}}?)\s+({_ACT_VERBS}|"
                     rf"{_ACT_VERBS.upper()})(?=\s+[a-zđàáảãạâăêôơưèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]|\s*:|\s*$)")
_NOT_SUBJECT = re.compile(r"^(?:Thực hiện|Căn cứ|Tại|Xét|Theo|Trên cơ sở|Để|Sau khi|Về|Các|Những)\b")


@dataclass(frozen=True)
class Profile:
    """What identifies one library document."""

    doc_id: str
    doc_type: str                          # "Hướng dẫn" ("" when unknown)
    keys: tuple[str, ...]                  # canonical keys of its own number ("45-HD/BTCTW")
    title_pairs: frozenset[tuple[str, str]]  # folded consecutive content-word pairs of its title lines
    units: tuple[Unit, ...]                # the units it is about or issued by (assistant.units)


def acting_clause(text: str) -> tuple[str, int, int] | None:
    """The first "<Subject> <verb>" clause of a preamble ("…, Ban Tổ chức Trung ương hướng dẫn …"): (subject,
    start of the subject, end of the verb) in text. A subject preceded by another short capitalised name is
    extended over it ("Bộ Chính trị, Ban Bí thư kết luận")."""
    for m in _ACTING.finditer(text):
        subject = m.group(1).strip()
        words = subject.split()
        if len(words) > 14 or any(c.isdigit() for c in subject) or _NOT_SUBJECT.match(subject):
            continue
        start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        before = text[:start].rstrip()
        if before.endswith(","):
            prev = re.search(r"(?:^|(?<=[,;:.\n]))\s*([^,;:.\n]+),$", before)
            if prev and prev.group(1).strip()[:1].isupper() and len(prev.group(1).split()) <= 6 \
                    and not any(c.isdigit() for c in prev.group(1)) and ")" not in prev.group(1):
                start = prev.start(1) + (len(prev.group(1)) - len(prev.group(1).lstrip()))
        return text[start:m.end(1)].strip(), start, m.end()
    return None


def _pairs(text: str) -> set[tuple[str, str]]:
    """Consecutive folded word pairs of text, but those of stop words, type words ("bao cao") and unit words
    ("huyen uy"): they say what kind of document or unit, not which."""
    words = re.findall(r"\w+", fold(text))
    return {(a, b) for a, b in zip(words, words[1:], strict=False)
            if not (a in _STOP and b in _STOP) and f"{a} {b}" not in TYPE_WORDS and f"{a} {b}" not in UNIT_WORDS}


def _title_lines(text: str) -> str:
    """The lines of a header passage before its body starts (preamble, "Căn cứ", long sentences)."""
    kept = []
    for line in text.split("\n"):
        if re.match(r"^\s*(?:-\s*)?(?:Thực hiện|Căn cứ|Tại phiên|Kính gửi|Xét đề nghị)", line) \
                or len(line.split()) > 60:
            break
        kept.append(line)
    return "\n".join(kept)


def _profile(library, doc: dict) -> Profile:
    meta = doc.get("metadata") or {}
    title = doc.get("title", "")
    keys = doc_number_keys(meta.get("number", ""))
    if not keys:
        keys = [k for k, written in find_doc_numbers(title) if title.find(written) < 40][:1]
    doc_type = meta.get("doc_type", "")
    if not doc_type:
        m = _TYPE_RE.match(fold(title).lstrip("# "))
        doc_type = TYPE_WORDS[re.sub(r"\s+", " ", m.group(1))] if m else ""
    passages = library.document_passages(doc["doc_id"])
    first = _title_lines(passages[0].text) if passages else ""
    title_text = "\n".join([meta.get("title", ""), title, first])
    unit_text = "\n".join([meta.get("issuer", ""), meta.get("title", ""), title, first])
    for p in passages[:3]:
        found = acting_clause(p.text)
        if found:
            unit_text += "\n" + found[0]
            break
    return Profile(doc["doc_id"], doc_type, tuple(keys), frozenset(_pairs(title_text)),
                   tuple(units_in(unit_text)))


_profiles = PerDocument(_profile)


def profiles(library) -> list[Profile]:
    """The profile of every library document, derived once per document version."""
    return [profile for _, profile in _profiles.items(library)]


def question_types(question: str) -> set[str]:
    """The document types a question names ("Hướng dẫn", "Báo cáo" …), by their words, accent-folded."""
    return {TYPE_WORDS[re.sub(r"\s+", " ", m.group(1))] for m in _TYPE_RE.finditer(fold(question))}


def named_documents(question: str, library) -> list[str]:
    """The doc_ids of the library documents the question names, most certain first ([] when none).

    Numbers first (every library document whose own number the question names, in question order); a number
    that is not in the library makes the question name none of them. Otherwise the documents of the units the
    question names (all of them must be found), narrowed to the type it names and ordered by shared title word
    pairs; else the documents of the named type sharing at least TITLE_PAIRS title word pairs (TITLE_PAIRS_UNTYPED
    when no type is named); else "<type> này" with a single document of that type."""
    profs = profiles(library)
    refs = [r for r in parse_reference_query(question) if r.key and ("/" in r.key) or r.partial_key]
    if refs:
        found = [p.doc_id for r in refs for p in profs if any(matches(r, k) for k in p.keys)]
        return list(dict.fromkeys(found))
    types = question_types(question)
    pairs = _pairs(question)
    asked_units = units_in(question)
    if not asked_units and question == question.lower():   # typed without capitals: the known units, folded
        asked_units = Gazetteer(units={u.key: u for p in profs for u in p.units}).asked(question)
    if asked_units:
        found = [p for p in profs if all(any(same_unit(a, u) for u in p.units) for a in asked_units)]
        if types:
            found = [p for p in found if p.doc_type in types]
        found.sort(key=lambda p: -len(pairs & p.title_pairs))
        return [p.doc_id for p in found]
    scored = [(len(pairs & p.title_pairs), p) for p in profs if not types or p.doc_type in types]
    need = TITLE_PAIRS if types else TITLE_PAIRS_UNTYPED
    scored = sorted((s for s in scored if s[0] >= need), key=lambda s: -s[0])
    if scored:
        return [p.doc_id for _, p in scored]
    this = _THIS.search(fold(question))
    if this:
        named = TYPE_WORDS[re.sub(r"\s+", " ", this.group(1))] if this.group(1) else ""
        of_type = [p for p in profs if not named or p.doc_type == named]
        if len(of_type) == 1:
            return [of_type[0].doc_id]
    if len(types) == 1:  # «Ai ký báo cáo?»: the library's only document of that type
        of_type = [p for p in profs if p.doc_type in types]
        if len(of_type) == 1:
            return [of_type[0].doc_id]
    return []
