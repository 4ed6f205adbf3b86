"""Command line: python -m ingest PATH… (files or folders) into the library of DATA_DIR."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Nạp tài liệu vào thư viện")
    parser.add_argument("paths", nargs="+", type=Path, help="tệp hoặc thư mục")
    parser.add_argument(
        "--replace", metavar="DOC", default="",
        help="cập nhật tài liệu DOC (mã tài liệu trong danh sách) bằng tệp đã cho, dù tệp ở nguồn khác",
    )
    parser.add_argument(
        "--background", action="store_true",
        help="chỉ ghi tài liệu (tìm được theo từ khóa ngay) rồi thoát; ứng dụng đang chạy, hoặc lần nạp sau, "
             "sẽ lập chỉ mục ngữ nghĩa cho các đoạn còn chờ",
    )
    args = parser.parse_args(argv)

    import config
    from vectorstore.embedder import load_embedder
    from vectorstore.indexer import STATUS_LABELS, index_files, outcome_note
    from vectorstore.library import Library

    settings = config.load()
    library = Library(settings, load_embedder(settings))
    if args.replace and (len(args.paths) != 1 or args.paths[0].is_dir()):
        print("--replace cần đúng một tệp (không phải thư mục).", file=sys.stderr)
        return 2
    results = index_files(library, args.paths, replace=args.replace, embed=not args.background)
    for r in results:
        extra = f": {outcome_note(r)}" if outcome_note(r) else ""
        print(f"{STATUS_LABELS[r.status]:>15}  {r.title} — {r.passages} đoạn{extra}")
    counts = Counter(r.status for r in results)
    print("Tổng kết: " + ", ".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items()))
    done, total = library.vector_progress()
    if done < total:
        print(f"{total - done:,} đoạn đang chờ lập chỉ mục ngữ nghĩa (đã tìm được theo từ khóa); ".replace(",", ".")
              + "ứng dụng đang chạy hoặc lần nạp sau sẽ hoàn tất.")
    return 1 if counts.get("rejected") else 0


if __name__ == "__main__":
    sys.exit(main())
