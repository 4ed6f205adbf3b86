"""A catalog of the documents the library's passages cite ("Kết luận số 21-KL/TW…", "Nghị quyết Trung ương 4…").

Derived on demand from the passages (no storage of its own): ``build_catalog(library)`` maps each canonical key of
``ingest.references`` to a ``CitedDocument`` merged from all its mentions, with the citing passages and, when a
library document's header number has the same key, that document's id (its full text is in the library).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ingest.docnumbers import doc_number_keys
from ingest.passage import Passage
from ingest.references import find_references, matches, parse_reference_query


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


def build_catalog(library) -> dict[str, CitedDocument]:
    """Canonical key -> the cited document, merged from every mention in the library's passages."""
    catalog: dict[str, CitedDocument] = {}
    for passage in library.passages():
        for ref in find_references(passage.text):
            if not ref.key:
                continue
            entry = catalog.setdefault(ref.key, CitedDocument(key=ref.key))
            for name in ("doc_type", "number", "date", "issuer"):
                if not getattr(entry, name) and getattr(ref, name):
                    setattr(entry, name, getattr(ref, name))
            if len(ref.subject) > len(entry.subject):
                entry.subject = ref.subject
            if not any(p is passage for p in entry.citing):
                entry.citing.append(passage)
    for doc in library.documents():
        number = (doc.get("metadata") or {}).get("number", "")
        for key in doc_number_keys(number):
            if key in catalog and not catalog[key].in_library:
                catalog[key].in_library = doc["doc_id"]
                catalog[key].in_library_title = doc.get("title", "")
    return catalog


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


def _name(entry: CitedDocument) -> str:
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
    head = _name(entry)
    parts = [head]
    if entry.date:
        parts.append(f"ngày {vietnamese_date(entry.date)}")
    if entry.issuer:
        parts.append(f"của {entry.issuer}")
    if entry.subject and entry.doc_type != "Luật":
        parts.append(f"về {entry.subject}")
    text = ", ".join(parts).rstrip(" .") + "."
    text += f" Được trích dẫn ở {len(entry.citing)} đoạn."
    if entry.in_library:
        text += f" Toàn văn có trong thư viện: {entry.in_library_title or entry.in_library}."
    else:
        text += " Chưa có toàn văn trong thư viện."
    return text


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_line(entry: CitedDocument) -> str:
    """One line for a listing: key, type, date, subject (shortened), citing passages, full-text marker."""
    cells = [entry.key, entry.doc_type or "-", vietnamese_date(entry.date) if entry.date else "-",
             _short(entry.subject) or "-", f"{len(entry.citing)} đoạn"]
    if not entry.in_library:
        cells.append("chưa có toàn văn")
    return " | ".join(cells)
