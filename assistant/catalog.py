"""A catalog of the documents the library's passages cite ("Kết luận số 21-KL/TW…", "Nghị quyết Trung ương 4…").

Derived on demand from the passages (no storage of its own; references kept per document version,
assistant.per_document): ``build_catalog(library)`` maps each canonical key of
``ingest.references`` to a ``CitedDocument`` merged from all its mentions, with the citing passages and, when a
library document's header number has the same key, that document's id (its full text is in the library).
It also records which documents implement which ("Kế hoạch số 41-KH/HU … về thực hiện Kết luận số 14-KL/TW …",
a library document whose header says "thực hiện Công văn số 1601-CV/BTCTU …"): ``CitedDocument.implemented_by``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from assistant.per_document import PerDocument
from ingest.docnumbers import doc_number_keys
from ingest.passage import Passage
from ingest.references import Reference, find_references, fold, matches, parse_reference_query

# "… về thực hiện Kết luận …", "Thực hiện Công văn …", "… triển khai …": the document implements the one named next
IMPLEMENT_VERBS = r"thuc hien|trien khai|cu the hoa|quan triet"   # folded
_IMPLEMENTS = re.compile(rf"(?:{IMPLEMENT_VERBS})\W*(?:\w+\W+){{0,3}}$")
_IMPLEMENTS_WINDOW = 40   # how far before a reference the verb may stand


@dataclass
class Implementation:
    """A document that implements a cited one, and the passage that says so."""

    key: str            # the implementing document's key ("41-KH/HU"), "" when it has no number
    name: str           # "Kế hoạch số 41-KH/HU", or a library document's title
    issuer_code: str    # "HU", "DU", "TW" … ("" when unknown)
    passage: Passage    # where the relation is stated
    quote: str          # the statement, an exact substring of passage.text
    doc_id: str = ""    # the implementing document, when its text is in the library


@dataclass
class CitedDocument:
    key: str                  # "21-KL/TW", "nq-tw4-khoa-xii"
    doc_type: str = ""
    number: str = ""          # as written, e.g. "21-KL/TW"
    date: str = ""            # ISO "2021-10-25"
    issuer: str = ""
    subject: str = ""
    citing: list[Passage] = field(default_factory=list)  # in document order, each passage once
    in_library: str = ""      # doc_id of the library document with this number, "" if its text is not there
    in_library_title: str = ""  # that document's title
    implemented_by: list[Implementation] = field(default_factory=list)  # in document order


def build_catalog(library) -> dict[str, CitedDocument]:
    """Canonical key -> the cited document, merged from every mention in the library's passages.

    A document's own number in its own header is not a citation of it."""
    own = own_keys(library)
    found = [pair for _, pairs in _references.items(library) for pair in pairs]
    catalog: dict[str, CitedDocument] = {}
    for passage, refs in found:
        for ref in refs:
            if not ref.key or ref.key == own.get(passage.doc_id):
                continue
            entry = catalog.setdefault(ref.key, CitedDocument(key=ref.key))
            for name in ("doc_type", "number", "date", "issuer"):
                if not getattr(entry, name) and getattr(ref, name):
                    setattr(entry, name, getattr(ref, name))
            if len(ref.subject) > len(entry.subject):
                entry.subject = ref.subject
            if not entry.citing or entry.citing[-1] is not passage:  # a passage's refs come together: once each
                entry.citing.append(passage)
    for doc in library.documents():
        key = own.get(doc["doc_id"])
        if key in catalog and not catalog[key].in_library:
            catalog[key].in_library = doc["doc_id"]
            catalog[key].in_library_title = doc.get("title", "")
    for target, implementation in _implementations(found, library, own):
        if target in catalog:
            catalog[target].implemented_by.append(implementation)
    return catalog


def _document_references(library, doc: dict) -> list[tuple[Passage, list[Reference]]]:
    """The passages of a document that cite something, with their references, in reading order."""
    return [(p, refs) for p in library.document_passages(doc["doc_id"]) if (refs := find_references(p.text))]


_references = PerDocument(_document_references)


def own_keys(library) -> dict[str, str]:
    """doc_id -> the key of the number in the document's own header (documents without one are left out)."""
    own = {}
    for doc in library.documents():
        keys = doc_number_keys((doc.get("metadata") or {}).get("number", ""))
        if keys:
            own[doc["doc_id"]] = keys[0]
    return own


def library_document_name(doc: dict) -> str:
    """"Kế hoạch số 12-KH/ĐU" when the header gives type and number, else the document's title."""
    meta = doc.get("metadata") or {}
    if meta.get("doc_type") and meta.get("number"):
        return f"{meta['doc_type']} số {meta['number']}"
    return doc.get("title", "")


def _implemented(text: str, refs: list[Reference]) -> list[Reference]:
    """The references among `refs` (found in text) that a "thực hiện …" just before them introduces."""
    return [r for r in refs
            if r.key and _IMPLEMENTS.search(fold(text[max(0, r.start - _IMPLEMENTS_WINDOW):r.start]))]


def _implementations(found: list[tuple[Passage, list[Reference]]], library, own: dict[str, str]):
    """(implemented key, Implementation) for every relation stated in the passages (with their references):
    a mention whose subject is "thực hiện <reference>", and a header passage that says "thực hiện <reference>"
    of its own document."""
    for passage, refs in found:
        for ref in refs:
            if not (ref.key and ref.subject):
                continue
            inner = [r for r in refs if ref.start < r.start < ref.end]
            for target in _implemented(passage.text, inner):
                if target.key != ref.key:
                    name = document_name(
                        CitedDocument(key=ref.key, doc_type=ref.doc_type, number=ref.number, subject=ref.subject))
                    yield target.key, Implementation(ref.key, name, ref.issuer_code, passage, ref.text)
        if passage.kind != "header":
            continue
        key = own.get(passage.doc_id, "")
        name = library_document_name(library.document(passage.doc_id))
        for target in _implemented(passage.text, refs):
            if target.key == key or any(r.start < target.start < r.end for r in refs if r is not target):
                continue
            line_start = passage.text.rfind("\n", 0, target.start) + 1
            code = key.split("/")[-1].split("-")[-1] if key else ""
            yield target.key, Implementation(key, name, code, passage,
                                             passage.text[line_start:target.end], passage.doc_id)


def lookup(catalog: dict[str, CitedDocument], query: str) -> list[CitedDocument]:
    """Entries named by the query: an exact key ("21-KL/TW"), or a (partial) reference as in a question
    ("Kết luận 21", "quy dinh 101", "21-kl/tw", "NQ TW4 khóa XII")."""
    query = query.strip()
    if query in catalog:
        return [catalog[query]]
    refs = parse_reference_query(query)
    return [entry for key, entry in catalog.items() if any(matches(ref, key) for ref in refs)]


def vietnamese_date(iso: str) -> str:
    """"2021-10-25" -> "25/10/2021" (a value that is not an ISO date is returned as it is)."""
    try:
        return datetime.strptime(iso, "%Y-%m-%d").strftime("%d/%m/%Y")
    except ValueError:
        return iso


def document_name(entry: CitedDocument) -> str:
    """"Kết luận số 21-KL/TW", "Nghị quyết Trung ương 4 khóa XII", "Luật …", "Điều lệ Đảng", "Hiến pháp năm 2013"."""
    if entry.number:
        return f"{entry.doc_type or 'Văn bản'} số {entry.number}"
    m = re.fullmatch(r"nq-tw(\d+)(?:-khoa-([a-z]+))?", entry.key)
    if m:
        return f"Nghị quyết Trung ương {m[1]}" + (f" khóa {m[2].upper()}" if m[2] else "")
    if entry.doc_type == "Luật" and entry.subject:
        return f"Luật {entry.subject}"
    if entry.key == "dieu-le-dang":
        return "Điều lệ Đảng"
    m = re.fullmatch(r"hien-phap(?:-(\d{4}))?", entry.key)
    if m:
        return "Hiến pháp" + (f" năm {m[1]}" if m[1] else "")
    return f"{entry.doc_type or 'Văn bản'} {entry.key}"


def describe(entry: CitedDocument) -> str:
    """One Vietnamese paragraph about the cited document."""
    head = document_name(entry)
    parts = [head]
    if entry.date:
        parts.append(f"ngày {vietnamese_date(entry.date)}")
    if entry.issuer:
        parts.append(f"của {entry.issuer}")
    if entry.subject and entry.doc_type != "Luật":
        parts.append(f"về {entry.subject}")
    text = ", ".join(parts).rstrip(" .") + "."
    text += f" Được trích dẫn ở {len(entry.citing)} đoạn."
    implementing = list(dict.fromkeys(i.name for i in entry.implemented_by))
    if implementing:
        text += f" Văn bản thực hiện: {'; '.join(implementing)}."
    if entry.in_library:
        text += f" Toàn văn có trong thư viện: {entry.in_library_title or entry.in_library}."
    else:
        text += " Chưa có toàn văn trong thư viện."
    return text


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_line(entry: CitedDocument) -> str:
    """One line for a listing: number as written (the key when there is none), type, date, subject (shortened),
    citing passages, full-text marker."""
    cells = [entry.number or entry.key, entry.doc_type or "-", vietnamese_date(entry.date) if entry.date else "-",
             _short(entry.subject) or "-", f"{len(entry.citing)} đoạn"]
    if not entry.in_library:
        cells.append("chưa có toàn văn")
    return " | ".join(cells)
