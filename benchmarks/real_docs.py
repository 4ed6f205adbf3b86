"""Evaluation on real party and state documents: index a folder of documents beside the bundled sample,
then run question sets through the same path the app uses (assistant.eval).

    .venv/bin/python benchmarks/real_docs.py --docs ../shared/real-docs \
        --questions ../shared/eval/dev-real-qa.jsonl ../shared/eval/dev-qa.jsonl [--data /tmp/real] [--details DIR]

The documents are read by path and never copied into the repository. ``--data`` keeps the index between
runs (a file already indexed is skipped by its content hash); without it a temporary DATA_DIR is used.
Prints one JSON object per question set, then the answerable questions that missed (with ``--misses``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def document_files(folder: Path) -> list[Path]:
    """The documents of a folder: every supported file but the folder's own notes (SOURCE.md, README.md)."""
    from ingest.loader import ALL_SUFFIXES

    notes = {"source.md", "readme.md"}
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in ALL_SUFFIXES
                  and p.name.lower() not in notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, nargs="*", default=[], help="folders or files of documents")
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--data", type=Path, help="DATA_DIR to index into (default: a temporary one)")
    parser.add_argument("--details", type=Path, help="folder for one details JSONL per question set")
    parser.add_argument("--misses", action="store_true", help="print the questions that missed")
    parser.add_argument("--keywords-only", action="store_true",
                        help="answer as the app does before any vector is computed (every passage waiting)")
    args = parser.parse_args(argv)

    data = args.data or Path(tempfile.mkdtemp(prefix="real-docs-"))
    os.environ["DATA_DIR"] = str(data)
    from assistant.eval import answerable, evaluate, read_questions
    from assistant.pipeline import Assistant
    from vectorstore.indexer import ensure_samples_indexed, index_files

    assistant = Assistant()
    ensure_samples_indexed(assistant.library)
    files = [f for d in args.docs for f in (document_files(d) if d.is_dir() else [d])]
    if files:
        for result in index_files(assistant.library, files, show_progress=False):
            if result.status == "rejected":
                print(f"rejected {result.title}: {result.error}", file=sys.stderr)
    if args.keywords_only:  # the vectors dropped (in this DATA_DIR): every passage waits for its vector
        collection = assistant.library._collection
        ids = collection.get(include=[])["ids"]
        for start in range(0, len(ids), 1000):
            collection.delete(ids=ids[start : start + 1000])
        assistant.library.store.mark_all_waiting()
    for path in args.questions:
        items = read_questions(path)
        summary, rows = evaluate(assistant, items)
        print(json.dumps({"questions": path.name, **summary}, ensure_ascii=False))
        if args.details:
            args.details.mkdir(parents=True, exist_ok=True)
            with open(args.details / f"{path.stem}.details.jsonl", "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        if args.misses:
            for item, row in zip(items, rows, strict=True):
                expected = item.get("answer") or []
                text = " ".join(row["answer"].split())
                if answerable(item):
                    ok = not row["abstained"] and all(" ".join(a.split()) in text for a in expected)
                else:
                    ok = row["abstained"]
                if not ok:
                    print(f"  MISS {item['id']} [{item.get('kind')}] {item['question']}\n"
                          f"       -> {text[:300]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
