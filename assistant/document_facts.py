"""Questions about a library document itself, answered by quoting the passage that states the fact.

``fact_kind(question)`` recognises what is asked (accent-insensitive):
  signer       «Ai ký …», «do ai ký», «người ký»                       → the signature block
  issuer       «cơ quan nào ban hành», «do ai/đơn vị nào ban hành»      → the clause where the body acts
                                                                          («Ban Tổ chức Trung ương hướng dẫn …»)
                                                                          and the issuer lines of the header
  recipients   «gửi đến/tới những nơi nào», «nơi nhận»                  → the «Nơi nhận:» list
  implements   «để trả lời/thực hiện công văn nào», «được lập theo …»   → the preamble sentence «Thực hiện …»
  basis        «căn cứ (vào) văn bản nào»                               → the «Căn cứ …» lines
  replaces     «thay thế văn bản nào»                                   → the body sentence «… thay thế …»
  in_force     «có hiệu lực từ ngày nào»                                → the body sentence «… có hiệu lực …»
  issued       «ban hành ngày nào / khi nào»                            → the dateline of the header
  subject      «về vấn đề gì», «nói về gì»                              → the trích yếu (title) of the header
  which        «văn bản nào …»                                          → a library document whose title and
                                                                          acting clause cover the question
``document_facts_answer(question, library)`` resolves the document with ``assistant.scope.named_documents`` and
returns an Answer whose quotes are exact substrings of the cited passages, an abstaining Answer when the document
does not state the fact («Văn bản … không ghi người ký trong phần có trong thư viện.»), or None when the question
is not of these kinds or names no library document (retrieval answers it then).

Where the facts stand follows NĐ 30/2020/NĐ-CP (state documents: Phụ lục I, layout of the parts) and HD 36-HD/VPTW
(party documents: header, «Số …», dateline, type and trích yếu, «Nơi nhận», signature).
"""

from __future__ import annotations

import re

from assistant.answer import Answer, Citations, quote_units, unit_at
from assistant.catalog import library_document_name, vietnamese_date
from assistant.scope import TYPE_WORDS, acting_clause, named_documents, profiles, question_types
from ingest.header_metadata import read_signature
from ingest.passage import Passage
from ingest.references import find_references, fold, parse_reference_query

# (kind, folded pattern), first match wins: the more specific wordings first
_KINDS = [
    ("recipients", r"\bnoi nhan\b|\bgui (?:den|toi|cho|ve)\b.*\b(?:nao|ai|dau)\b|\bgui (?:nhung|cac) (?:noi|ai)\b"),
    ("replaces", r"\bthay the\b"),
    ("in_force", r"\bhieu luc\b"),
    ("basis", r"\bcan cu\b.*\b(?:nao|gi)\b|\bdua tren (?:van ban|co so) nao\b"),
    ("implements", r"\b(?:tra loi|thuc hien|trien khai|theo yeu cau cua|duoc lap theo|lap theo|can cu vao|"
                   r"de dap ung)\b.*\b(?:nao|gi)\b"),
    ("signer", r"\bai ky\b|\bnguoi ky\b|\bky boi\b|\bky ten\b|\bai la nguoi ky\b"),
    ("issuer", r"\b(?:co quan|don vi|to chuc|cap) nao\b.*\bban hanh\b|\bban hanh boi\b|\b(?:do|cua) ai ban hanh\b"
               r"|\bai ban hanh\b|\bcua co quan nao\b|\bco quan ban hanh\b"),
    ("issued", r"\bban hanh (?:vao )?(?:ngay|khi|luc|thoi gian|nam|thang) (?:nao|bao gio)\b|\bngay ban hanh\b"
               r"|\bky (?:vao )?ngay nao\b|\b(?:ngay|khi|luc) nao\b.*\bban hanh\b|\bban hanh khi nao\b"),
    ("subject", r"\bve (?:van de|viec|noi dung) (?:gi|nao)\b|\bnoi ve (?:gi|dieu gi|van de gi)\b|\btrich yeu\b"
                r"|\bban ve (?:van de )?gi\b|\b(?<!nhung )noi dung (?:chinh )?(?:la )?gi\b|\bve gi\b"),
    ("which", r"\bvan ban nao\b"),
]
_KIND_RES = [(k, re.compile(p)) for k, p in _KINDS]
NOT_STATED = {
    "signer": "không ghi người ký",
    "issuer": "không ghi cơ quan ban hành",
    "recipients": "không có phần «Nơi nhận»",
    "implements": "không ghi văn bản mà nó thực hiện («Thực hiện …»)",
    "basis": "không ghi căn cứ ban hành («Căn cứ …»)",
    "replaces": "không ghi việc thay thế văn bản nào",
    "in_force": "không ghi thời điểm có hiệu lực",
    "issued": "không ghi ngày ban hành",
    "subject": "không ghi trích yếu",
}
# what the catalog of cited documents answers first (with its mentions and implementing documents) when it
# recognises the question (assistant.lookup.reference_question); the document's own header otherwise
CATALOG_FIRST = {"subject", "issued", None}
PREAMBLE_PASSAGES = 3        # the preamble («Thực hiện …», «Căn cứ …») is looked for in the first passages
MAX_BASIS = 8
WHICH_PAIRS = 2              # title word pairs a "văn bản nào" question shares with the document it names
AMBIGUOUS_MAX_WORDS = 8      # «Ai ký báo cáo?»: a question this short that names only a type means «the» one
MAX_LISTED = 6               # documents listed when asking which one is meant
WHICH_COVER = 0.8            # ... and the share of its content words found in that document's title
_DATELINE = re.compile(r"[^\n]*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_IN_FORCE = re.compile(r"co hieu luc(?: thi hanh)?(?: ke)? tu|co hieu luc ke tu|co hieu luc thi hanh")
_IN_FORCE_FROM = re.compile(r"co hieu luc(?: thi hanh)?(?: ke)? tu (?:ngay \d|ngay ky|\d)")


def fact_kind(question: str) -> str | None:
    """What the question asks of a document ("signer", "issuer", … see the module docstring), or None."""
    folded = " ".join(re.findall(r"[\w/]+", fold(question)))
    return next((kind for kind, pattern in _KIND_RES if pattern.search(folded)), None)


def _name(library, doc_id: str) -> str:
    return library_document_name(library.document(doc_id))


def _abstain(question: str, library, doc_id: str, kind: str) -> Answer:
    text = f"Văn bản {_name(library, doc_id)} {NOT_STATED[kind]} trong phần có trong thư viện."
    return Answer(question, text, [], abstained=True)


def _signer(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    meta = library.document(doc_id).get("metadata") or {}
    candidates = [p for p in passages if p.kind == "signature"] or passages[-2:]
    for p in reversed(candidates):
        name, role = read_signature(p.text.split("\nPHỤ LỤC")[0])
        name = name or (meta.get("signer", "") if meta.get("signer", "") in p.text else "")
        if not name or name not in p.text:
            continue
        role = role or meta.get("signer_role", "")
        first_role = role.split(", ")[0] if role else ""
        end = p.text.rfind(name) + len(name)
        start = p.text.rfind(first_role, 0, end) if first_role and first_role in p.text[:end] else end - len(name)
        quote = p.text[start:end]
        n = c.cite(p, quote)
        lead = f"Người ký: {name}" + (f" ({role})" if role else "") + f" [{n}]"
        return [lead, f"“{quote}” [{n}]"]
    return []


def _issuer(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    meta = library.document(doc_id).get("metadata") or {}
    lines: list[str] = []
    for p in passages[:PREAMBLE_PASSAGES]:
        found = acting_clause(p.text)
        if found:
            subject, start, _ = found
            unit = unit_at(p.text, start)
            quote = p.text[start:p.text.find(unit) + len(unit)] if unit else subject
            n = c.cite(p, quote)
            lines += [f"Cơ quan ban hành: {subject} [{n}]", f"“{quote}” [{n}]"]
            break
    issuer = meta.get("issuer", "")
    if issuer and passages and issuer.split()[0] in passages[0].text:
        header = passages[0]
        first = header.text.split("\n")[0]
        quote = first if fold(first).startswith(fold(issuer.split()[0])) else ""
        if quote:
            n = c.cite(header, quote)
            if not lines:
                lines.append(f"Cơ quan ban hành: {issuer} [{n}]")
            lines.append(f"Phần đầu văn bản: “{quote}” [{n}]")
    return lines


def _recipients(passages: list[Passage], c: Citations) -> list[str]:
    for p in reversed(passages):
        at = p.text.find("Nơi nhận")
        if at < 0:
            continue
        items, end = [], at
        for m in re.finditer(r"^[-+•]\s*(.+)$", p.text[at:], flags=re.M):
            items.append(m.group(1).strip().rstrip(",;."))
            end = at + m.end()
        if not items:
            continue
        quote = p.text[at:end]
        n = c.cite(p, quote)
        return [f"Nơi nhận: {'; '.join(items)} [{n}]", f"“{quote}” [{n}]"]
    return []


def _preamble_units(passages: list[Passage], starts: re.Pattern) -> list[tuple[Passage, str]]:
    found = []
    for p in passages[:PREAMBLE_PASSAGES]:
        for line in p.text.split("\n"):
            if starts.match(fold(line)):
                for unit in quote_units(line):
                    found.append((p, unit))
                    break
    return found


def _implements(question: str, passages: list[Passage], c: Citations) -> list[str]:
    found = _preamble_units(passages, re.compile(r"^\W*(?:thuc hien|trien khai|theo yeu cau|can cu)"))
    found = [f for f in found if not fold(f[1]).lstrip("- ").startswith("can cu")] or found
    if not found:
        return []
    wanted = question_types(question.split(" nào")[0].split(" nao")[0][-40:]) or question_types(question)
    lines = []
    for p, unit in found[:MAX_BASIS]:
        refs = [r for r in find_references(unit) if r.number or r.key]
        typed = [r for r in refs if r.doc_type in wanted] or refs
        n = c.cite(p, unit)
        if typed:
            names = ", ".join(f"{r.doc_type or 'Văn bản'} số {r.number}" if r.number else r.text for r in typed)
            lines.append(f"Văn bản được thực hiện: {names} [{n}]")
        lines.append(f"“{unit}” [{n}]")
    return lines


def _basis(passages: list[Passage], c: Citations) -> list[str]:
    found = _preamble_units(passages, re.compile(r"^\W*can cu"))
    return [f"“{unit}” [{c.cite(p, unit)}]" for p, unit in found[:MAX_BASIS]]


def _body_sentence(passages: list[Passage], test) -> list[tuple[Passage, str]]:
    return [(p, u) for p in passages for u in quote_units(p.text) if test(fold(u))]


def _replaces(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    own = fold((library.document(doc_id).get("metadata") or {}).get("doc_type", "") or "van ban")
    found = _body_sentence(passages, lambda u: "thay the" in u and " nay" in u and bool(find_references(u)))
    found = [f for f in found if own + " nay" in fold(f[1])] or found
    if not found:
        found = _body_sentence(passages, lambda u: re.search(r"\bbai bo\b|\bhet hieu luc\b", u) is not None
                               and bool(find_references(u)))
    lines = []
    for p, unit in found[:2]:
        n = c.cite(p, unit)
        replaced = [r for r in find_references(unit) if r.number]
        if replaced and not lines:
            lines.append("Văn bản bị thay thế: " + ", ".join(f"{r.doc_type or 'Văn bản'} số {r.number}"
                                                             for r in replaced) + f" [{n}]")
        lines.append(f"“{unit}” [{n}]")
    return lines


def _in_force(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    own = fold((library.document(doc_id).get("metadata") or {}).get("doc_type", "") or "")
    found = _body_sentence(passages, lambda u: _IN_FORCE.search(u) is not None and "truoc ngay" not in u)
    found = [f for f in found if own and own + " nay" in fold(f[1])] or found
    # the sentence that gives the date («… này có hiệu lực thi hành từ ngày …») before one that only mentions it
    found.sort(key=lambda f: (not _IN_FORCE_FROM.search(fold(f[1])), " nay co hieu luc" not in fold(f[1])))
    return [f"“{unit}” [{c.cite(p, unit)}]" for p, unit in found[:1]]


def _issued(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    meta = library.document(doc_id).get("metadata") or {}
    for p in passages[:1]:
        m = _DATELINE.search(p.text)
        if m:
            quote = m.group(0).strip()
            n = c.cite(p, quote)
            lead = f"Ngày ban hành: {vietnamese_date(meta['date'])} [{n}]" if meta.get("date") else ""
            return [x for x in (lead, f"“{quote}” [{n}]") if x]
    title = library.document(doc_id).get("title", "")
    for p in passages[:1]:
        refs = [r for r in find_references(p.section + "\n" + p.text) if r.date]
        if refs and refs[0].text in p.text and refs[0].number and refs[0].number in title:
            n = c.cite(p, refs[0].text)
            return [f"Ngày ban hành: {vietnamese_date(refs[0].date)} [{n}]", f"“{refs[0].text}” [{n}]"]
    return []


def _subject(library, doc_id: str, passages: list[Passage], c: Citations) -> list[str]:
    meta = library.document(doc_id).get("metadata") or {}
    if not passages:
        return []
    header = passages[0]
    title = meta.get("title", "")
    lines = []
    if title and title in header.text:
        n = c.cite(header, title)
        lines.append(f"Trích yếu: “{title}” [{n}]")
    else:
        caps = [ln for ln in header.text.split("\n")[:12] if len(ln.split()) >= 3 and ln == ln.upper()
                and not ln.startswith(("BAN CHẤP", "ĐẢNG CỘNG", "CỘNG HÒA"))]
        if caps:
            lines.append(f"Trích yếu: “{caps[0]}” [{c.cite(header, caps[0])}]")
    for p in passages[:PREAMBLE_PASSAGES]:
        pre = [u for line in p.text.split("\n") if re.match(r"^\W*(?:thuc hien|tai phien|can cu|de )", fold(line))
               and not fold(line).lstrip("- ").startswith("can cu") for u in quote_units(line)[:1]]
        if pre:
            lines.append(f"“{pre[0]}” [{c.cite(p, pre[0])}]")
            break
    return lines


def _which(question: str, library, c: Citations) -> list[str]:
    """A library document whose title covers a «văn bản nào …» question: at least WHICH_COVER of the question's
    content words (those not naming the issuer) are words of its title, WHICH_PAIRS word pairs shared."""
    from assistant.scope import _STOP, _pairs

    asked = [w for w in re.findall(r"\w+", fold(question)) if w not in _STOP and not w.isdigit()]
    best = []
    for prof in profiles(library):
        passages = library.document_passages(prof.doc_id)
        acting = next((found for p in passages[:PREAMBLE_PASSAGES] if (found := acting_clause(p.text))), None)
        issuer_words = set(re.findall(r"\w+", fold(acting[0]))) if acting else set()
        title_words = {w for pair in prof.title_pairs for w in pair}
        content = [w for w in asked if w not in issuer_words and w not in {"quy", "dinh", "huong", "dan"}]
        covered = [w for w in content if w in title_words]
        if content and len(covered) >= WHICH_COVER * len(content) and len(_pairs(question) & prof.title_pairs) >= \
                WHICH_PAIRS:
            best.append((len(covered) / len(content), prof.doc_id, passages, acting))
    if not best:
        return []
    best.sort(key=lambda s: -s[0])
    if len(best) > 1 and best[1][0] == best[0][0]:
        return []                                   # two documents fit as well: not sure which
    _, doc_id, passages, acting = best[0]
    doc = library.document(doc_id)
    meta = doc.get("metadata") or {}
    lines = [f"{library_document_name(doc)}" + (f", ngày {vietnamese_date(meta['date'])}" if meta.get("date") else "")
             + ":"]
    if acting:
        p = next(p for p in passages[:PREAMBLE_PASSAGES] if acting_clause(p.text) == acting)
        unit = unit_at(p.text, acting[1])
        quote = p.text[acting[1]:p.text.find(unit) + len(unit)] if unit else acting[0]
        lines.append(f"“{quote}” [{c.cite(p, quote)}]")
    lines += _subject(library, doc_id, passages, c)[:1]
    return lines if len(lines) > 1 else []


def _which_one(question: str, library, kind: str) -> Answer | None:
    """For a question about «the» document of a type the library holds several of («Ai ký báo cáo?» over many
    reports): an abstention that lists them and asks which one is meant; None when the question names no type
    (retrieval answers it) or when no «this document» is meant by it."""
    types = question_types(question) - {"Văn bản"}
    if kind in ("subject", "which") or len(types) != 1 or parse_reference_query(question):
        return None
    if len(re.findall(r"\w+", fold(question))) > AMBIGUOUS_MAX_WORDS:
        return None   # a question saying more («… báo cáo năm 2013 của trường …») names it; retrieval finds it
    of_type = [p for p in profiles(library) if p.doc_type in types]
    if len(of_type) < 2:
        return None
    titles = "; ".join(f"«{library.document(p.doc_id).get('title', p.doc_id)}»" for p in of_type[:MAX_LISTED])
    more = f" và {len(of_type) - MAX_LISTED} văn bản khác" if len(of_type) > MAX_LISTED else ""
    [doc_type] = types
    text = (f"Thư viện có {len(of_type)} văn bản loại «{doc_type}»: {titles}{more}. "
            f"Xin nêu rõ văn bản nào (số hiệu, tên hoặc đơn vị ban hành).")
    return Answer(question, text, [], abstained=True)


def document_facts_answer(question: str, library) -> Answer | None:
    """The quoted answer to a question about a library document itself, an abstention when the document does
    not state it, or None (not such a question, or no library document named)."""
    kind = fact_kind(question)
    if kind is None:
        return None
    c = Citations()
    if kind == "which":
        if parse_reference_query(question):
            return None                              # «văn bản nào thực hiện Công văn 1601 …»: the catalog
        if question_types(re.split(r"(?i)\bn[àa]o\b", question)[0]) - {"Văn bản"}:
            return None                              # «Kế hoạch nào …»: retrieval and the catalog answer
        lines = _which(question, library, c)
        return Answer(question, "\n\n".join(lines), c.sources) if lines else None
    docs = named_documents(question, library)
    if not docs:
        return _which_one(question, library, kind)
    doc_id = docs[0]
    passages = library.document_passages(doc_id)
    if kind == "signer":
        lines = _signer(library, doc_id, passages, c)
    elif kind == "issuer":
        lines = _issuer(library, doc_id, passages, c)
    elif kind == "recipients":
        lines = _recipients(passages, c)
    elif kind == "implements":
        lines = _implements(question, passages, c)
    elif kind == "basis":
        lines = _basis(passages, c)
    elif kind == "replaces":
        lines = _replaces(library, doc_id, passages, c)
    elif kind == "in_force":
        lines = _in_force(library, doc_id, passages, c)
    elif kind == "issued":
        lines = _issued(library, doc_id, passages, c)
    else:
        lines = _subject(library, doc_id, passages, c)
    if not lines:
        return _abstain(question, library, doc_id, kind)
    name = _name(library, doc_id)
    return Answer(question, "\n\n".join([f"{name}:"] + lines), c.sources)


__all__ = ["TYPE_WORDS", "document_facts_answer", "fact_kind"]
