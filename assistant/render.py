"""An answer as text for people: Markdown for the app, plain text for the terminal."""

from __future__ import annotations

import html

from assistant.answer import Answer, Source, highlight

MODE_EXTRACTIVE = "Chế độ trích xuất: câu trả lời là nguyên văn các câu trong tài liệu."
RELATED_HEADING = "Các đoạn có thể liên quan:"


def _source_markdown(source: Source, with_quotes: bool = True) -> str:
    p = source.passage
    text = html.escape(p.text, quote=False)
    if with_quotes:
        quotes = [html.escape(q, quote=False) for q in source.quotes]
        text = highlight(text, quotes, "<mark>", "</mark>")
    return f"**[{source.n}] {html.escape(p.doc_title)}**  \n*{html.escape(p.section)}*\n\n> {text}"


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
    if answer.related:
        titles = "; ".join(f"{s.passage.section}" for s in answer.related)
        text += f"\n\n*{RELATED_HEADING}* {html.escape(titles, quote=False)}"
    if answer.notice:
        text += f"\n\n*{html.escape(answer.notice, quote=False)}*"
    return text


def answer_plain(answer: Answer) -> str:
    """The answer and its sources as plain text for a terminal."""
    lines = [answer.text, ""]
    if answer.sources:
        lines.append("Nguồn:")
        for s in answer.sources:
            lines.append(f"[{s.n}] {s.passage.doc_title} — {s.passage.section}")
            lines.append("    " + highlight(s.passage.text, s.quotes, "«", "»"))
    if answer.related:
        lines.append(RELATED_HEADING)
        for s in answer.related:
            lines.append(f"- {s.passage.doc_title} — {s.passage.section}: {s.passage.text[:200]}…")
    return "\n".join(lines)
