"""«Đề cương»: the main points of each selected document in its own order, with one or two key sentences quoted.

A main point is a top-level part of the document (the first level of ``passage.section``: «I. ĐẶC ĐIỂM, TÌNH
HÌNH») numbered "1", "2" …, and its second-level parts «2.1», «2.2» …; in a legal document (one with articles)
each article (Điều) is a point, numbered "1", "2" … in order. Header, signature and footnote passages are skipped.
A point's key sentences are its lead sentence and, when another one states a figure, the first such sentence
(never an instruction, never a bare heading).
"""

from __future__ import annotations

import re

from assistant.study.figures import sentence_figures
from assistant.study.pack import OutlinePoint
from assistant.study.quoting import SKIPPED_KINDS, quotable_sentences, quote
from ingest.passage import Passage
from ingest.references import fold
from vectorstore.tokenize import fold_accents, words

SEP = " › "
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+\d+")
_MIN_WORDS = 6          # a shorter sentence without a final mark is a heading, not a key sentence
INTRO = "Phần mở đầu"


def _path(passage: Passage) -> list[str]:
    """The section path without the footnote part («Chú thích 3»)."""
    return [part for part in passage.section.split(SEP) if part and not part.startswith("Chú thích")]


def _key(passage: Passage, legal: bool) -> tuple[str, ...]:
    """The heading(s) of the point the passage belongs to: up to the article in a legal document, else the first
    two levels."""
    path = _path(passage)
    if legal:
        for i, part in enumerate(path):
            if _ARTICLE.match(part):
                return tuple(path[: i + 1])
        return tuple(path[:1])
    return tuple(path[:2])


def _is_heading(sentence: str, headings: list[str]) -> bool:
    if sentence.rstrip(" :") in headings:
        return True
    return len(sentence.split()) < _MIN_WORDS and not sentence.rstrip().endswith((".", "!", "?", "…", ";"))


def key_sentences(passages: list[Passage], headings: list[str], limit: int = 2) -> list[tuple[str, Passage]]:
    """The lead sentence of the passages and the first sentence with a figure (if another): [(sentence, passage)]."""
    lead = None
    figure = None
    for passage in passages:
        for sentence in quotable_sentences(passage):
            if _is_heading(sentence, headings):
                continue
            if lead is None:
                lead = (sentence, passage)
            if figure is None and sentence_figures(sentence):
                figure = (sentence, passage)
            if lead and figure:
                break
        if lead and figure:
            break
    chosen = [lead] if lead else []
    if figure and figure != lead:
        chosen.append(figure)
    return chosen[:limit]


def _matches_section(path: tuple[str, ...], wanted: list[str]) -> bool:
    """Whether a heading of the path starts with one of the wanted labels («II», «Điều 5», «2.1»), accent- and
    case-insensitive, the label followed by «.», «:», «-», a space or the end."""
    for part in path:
        folded = fold(part.strip())
        for label in wanted:
            label = fold(label.strip()).rstrip(".")
            if label and re.match(rf"{re.escape(label)}(?:[.:\-\s]|$)", folded):
                return True
    return False


def _mentions(passages: list[Passage], path: tuple[str, ...], topic_words: list[str]) -> bool:
    text = " ".join([*path, *(p.text for p in passages)])
    present = set(fold_accents(w) for w in words(text))
    return all(w in present for w in topic_words)


def sections_of(library, doc_ids: list[str], topic: str = "",
                sections: list[str] | None = None) -> list[tuple[bool, tuple[str, ...], list[Passage]]]:
    """The points' sections of the documents, in order, narrowed by topic and sections (see outline):
    [(legal document?, heading path of the point, its passages including footnotes), …]; header and signature
    passages are left out."""
    topic_words = [fold_accents(w) for w in words(topic)]
    found = []
    for doc_id in doc_ids:
        passages = [p for p in library.document_passages(doc_id) if p.kind not in ("header", "signature")]
        legal = any(_ARTICLE.match(part) for p in passages for part in _path(p))
        groups: dict[tuple[str, ...], list[Passage]] = {}
        for passage in passages:
            groups.setdefault(_key(passage, legal), []).append(passage)
        for path, members in groups.items():
            if sections and not _matches_section(path, sections):
                continue
            if topic_words and not _mentions(members, path, topic_words):
                continue
            found.append((legal, path, members))
    return found


def outline(library, doc_ids: list[str], topic: str = "", sections: list[str] | None = None) -> list[OutlinePoint]:
    """The outline of the documents (in the order given), each document's points in its own order:
    [OutlinePoint(number "1" | "2.1", heading, [Quote, …]), …]. ``topic`` keeps the points whose headings or passages
    hold every word of the topic (accent-insensitive); ``sections`` («II», «Điều 5») keeps the points under those
    headings. Numbers run on across documents."""
    points: list[OutlinePoint] = []
    top = sub = 0
    last_top: tuple[str, ...] | None = None
    for legal, path, members in sections_of(library, doc_ids, topic, sections):
        body = [p for p in members if p.kind not in SKIPPED_KINDS]
        if not body:
            continue
        headings = [*path, *(part for p in body for part in _path(p))]
        quotes = [quote(s, p) for s, p in key_sentences(body, headings)]
        if legal or len(path) < 2:
            top += 1
            sub = 0
            last_top = None
            points.append(OutlinePoint(str(top), path[-1] if path else INTRO, quotes))
            continue
        if (body[0].doc_id, path[0]) != last_top:      # the part's own heading, even without text of its own
            top += 1
            sub = 0
            last_top = (body[0].doc_id, path[0])
            points.append(OutlinePoint(str(top), path[0], []))
        sub += 1
        points.append(OutlinePoint(f"{top}.{sub}", path[1], quotes))
    return points
