"""Build a whole study pack («Tài liệu sinh hoạt chuyên đề») for a selection of library documents."""

from __future__ import annotations

from assistant.catalog import own_keys
from assistant.study.discussion import discussion, load_templates
from assistant.study.figures import figures
from assistant.study.outline import outline, sections_of
from assistant.study.pack import StudyPack
from assistant.study.related import related
from ingest.docnumbers import doc_number_keys
from ingest.references import matches, parse_reference_query
from vectorstore.tokenize import fold_accents

try:    # written separately (issue #11); the pack is built without a quiz until it is there
    from assistant.study.quiz import make_quiz
except ImportError:     # pragma: no cover - depends on the checkout
    make_quiz = None

TITLE = "Tài liệu sinh hoạt chuyên đề: "


def _folded(text: str) -> str:
    return " ".join(fold_accents(text.lower()).split())


def select_documents(library, query: str) -> list[str]:
    """The library doc_ids a query names, in library order: a doc_id, a document's own number («21-KL/TW», «Quy
    định 383», «kết luận 21») or a fragment of its title (accent-insensitive): [doc_id, …], [] when none."""
    query = query.strip()
    docs = library.documents()
    if not query:
        return []
    exact = [d["doc_id"] for d in docs if d["doc_id"] == query]
    if exact:
        return exact
    own = own_keys(library)
    keys = set(doc_number_keys(query))
    refs = parse_reference_query(query)
    numbered = [d["doc_id"] for d in docs if own.get(d["doc_id"]) and (
        own[d["doc_id"]] in keys or any(matches(ref, own[d["doc_id"]]) for ref in refs))]
    if numbered:
        return numbered
    fragment = _folded(query)
    return [d["doc_id"] for d in docs if fragment in _folded(d.get("title", ""))]


def build_pack(library, doc_ids: list[str], topic: str = "", sections: list[str] | None = None,
               quiz_count: int = 10) -> StudyPack:
    """The pack of the documents (in the order given), narrowed by ``topic`` and ``sections`` (see outline):
    StudyPack(title «Tài liệu sinh hoạt chuyên đề: <titles>», documents, topic, outline, figures, related,
    discussion, quiz). Figures and quiz come from the passages of the outline's sections (footnotes included) —
    the whole documents without header and signature when nothing narrows them."""
    titles = [library.document(doc_id).get("title") or doc_id for doc_id in doc_ids]
    points = outline(library, doc_ids, topic, sections)
    passages = [p for _, _, members in sections_of(library, doc_ids, topic, sections) for p in members]
    quiz = make_quiz(library, passages, quiz_count) if make_quiz and quiz_count > 0 else []
    return StudyPack(
        title=TITLE + "; ".join(titles),
        documents=list(doc_ids),
        topic=topic,
        outline=points,
        figures=figures(passages),
        related=related(library, doc_ids),
        discussion=discussion(points, load_templates()),
        quiz=quiz,
    )
