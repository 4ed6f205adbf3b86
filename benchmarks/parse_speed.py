"""Benchmark of the parser on large and odd inputs: seconds and KB/s per size, to show linearity.

    .venv/bin/python benchmarks/parse_speed.py [--limit SECONDS] [--quick]

Generates, in a temporary folder: one paragraph of Vietnamese sentences without a line break
(50 KB to 5 MB), the same text without any punctuation, a JSONL corpus of one record (1 and 6
MB), very many short lines without blank lines, and a normal report (the bundled sample) repeated.
Each file is parsed by ``ingest.isolation.load_documents_limited`` with a time limit of
``--limit`` seconds (a parse that takes longer shows as "> limit"). Then the cost of the child
process per file: the bundled sample parsed in the process and through the worker.
Timing goals live here, not in the tests. Prints one table (and one JSON line at the end).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
SENTENCES = [
    "Đảng bộ huyện đã lãnh đạo thực hiện tốt nhiệm vụ chính trị năm 2022, đạt 96,48% kế hoạch.",
    "Công tác xây dựng Đảng được chú trọng; chất lượng sinh hoạt chi bộ từng bước được nâng lên.",
    "Ban Thường vụ quán triệt Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương.",
    "Toàn Đảng bộ có 4.663 đảng viên, trong đó kết nạp mới 152 đảng viên (đạt 101,3%).",
    "Những hạn chế, khuyết điểm cần được khắc phục kịp thời trong thời gian tới!",
    "Vì sao một số chi bộ chưa phát huy vai trò hạt nhân chính trị ở cơ sở?",
    "TS. Nguyễn Văn A nhấn mạnh phương châm “Dân biết. Dân bàn. Dân làm. Dân kiểm tra” tại hội nghị.",
    "Việc kiểm tra, giám sát được thực hiện theo Quy định số 22-QĐ/TW v.v. và các văn bản liên quan.",
]
SHORT_LINES = [
    "- Kiểm tra việc thực hiện nghị quyết",
    "+ Chi bộ cơ sở",
    "1. Công tác chính trị tư tưởng",
    "a) Tổ chức sinh hoạt chuyên đề;",
    "CÔNG TÁC TỔ CHỨC",
    "các chi bộ trực thuộc thực hiện nghiêm túc",
    "Điều 3. Hiệu lực thi hành",
]
KB = 1000


def paragraph(size: int, seed: int = 1) -> str:
    """Sentences joined by spaces, no line break, about ``size`` bytes of UTF-8."""
    rnd = random.Random(seed)
    parts, total = [], 0
    while total < size:
        sentence = rnd.choice(SENTENCES)
        parts.append(sentence)
        total += len(sentence.encode()) + 1
    return " ".join(parts)


def without_punctuation(size: int) -> str:
    """The same paragraph with every punctuation mark removed: one sentence of ``size`` bytes."""
    return "".join(c for c in paragraph(size) if c.isalnum() or c.isspace())


def short_lines(size: int) -> str:
    """Short lines of many kinds (bullets, numbers, capitals, plain), no blank line between them."""
    rnd = random.Random(2)
    lines, total = [], 0
    while total < size:
        line = rnd.choice(SHORT_LINES)
        lines.append(line)
        total += len(line.encode()) + 1
    return "\n".join(lines)


def repeated_report(size: int) -> str:
    """The bundled sample report repeated to about ``size`` bytes (a normal document, for comparison)."""
    text = SAMPLE.read_text(encoding="utf-8")
    return "\n\n".join([text] * max(1, round(size / len(text.encode()))))


def cases(quick: bool) -> Iterator[tuple[str, str, str]]:
    """(case, suffix, text) of each input, made when needed."""
    sizes = [50 * KB, 200 * KB, 1000 * KB] + ([] if quick else [5000 * KB])
    for case, make in (("một đoạn văn", paragraph), ("không dấu câu", without_punctuation),
                       ("nhiều dòng ngắn", short_lines)):
        for size in sizes:
            yield case, ".txt", make(size)
    for size in sizes[1:]:
        yield "báo cáo thường", ".md", repeated_report(size)
    for size in [1000 * KB] + ([] if quick else [6000 * KB]):
        record = {"id": "r1", "title": "Bản ghi lớn", "text": paragraph(size, seed=3)}
        yield "JSONL một bản ghi", ".jsonl", json.dumps(record, ensure_ascii=False) + "\n"


def child_overhead(folder: Path, repeats: int = 20) -> dict:
    """Milliseconds to parse a one-line file and the sample in the process and through the worker
    (medians), and of the first call (the worker starts)."""
    from ingest.isolation import _retire, load_documents_limited
    from ingest.loader import load_documents

    tiny = folder / "mot-dong.txt"
    tiny.write_text(SENTENCES[0], encoding="utf-8")
    _retire()
    started = time.perf_counter()
    load_documents_limited(tiny, 60)
    result = {"first_call_ms": round((time.perf_counter() - started) * 1000, 1)}
    for name, path in (("one_line", tiny), ("sample", SAMPLE)):
        inproc, child = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            load_documents(path)
            inproc.append(time.perf_counter() - started)
            started = time.perf_counter()
            load_documents_limited(path, 60)
            child.append(time.perf_counter() - started)
        result[f"{name}_in_process_ms"] = round(statistics.median(inproc) * 1000, 1)
        result[f"{name}_in_worker_ms"] = round(statistics.median(child) * 1000, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=60.0, help="time limit per file, seconds")
    parser.add_argument("--quick", action="store_true", help="sizes up to 1 MB only")
    args = parser.parse_args()
    from ingest.isolation import load_documents_limited

    rows = []
    print(f"{'trường hợp':<20}{'KB':>8}{'giây':>9}{'KB/s':>9}{'đoạn':>8}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        load_documents_limited(SAMPLE, args.limit)    # the worker is started before the clock runs
        for index, (case, suffix, text) in enumerate(cases(args.quick)):
            path = Path(folder) / f"input-{index}{suffix}"
            path.write_text(text, encoding="utf-8")
            kb = path.stat().st_size / KB
            started = time.perf_counter()
            try:
                passages = sum(len(d.passages) for d in load_documents_limited(path, args.limit))
                seconds = time.perf_counter() - started
                shown = f"{seconds:9.2f}{kb / seconds:9.0f}{passages:8d}"
            except ValueError:
                seconds, passages = None, None
                shown = f"{'> ' + format(args.limit, 'g'):>9}{'':>9}{'':>8}"
            print(f"{case:<20}{kb:8.0f}{shown}", flush=True)
            rows.append({"case": case, "kb": round(kb), "s": seconds and round(seconds, 2), "passages": passages})
        overhead = child_overhead(Path(folder))
    print(f"worker: {overhead}")
    print(json.dumps({"rows": rows, **overhead}, ensure_ascii=False))


if __name__ == "__main__":
    main()
