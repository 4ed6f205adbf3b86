"""Benchmark at scale: index a generated corpus of Vietnamese documents, then time questions.

    .venv/bin/python benchmarks/scale.py                      # 2,000 documents, about 4 MB
    .venv/bin/python benchmarks/scale.py --docs 100           # a quick run
    .venv/bin/python benchmarks/scale.py --models data/models # reuse a converted model

The corpus is made of real sentences: those of the bundled sample report, reshuffled (seeded)
into documents with a title line and numbered headings ("I. …", "1. …"), 1–4 KB each. It is
indexed through the real path (vectorstore.indexer.index_files, Library, load_embedder) in a
fresh temporary DATA_DIR; then the dev and holdout questions go through Assistant.ask and
retrieve(). Prints one JSON object. Timing goals: ≥ 20 passages/s indexed end to end, and
retrieval p95 < 300 ms at 2,000 documents (on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
QUESTION_FILES = [ROOT / "tests" / "data" / "dev-qa.jsonl", ROOT / "tests" / "data" / "holdout-qa.jsonl"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


# ---- the corpus --------------------------------------------------------------------------


def sample_sentences() -> tuple[list[str], list[str]]:
    """The sample's sentences (clean text, from its parsed passages) and its section headings."""
    from ingest.loader import load_document
    from ingest.sentences import split_sentences

    doc = load_document(SAMPLE)
    sentences = [s for p in doc.passages for s in split_sentences(p.text)
                 if 4 <= len(s.split()) <= 150 and not s.endswith(",")]
    parts = {part.strip() for p in doc.passages for part in p.section.split("›")}
    headings = sorted(h for h in parts if h and not h.startswith(("Chú thích", "BÁO CÁO", "Nơi nhận")))
    return sentences, headings


def heading_text(text: str) -> str:
    """A heading without its own number ("II. KẾT QUẢ …" → "KẾT QUẢ …"), up to its first ";"."""
    words = text.split(";")[0].split()
    while words and (words[0].rstrip(".)") in ROMAN or words[0].rstrip(".)").replace(".", "").isdigit()):
        words = words[1:]
    return " ".join(words) or text


def sentence_case(text: str) -> str:
    """'NGUYÊN NHÂN' → 'Nguyên nhân'; 'Xây dựng Đảng' unchanged."""
    if text.isupper():
        text = text[0] + text[1:].lower()
    return text[0].upper() + text[1:]


def make_document(rng: random.Random, number: int, sentences: list[str], headings: list[str]) -> str:
    """One markdown document of 1–4 KB: a title, sections "I. …" with subsections "1. …"."""
    target = int(rng.triangular(1024, 4096, 1024)) - 600  # the last paragraph overshoots it
    topic = heading_text(rng.choice(headings))
    lines = [f"# Báo cáo số {number}-BC/HU: {sentence_case(topic)}", ""]
    size = len("\n".join(lines).encode())
    section = 0
    while size < target and section < len(ROMAN):
        lines += [f"## {ROMAN[section]}. {heading_text(rng.choice(headings)).upper()}", ""]
        section += 1
        for sub in range(1, rng.randint(1, 3) + 1):
            lines += [f"### {sub}. {sentence_case(heading_text(rng.choice(headings)))}", ""]
            for _ in range(rng.randint(1, 3)):
                paragraph, words, wanted = [], 0, rng.randint(45, 90)
                while words < wanted:
                    sentence = rng.choice(sentences)
                    paragraph.append(sentence)
                    words += len(sentence.split())
                lines += [" ".join(paragraph), ""]
                size += len(lines[-2].encode()) + 1
                if size >= target:
                    return "\n".join(lines).strip() + "\n"
    return "\n".join(lines).strip() + "\n"


def write_corpus(folder: Path, count: int, seed: int) -> int:
    """Write `count` documents into `folder`; their total size in bytes."""
    sentences, headings = sample_sentences()
    rng = random.Random(seed)
    total = 0
    for number in range(1, count + 1):
        text = make_document(rng, number, sentences, headings)
        path = folder / f"bao-cao-{number:05d}.md"
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


# ---- timing ------------------------------------------------------------------------------


class Stopwatch:
    """Seconds spent in chosen functions, by label (a wrapper around each)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50)), "p95_ms": round(percentile(ms, 95)),
            "max_ms": round(max(ms))}


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KB on Linux


# ---- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the corpus")
    parser.add_argument("--models", type=Path, help="an existing DATA_DIR/models directory to reuse")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        corpus, data_dir = Path(tmp) / "corpus", Path(tmp) / "data"
        corpus.mkdir()
        data_dir.mkdir()
        corpus_bytes = write_corpus(corpus, args.docs, args.seed)
        if args.models:
            (data_dir / "models").symlink_to(args.models.resolve(), target_is_directory=True)
        os.environ["DATA_DIR"] = str(data_dir)

        import config
        import vectorstore.indexer as indexer
        from assistant.pipeline import Assistant
        from assistant.retrieve import retrieve
        from vectorstore.embedder import load_embedder
        from vectorstore.library import Library

        settings = config.load()
        started = time.perf_counter()
        embedder = load_embedder(settings)
        library = Library(settings, embedder)
        open_s = time.perf_counter() - started

        watch = Stopwatch()
        watch.wrap(embedder, "embed_passages", "embed")
        watch.wrap(indexer, "load_documents", "parse")
        watch.wrap(library._collection, "add", "chroma_write")
        watch.wrap(library._collection, "upsert", "chroma_write")
        watch.wrap(library, "_write_registry", "registry_write")
        watch.wrap(library, "_reload", "reload_and_bm25")
        started = time.perf_counter()
        results = indexer.index_files(library, [corpus], show_progress=False)
        ingest_s = time.perf_counter() - started
        ingest_rss = peak_rss_mb()

        added = [r for r in results if r.status == "added"]
        passages = [library.passage(pid) for pid in library._passages]
        words = [len(p.index_text.split()) for p in passages]
        breakdown = {label: round(s, 1) for label, s in sorted(watch.seconds.items())}
        breakdown["other"] = round(ingest_s - sum(watch.seconds.values()), 1)

        questions = [json.loads(line)["question"] for f in QUESTION_FILES
                     for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        assistant = Assistant(settings, library)
        assistant.ask(questions[0])  # warm-up: first-call costs are not query latency
        ask_s, retrieve_s = [], []
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            ask_s.append(time.perf_counter() - started)
        for question in questions:
            started = time.perf_counter()
            retrieve(library, question, 10)
            retrieve_s.append(time.perf_counter() - started)

        result = {
            "documents": len(added),
            "rejected": sum(r.status == "rejected" for r in results),
            "corpus_mb": round(corpus_bytes / 1e6, 2),
            "passages": len(passages),
            "avg_words_per_passage": round(statistics.mean(words), 1),
            "open_library_s": round(open_s, 1),
            "ingest_s": round(ingest_s, 1),
            "documents_per_s": round(len(added) / ingest_s, 2),
            "passages_per_s": round(len(passages) / ingest_s, 2),
            "ingest_breakdown_s": breakdown,
            "embed_only_passages_per_s": round(len(passages) / watch.seconds["embed"], 2),
            "ingest_peak_rss_mb": ingest_rss,
            "ask": latency(ask_s),
            "retrieve": latency(retrieve_s),
            "peak_rss_mb": peak_rss_mb(),
            "cpus": len(os.sched_getaffinity(0)),
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
