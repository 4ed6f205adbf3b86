"""Command line: python -m assistant ask "câu hỏi"."""

from __future__ import annotations

import argparse
import sys

from assistant.answer import Answer, highlight


def format_answer(answer: Answer) -> str:
    """The answer and its sources as plain text for a terminal."""
    lines = [answer.text, ""]
    if answer.sources:
        lines.append("Nguồn:")
        for s in answer.sources:
            lines.append(f"[{s.n}] {s.passage.doc_title} — {s.passage.section}")
            lines.append("    " + highlight(s.passage.text, s.quotes, "«", "»"))
    if answer.related:
        lines.append("Các đoạn có thể liên quan:")
        for s in answer.related:
            lines.append(f"- {s.passage.doc_title} — {s.passage.section}: {s.passage.text[:200]}…")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Hỏi đáp tài liệu xây dựng Đảng")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="đặt một câu hỏi")
    ask.add_argument("question")
    args = parser.parse_args(argv)

    from assistant.pipeline import Assistant, QuestionError
    from vectorstore.indexer import ensure_samples_indexed

    assistant = Assistant()
    ensure_samples_indexed(assistant.library)
    try:
        answer = assistant.ask(args.question)
    except QuestionError as err:
        print(str(err), file=sys.stderr)
        return 2
    print(format_answer(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
