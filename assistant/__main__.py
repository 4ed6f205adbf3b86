"""Command line: python -m assistant ask "câu hỏi" | python -m assistant refs [SỐ…]."""

from __future__ import annotations

import argparse
import sys

from assistant.render import answer_plain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Hỏi đáp tài liệu xây dựng Đảng")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="đặt một câu hỏi")
    ask.add_argument("question")
    refs = sub.add_parser("refs", help="các văn bản được trích dẫn (hoặc chi tiết một văn bản)")
    refs.add_argument("query", nargs="*", help='số hiệu hoặc tên văn bản: "21-KL/TW", "Kết luận 21"')
    args = parser.parse_args(argv)

    from assistant.pipeline import Assistant, QuestionError
    from vectorstore.indexer import ensure_samples_indexed

    assistant = Assistant()
    ensure_samples_indexed(assistant.library)
    if args.command == "refs":
        return _refs(assistant.library, " ".join(args.query))
    try:
        answer = assistant.ask(args.question)
    except QuestionError as err:
        print(str(err), file=sys.stderr)
        return 2
    print(answer_plain(answer))
    return 0


def _refs(library, query: str) -> int:
    from assistant.catalog import build_catalog, describe, lookup, summary_line

    catalog = build_catalog(library)
    if not query.strip():
        for entry in sorted(catalog.values(), key=lambda e: e.key):
            print(summary_line(entry))
        print(f"Tổng cộng {len(catalog)} văn bản được trích dẫn.")
        return 0
    found = lookup(catalog, query)
    if not found:
        print(f"Không tìm thấy văn bản nào được trích dẫn khớp với “{query}”.", file=sys.stderr)
        return 1
    for entry in found:
        print(describe(entry))
        for i, passage in enumerate(entry.citing, 1):
            print(f"\n[{i}] {passage.doc_title}" + (f" › {passage.section}" if passage.section else ""))
            print(passage.text)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
