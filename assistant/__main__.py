"""Command line: python -m assistant ask "câu hỏi"."""

from __future__ import annotations

import argparse
import sys

from assistant.render import answer_plain


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
    print(answer_plain(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
