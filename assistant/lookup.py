"""Questions about a document by its reference, answered from the catalog of cited documents.

Two kinds are recognised (``reference_question``):
  * "about": the question is only a reference, or asks what it is, when and by whom it was issued
    ("21-KL/TW", "Nghị quyết Trung ương 4 khóa XII nói về gì?", "Chương trình hành động 03 ban hành khi nào?");
  * "implementing": it asks which documents implement one ("Huyện đã ban hành văn bản nào để thực hiện
    Kết luận 14-KL/TW?"), answered through the "… về thực hiện …" relation of the catalog.
The answer (``answer_from_catalog``) quotes, word for word, the passages that state what it says: the richest
mentions of the document, the statements of the implementing documents, and, when the full text is in the
library, its opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Answer, Citations, quote_units
from assistant.catalog import (
    IMPLEMENT_VERBS,
    CitedDocument,
    Implementation,
    document_name,
    library_document_name,
    own_keys,
    vietnamese_date,
)
from ingest.passage import Passage
from ingest.references import Reference, find_references, fold, matches, parse_reference_query

# words that only ask what a document is (folded): "… là gì?", "… nói về gì?", "… ban hành khi nào, của ai?"
ABOUT_WORDS = set(
    "la gi noi ve viec co noi dung chinh chu yeu van ban nay do ai ban hanh khi nao ngay nao nam thang bao gio "
    "luc cua co quan don vi cap trich yeu chu de ten day du thong tin cho biet hay xin vui long tom tat gioi "
    "thieu tra cuu tim so hieu duoc the cai nhung trong thu vien khong toan van ra doi muc dich".split()
)
_IMPLEMENT_VERB = re.compile(rf"\b(?:{IMPLEMENT_VERBS})\b")
_WHICH_DOCUMENTS = re.compile(
    r"\b(?:van ban|ke hoach|chuong trinh|huong dan|quyet dinh|chi thi|nghi quyet|cong van)\s+(?:nao|gi)\b"
    r"|\b(?:nhung|cac|co)\s+(?:van ban|ke hoach|chuong trinh|huong dan)\b|\bban hanh\b.*\b(?:nao|gi)\b"
)
# a level named in the question -> issuer code of the documents it issues ("Huyện đã ban hành …" -> "HU")
_LEVELS = [(re.compile(r"\bhuyen\b"), "HU"), (re.compile(r"\btinh\b"), "TU"),
           (re.compile(r"\b(?:xa|phuong|thi tran|dang uy)\b"), "DU"), (re.compile(r"\btrung uong\b"), "TW")]
MAX_DOCUMENTS = 3        # documents answered about in one reply
MAX_MENTIONS = 2         # quoted mentions per document
MAX_IMPLEMENTING = 6     # implementing documents listed
OPENING_UNITS = 2        # sentences quoted from the opening of a full text


@dataclass
class ReferenceQuestion:
    refs: list[Reference]
    intent: str          # "about" or "implementing"
    level: str = ""      # issuer code the question names ("HU" for "huyện"), for implementing documents


def reference_question(question: str) -> ReferenceQuestion | None:
    """The references a question is about and what it asks of them, or None for an ordinary question."""
    refs = parse_reference_query(question)
    if not refs:
        return None
    rest = question  # what the question says besides naming the documents (their "về …" clauses included)
    for ref in sorted(refs, key=lambda r: -r.start):
        rest = rest[:ref.start] + " " + rest[ref.name_end:]
    rest = " ".join(w for w in re.findall(r"\w+", fold(rest)) if not w.isdigit())
    if _IMPLEMENT_VERB.search(rest) and _WHICH_DOCUMENTS.search(rest):
        level = next((code for pattern, code in _LEVELS if pattern.search(rest)), "")
        return ReferenceQuestion(refs, "implementing", level)
    if all(w in ABOUT_WORDS for w in rest.split()):
        return ReferenceQuestion(refs, "about")
    return None


def _mentions(entry: CitedDocument) -> list[tuple[Passage, Reference]]:
    """The mentions of the document in its citing passages, those saying most about it first."""
    found = [(p, r) for p in entry.citing for r in find_references(p.text) if r.key == entry.key]
    return sorted(found, key=lambda m: (-(2 * bool(m[1].subject) + bool(m[1].date) + bool(m[1].issuer)),
                                        -len(m[1].text)))


def _sentence_with(passage: Passage, text: str) -> str:
    """The quotable sentence of the passage that holds text (text itself if none does)."""
    return next((u for u in quote_units(passage.text) if text in u), text)


def _about(entry: CitedDocument, library, citations: Citations) -> list[str]:
    """Lines about one cited document: its mentions quoted, date and issuer with their sources, its full text."""
    lines = [f"{document_name(entry)}:"]
    facts: list[str] = []
    chosen: list[tuple[Passage, Reference]] = []
    for passage, ref in _mentions(entry):
        adds = (ref.subject and not any(r.subject for _, r in chosen)) or (ref.date and not any(
            r.date for _, r in chosen)) or (ref.issuer and not any(r.issuer for _, r in chosen))
        if chosen and (not adds or len(chosen) == MAX_MENTIONS):
            continue
        chosen.append((passage, ref))
    for passage, ref in chosen:
        quote = ref.text if (ref.subject or ref.date or ref.issuer) else _sentence_with(passage, ref.text)
        n = citations.cite(passage, quote)
        lines.append(f"“{quote}” [{n}]")
        if ref.date and not any(f.startswith("Ngày") for f in facts):
            facts.append(f"Ngày ban hành: {vietnamese_date(ref.date)} [{n}].")
        if ref.issuer and not any(f.startswith("Cơ quan") for f in facts):
            facts.append(f"Cơ quan ban hành: {ref.issuer} [{n}].")
    lines[1:1] = facts
    lines.append(f"Được trích dẫn ở {len(entry.citing)} đoạn trong thư viện (xem thẻ «Văn bản được trích dẫn»).")
    implementing = _distinct(entry.implemented_by)
    if implementing:
        names = ", ".join(f"{i.name} [{citations.cite(i.passage, i.quote)}]" for i in implementing[:MAX_IMPLEMENTING])
        lines.append(f"Văn bản thực hiện: {names}.")
    if entry.in_library:
        lines += _opening(library, entry.in_library, citations)
    else:
        lines.append("Chưa có toàn văn trong thư viện.")
    return lines


def _opening(library, doc_id: str, citations: Citations) -> list[str]:
    """"Toàn văn có trong thư viện: …" and the first sentences of its body, quoted."""
    doc = library.document(doc_id)
    lines = [f"Toàn văn có trong thư viện: «{doc.get('title', doc_id)}». Phần mở đầu:"]
    units = [(p, u) for p in library.document_passages(doc_id) if p.kind != "header" for u in quote_units(p.text)]
    for passage, unit in units[:OPENING_UNITS]:
        lines.append(f"“{unit}” [{citations.cite(passage, unit)}]")
    return lines


def _library_document(library, doc_id: str, citations: Citations) -> list[str]:
    """Lines about a library document that no passage cites: what its header says, and its opening."""
    doc = library.document(doc_id)
    meta = doc.get("metadata") or {}
    passages = library.document_passages(doc_id)
    header = next((p for p in passages if p.kind == "header"), passages[0] if passages else None)
    lines = [f"{library_document_name(doc)}:"]
    if header is not None:
        quote = meta.get("title") if meta.get("title") and meta["title"] in header.text else header.text.split("\n")[0]
        n = citations.cite(header, quote)
        if meta.get("date"):
            lines.append(f"Ngày ban hành: {vietnamese_date(meta['date'])} [{n}].")
        if meta.get("issuer"):
            lines.append(f"Cơ quan ban hành: {meta['issuer']} [{n}].")
        lines.append(f"“{quote}” [{n}]")
    return lines + _opening(library, doc_id, citations)[1:]


def _distinct(implementations: list[Implementation], level: str = "") -> list[Implementation]:
    """One statement per implementing document (its own header's when there is one); only the given level's
    documents when the question names a level and some match it."""
    best: dict[str, Implementation] = {}
    for imp in implementations:
        key = imp.key or imp.passage.doc_id
        if key not in best or (imp.doc_id and not best[key].doc_id):
            best[key] = imp
    found = list(best.values())
    at_level = [i for i in found if level and i.issuer_code.upper() == level]
    return at_level or found


def _implementing(entry: CitedDocument, catalog: dict[str, CitedDocument], level: str,
                  citations: Citations) -> list[str]:
    """Lines quoting the documents that implement the entry, then those implementing them (one step further)."""
    direct = _distinct(entry.implemented_by)
    further = [(imp, via) for via in direct if via.key in catalog and via.key != entry.key
               for imp in _distinct(catalog[via.key].implemented_by)]
    kept = {id(i) for i in _distinct(direct + [i for i, _ in further], level)}
    lines = []
    for imp, via in [(i, None) for i in direct] + further:
        if id(imp) not in kept or len(lines) == MAX_IMPLEMENTING:
            continue
        n = citations.cite(imp.passage, imp.quote)
        lead = "" if imp.quote.startswith(imp.name) and via is None else f"{imp.name}: "
        if via is not None:
            lead = f"{imp.name} (thực hiện {via.name}): "
        lines.append(f"{lead}“{imp.quote}” [{n}]")
    return [f"Văn bản thực hiện {document_name(entry)}:"] + lines if lines else []


def answer_from_catalog(question: str, asked: ReferenceQuestion, catalog: dict[str, CitedDocument],
                        library) -> Answer | None:
    """The catalog's answer, or None when the catalog has nothing to say and retrieval should try."""
    citations = Citations()
    entries: list[CitedDocument] = []
    for ref in asked.refs:
        entries += [e for key, e in catalog.items() if matches(ref, key) and e not in entries]
    lines: list[str] = []
    if asked.intent == "implementing":
        for entry in entries[:MAX_DOCUMENTS]:
            lines += _implementing(entry, catalog, asked.level, citations)
        return Answer(question, "\n\n".join(lines), citations.sources) if lines else None
    for entry in entries[:MAX_DOCUMENTS]:
        lines += _about(entry, library, citations)
    if not entries:
        uncited = [doc_id for doc_id, key in own_keys(library).items() if any(matches(r, key) for r in asked.refs)]
        for doc_id in uncited[:MAX_DOCUMENTS]:
            lines += _library_document(library, doc_id, citations)
    if not lines:
        names = ", ".join(f"«{question[r.start:r.name_end]}»" for r in asked.refs)
        return Answer(question, f"Không tìm thấy văn bản {names} trong các tài liệu hiện có.", [], abstained=True)
    return Answer(question, "\n\n".join(lines), citations.sources)
