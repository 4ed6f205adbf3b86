"""An answer as text for people: Markdown for the app, plain text for the terminal."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import PurePath

from assistant.answer import Answer, Source, highlight
from assistant.catalog import CitedDocument, describe, vietnamese_date
from ingest.passage import Passage

MODE_EXTRACTIVE = "Chế độ trích xuất: câu trả lời là nguyên văn các câu trong tài liệu."
MODE_LLM = ("Chế độ mô hình ngôn ngữ ({label}): mô hình viết câu trả lời từ các đoạn tài liệu; mỗi câu được "
            "đối chiếu với đoạn nó trích dẫn, câu không kiểm chứng được có dấu ⚠.")
UNDERSTOOD = "Câu hỏi được hiểu là: «{question}»"


def mode_line(llm_label: str | None) -> str:
    """Which mode answers: extractive, or the language model named by its label."""
    return MODE_LLM.format(label=llm_label) if llm_label else MODE_EXTRACTIVE
RELATED_HEADING = "Các đoạn có thể liên quan:"


def where(passage: Passage) -> str:
    """Section path, and the page for a PDF: "II. … › 2.1. … (trang 3)"."""
    return f"{passage.section} (trang {passage.page})" if passage.page else passage.section


def _source_markdown(source: Source, with_quotes: bool = True) -> str:
    p = source.passage
    text = html.escape(p.text, quote=False)
    if with_quotes:
        quotes = [html.escape(q, quote=False) for q in source.quotes]
        text = highlight(text, quotes, "<mark>", "</mark>")
    label = f" ({html.escape(source.label)})" if source.label else ""
    return f"**[{source.n}] {html.escape(p.doc_title)}**{label}  \n*{html.escape(where(p))}*\n\n> {text}"


def sources_markdown(answer: Answer) -> str:
    """The cited passages with the quoted sentences highlighted (or, when abstaining, the closest ones)."""
    if answer.sources:
        return "\n\n---\n\n".join(_source_markdown(s) for s in answer.sources)
    if answer.related:
        parts = [_source_markdown(s, with_quotes=False) for s in answer.related]
        return f"**{RELATED_HEADING}**\n\n" + "\n\n---\n\n".join(parts)
    return ""


def answer_markdown(answer: Answer) -> str:
    """The reply as shown in the chat: the quotes with their markers, and a notice if any."""
    text = html.escape(answer.text, quote=False)
    if answer.rewritten:
        text = f"<small>{html.escape(UNDERSTOOD.format(question=answer.rewritten), quote=False)}</small>\n\n{text}"
    if answer.related:
        titles = "; ".join(where(s.passage) for s in answer.related)
        text += f"\n\n*{RELATED_HEADING}* {html.escape(titles, quote=False)}"
    if answer.notice:
        text += f"\n\n*{html.escape(answer.notice, quote=False)}*"
    return text


def answer_plain(answer: Answer) -> str:
    """The answer and its sources as plain text for a terminal."""
    lines = [UNDERSTOOD.format(question=answer.rewritten), ""] if answer.rewritten else []
    lines += [answer.text, ""]
    if answer.notice:
        lines += [answer.notice, ""]
    if answer.verification is not None:
        lines += verification_lines(answer) + [""]
    if answer.sources:
        lines.append("Nguồn:")
        for s in answer.sources:
            label = f" ({s.label})" if s.label else ""
            lines.append(f"[{s.n}] {s.passage.doc_title}{label} — {where(s.passage)}")
            lines.append("    " + highlight(s.passage.text, s.quotes, "«", "»"))
    if answer.related:
        lines.append(RELATED_HEADING)
        for s in answer.related:
            lines.append(f"- {s.passage.doc_title} — {where(s.passage)}: {s.passage.text[:200]}…")
    return "\n".join(lines)


def verification_lines(answer: Answer) -> list[str]:
    """How the model's sentences fared: "Kiểm chứng: 3/4 câu …" and the reason for each one that failed."""
    checked = [s for s in answer.verification.sentences if s.checked]
    ok = sum(s.verified for s in checked)
    lines = [f"Kiểm chứng: {ok}/{len(checked)} câu của mô hình khớp với đoạn được trích dẫn "
             f"(kiểm tra mất {answer.verification_ms:.0f} ms)."]
    lines += [f"  ⚠ «{s.text}»: {s.reason}" for s in checked if not s.verified]
    return lines


DOCUMENT_COLUMNS = ["Tài liệu", "Loại", "Số", "Ngày", "Trang / số đoạn", "Thêm lúc"]


def document_label(document: dict) -> str:
    """Type, number and date of a document, as far as its header tells: "Kết luận số 21-KL/TW, 25/10/2021"."""
    meta = document.get("metadata") or {}
    parts = [" ".join(p for p in (meta.get("doc_type", ""), f"số {meta['number']}" if meta.get("number") else "") if p)]
    if meta.get("date"):
        parts.append(vietnamese_date(meta["date"]))
    return ", ".join(p for p in parts if p)


def document_row(document: dict) -> list:
    """One row of the library table (see DOCUMENT_COLUMNS)."""
    meta = document.get("metadata") or {}
    size = f"{document['passages']} đoạn"
    if document.get("pages"):
        size = f"{document['pages']} trang / {size}"
    return [
        document["title"], meta.get("doc_type", ""), meta.get("number", ""),
        vietnamese_date(meta["date"]) if meta.get("date") else "", size,
        datetime.fromtimestamp(document["added_at"]).strftime("%d/%m/%Y %H:%M"),
    ]


CATALOG_COLUMNS = ["Số hiệu", "Loại", "Ngày", "Trích yếu", "Số đoạn trích dẫn", "Toàn văn"]


def catalog_row(entry: CitedDocument) -> list:
    """One row of the cited-documents table (see CATALOG_COLUMNS)."""
    return [
        entry.number or entry.key, entry.doc_type, vietnamese_date(entry.date) if entry.date else "",
        entry.subject, len(entry.citing), "có trong thư viện" if entry.in_library else "chưa có toàn văn",
    ]


def catalog_detail_markdown(entries: list[CitedDocument]) -> str:
    """What the library knows of each document, and every passage that cites it."""
    parts = []
    for entry in entries:
        lines = [f"**{html.escape(describe(entry))}**"]
        for i, p in enumerate(entry.citing, start=1):
            lines.append(f"{i}. *{html.escape(where(p))}*  \n{html.escape(p.text, quote=False)}")
        parts.append("\n\n".join(lines))
    return "\n\n---\n\n".join(parts)


AUDIT_COLUMNS = ["Thời gian", "Người dùng", "Thao tác", "Tài liệu", "Tệp nguồn"]
AUDIT_ACTIONS = {"added": "thêm mới", "replaced": "cập nhật", "deleted": "xóa"}


def audit_row(entry: dict) -> list:
    """One row of the audit log table (see AUDIT_COLUMNS) from a vectorstore.audit entry; of the source,
    the file name only (uploads are kept under a folder of random letters)."""
    try:
        when = datetime.fromisoformat(entry.get("time", "")).strftime("%d/%m/%Y %H:%M:%S")
    except ValueError:
        when = entry.get("time", "")
    action = entry.get("action", "")
    title = entry.get("title") or entry.get("doc_id", "")
    source = entry.get("source", "")
    return [when, entry.get("user", ""), AUDIT_ACTIONS.get(action, action), title, source and PurePath(source).name]
