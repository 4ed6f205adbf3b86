"""The study pack's data model: what the builders fill and the exporters write.

Every quotation is a verbatim substring of its passage's text (Passage.text), and every item
carries a Citation saying where it comes from (document, section or article, page for PDFs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.passage import Passage


@dataclass
class Citation:
    """Where a quotation comes from: the passage, and the readable place (title › section, page)."""

    passage: Passage

    @property
    def label(self) -> str:
        """«Tên tài liệu — Mục / Điều … (trang N)», as a footnote or a «Nguồn» line reads it."""
        where = self.passage.section or "phần mở đầu"
        page = f" (trang {self.passage.page})" if self.passage.page else ""
        return f"{self.passage.doc_title} — {where}{page}"


@dataclass
class Quote:
    """A sentence quoted verbatim from its passage."""

    text: str
    citation: Citation


@dataclass
class OutlinePoint:
    """One main point of the outline (Đề cương), in the document's order: a part, section or article
    heading and one or two key sentences quoted from it."""

    number: str                 # numbered like the outline: "1", "2", "2.1" …
    heading: str                # the section/article heading as written
    quotes: list[Quote]


@dataclass
class Figure:
    """One row of «Số liệu chính»: the number as written, what it measures (the noun bound to it),
    the sentence that states it, and its citation."""

    value: str                  # "4.663", "102,67%", "25/10/2021"
    measures: str               # "đảng viên", "tổ chức cơ sở đảng" …
    quote: Quote


@dataclass
class RelatedDocument:
    """A document the selection cites (from the catalog): type, number as written, date, subject,
    and whether its full text is in the library."""

    kind: str                   # "Kết luận", "Quy định" …
    number: str                 # "21-KL/TW" as written
    date: str                   # "25/10/2021" or ""
    subject: str                # trích yếu, or ""
    in_library: bool
    citation: Citation          # a passage of the selection that cites it


@dataclass
class DiscussionQuestion:
    """An open question for discussion, built from one outline point (templates in prompts/)."""

    text: str
    point: str                  # the OutlinePoint.number it comes from
    citation: Citation


@dataclass
class QuizItem:
    """A multiple-choice question: a stem made from a quoted sentence with one fact blanked, the
    correct option and three distractors of the same kind, none of them true in that sentence."""

    stem: str                   # the sentence with the fact replaced by "……"
    options: list[str]          # four options, in the order shown (A, B, C, D)
    answer: int                 # index of the correct option in options
    kind: str                   # "number" | "date" | "document" | "body" | "name"
    quote: Quote                # the full sentence, verbatim, with its citation


@dataclass
class StudyPack:
    """A whole pack, in the order it is exported: the five parts."""

    title: str                  # «Tài liệu sinh hoạt chuyên đề: …»
    documents: list[str]        # doc_ids of the selection
    topic: str = ""             # the optional narrowing topic
    outline: list[OutlinePoint] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    related: list[RelatedDocument] = field(default_factory=list)
    discussion: list[DiscussionQuestion] = field(default_factory=list)
    quiz: list[QuizItem] = field(default_factory=list)

PARTS = ("Đề cương", "Số liệu chính", "Văn bản liên quan", "Câu hỏi thảo luận", "Câu hỏi trắc nghiệm")
