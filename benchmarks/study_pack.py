"""Study packs for real documents: index documents beside the bundled sample, build a pack for each
one asked for (the sample's included), time it, check it is complete and print an excerpt.

    .venv/bin/python benchmarks/study_pack.py --docs ../shared/real-docs/383-QD-TW.md \
        ../shared/real-docs/212-KL-TW.md [--data /tmp/study] [--out /tmp/packs]

The documents are read by path and never copied into the repository. A pack is complete when its
five parts are present (outline, figures, related documents, discussion, quiz) and every quotation
is a verbatim substring of its cited passage. With ``--out`` the .docx and .md of each pack are written.
Exits 1 if a pack is incomplete.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def quotes_of(pack) -> list:
    """Every Quote of a pack, with the part it belongs to."""
    found = [("Đề cương", q) for point in pack.outline for q in point.quotes]
    found += [("Số liệu chính", f.quote) for f in pack.figures]
    found += [("Câu hỏi trắc nghiệm", item.quote) for item in pack.quiz]
    return found


def problems(pack) -> list[str]:
    """Why a pack is incomplete (empty if it is complete)."""
    found = [f"thiếu phần «{name}»" for name, items in [
        ("Đề cương", pack.outline), ("Số liệu chính", pack.figures), ("Văn bản liên quan", pack.related),
        ("Câu hỏi thảo luận", pack.discussion), ("Câu hỏi trắc nghiệm", pack.quiz)] if not items]
    found += [f"{part}: trích dẫn không nguyên văn: {q.text[:60]}…" for part, q in quotes_of(pack)
              if q.text not in q.citation.passage.text]
    for item in pack.quiz:
        if item.options[item.answer] not in item.quote.text:
            found.append(f"đáp án không có trong câu: {item.stem[:60]}")
        if any(o in item.quote.text for i, o in enumerate(item.options) if i != item.answer):
            found.append(f"phương án nhiễu có trong câu: {item.stem[:60]}")
    return found


def excerpt(pack) -> str:
    """A few lines of each part."""
    lines = [pack.title]
    lines += [f"  Đề cương {p.number}. {p.heading[:80]}" + (f" — «{p.quotes[0].text[:100]}…»" if p.quotes else "")
              for p in pack.outline[:3]]
    lines += [f"  Số liệu: {f.value} | {f.measures} | {f.quote.citation.label[-60:]}" for f in pack.figures[:3]]
    lines += [f"  Văn bản liên quan: {r.kind} {r.number} {r.date} {'(có toàn văn)' if r.in_library else ''}"
              for r in pack.related[:3]]
    lines += [f"  Thảo luận: {d.text[:140]}" for d in pack.discussion[:2]]
    for item in pack.quiz[:2]:
        options = "; ".join(f"{'ABCD'[i]}. {o}" for i, o in enumerate(item.options))
        lines.append(f"  Trắc nghiệm ({item.kind}): {item.stem[:140]} — {options} — đáp án {'ABCD'[item.answer]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, nargs="*", default=[], help="document files to index and pack")
    parser.add_argument("--data", type=Path, help="DATA_DIR to index into (default: a temporary one)")
    parser.add_argument("--out", type=Path, help="folder for each pack's .docx and .md")
    args = parser.parse_args(argv)

    os.environ["DATA_DIR"] = str(args.data or Path(tempfile.mkdtemp(prefix="study-pack-")))
    from assistant.pipeline import Assistant
    from assistant.study.build import build_pack
    from assistant.study.export_docx import write_docx
    from assistant.study.export_md import pack_markdown
    from vectorstore.indexer import ensure_samples_indexed, index_files

    assistant = Assistant()
    library = assistant.library
    doc_ids = [r.doc_id for r in ensure_samples_indexed(library)] or [d["doc_id"] for d in library.documents()[:1]]
    for result in index_files(library, args.docs, show_progress=False):
        if result.status == "rejected":
            print(f"bị từ chối {result.title}: {result.error}", file=sys.stderr)
        else:
            doc_ids.append(result.doc_id)
    failed = 0
    for doc_id in dict.fromkeys(doc_ids):
        started = time.perf_counter()
        pack = build_pack(library, [doc_id])
        seconds = time.perf_counter() - started
        wrong = problems(pack)
        failed += bool(wrong)
        print(f"\n## {doc_id}: {seconds:.2f} s; {len(pack.outline)} ý, {len(pack.figures)} số liệu, "
              f"{len(pack.related)} văn bản liên quan, {len(pack.discussion)} câu thảo luận, {len(pack.quiz)} câu "
              f"trắc nghiệm; {'đủ' if not wrong else 'CHƯA ĐỦ: ' + '; '.join(wrong[:5])}")
        print(excerpt(pack))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{doc_id}.md").write_text(pack_markdown(pack), encoding="utf-8")
            write_docx(pack, args.out / f"{doc_id}.docx")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
