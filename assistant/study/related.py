"""«Văn bản liên quan»: the documents the selection cites, from the catalog (assistant.catalog)."""

from __future__ import annotations

from assistant.catalog import CitedDocument, build_catalog, document_name, vietnamese_date
from assistant.study.pack import Citation, RelatedDocument
from ingest.passage import Passage
from ingest.references import find_references


def _name(entry: CitedDocument, passage: Passage) -> str:
    """The number as written («21-KL/TW»); for a document without one, its name as the passage writes it
    the catalog's name («Nghị quyết Trung ương 4 khóa XII») or, when that is only a key, the name as the passage
    writes it («Quy chế làm việc của Ban Chấp hành Đảng bộ huyện khóa XXI»)."""
    if entry.number:
        return entry.number
    name = document_name(entry)
    if not name.endswith(entry.key):      # a proper name: «Nghị quyết Trung ương 4 khóa XII», «Điều lệ Đảng»
        return name
    for ref in find_references(passage.text):
        if ref.key == entry.key:
            return passage.text[ref.start:ref.name_end or ref.end].strip(" ,;:")
    return name


def related(library, doc_ids: list[str]) -> list[RelatedDocument]:
    """Every document cited by a passage of the selected documents, in the order of its first citation there:
    [RelatedDocument(kind «Kết luận», number «21-KL/TW» as written — the name, e.g. «Nghị quyết Trung ương 4 khóa
    XII», when it has no number —, date dd/mm/yyyy or "", subject or "", in_library, the first citing passage of the
    selection), …]. A selected document's own number is no citation of it."""
    selected = set(doc_ids)
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    rows = []
    for entry in build_catalog(library).values():
        citing = [p for p in entry.citing if p.doc_id in selected]
        if not citing:
            continue
        first = min(citing, key=lambda p: (order[p.doc_id], p.start, p.end))
        rows.append(((order[first.doc_id], first.start, first.end), RelatedDocument(
            kind=entry.doc_type or "Văn bản",
            number=_name(entry, first),
            date=vietnamese_date(entry.date) if entry.date else "",
            subject=entry.subject,
            in_library=bool(entry.in_library),
            citation=Citation(first),
        )))
    rows.sort(key=lambda row: row[0])
    return [row for _, row in rows]
