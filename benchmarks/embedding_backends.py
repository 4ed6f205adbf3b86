"""Embedding backends side by side: speed, closeness to float32 torch, retrieval on the dev sets.

    .venv/bin/python benchmarks/embedding_backends.py --docs ../shared/real-docs \
        --dev-qa ../shared/eval/dev-qa.jsonl --dev-real-qa ../shared/eval/dev-real-qa.jsonl [--backends ...]

For each backend (EMBEDDING_BACKEND, see vectorstore.embedder): passages per second on a fixed set
of passages (those of samples/ and of --docs, parsed by ingest), the min and mean cosine of its
vectors to those of ``torch``, then the retrieval metrics of ``python -m assistant.eval`` on
--dev-qa (the bundled sample) and of ``benchmarks/real_docs.py`` on --dev-real-qa (sample and
--docs), each in a fresh temporary DATA_DIR into which the built models are linked (no rebuild).
Prints one JSON object per backend.

    .venv/bin/python benchmarks/embedding_backends.py embed --backend onnx-int8 --n 200 [--docs DIR]

embeds the first N of those passages with one backend and prints passages/s (model loading not
counted): the command to time one backend against another with a whole-process timer, e.g.
``/usr/bin/time -v`` or hyperfine, alternating the two.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

MODELS_CACHE = Path(tempfile.gettempdir()) / "embedding-backends-models"  # built models, reused across runs


def passages(docs: list[Path]) -> list[str]:
    """The embedding texts of the passages of samples/ and of the given folders, in a fixed order."""
    from benchmarks.real_docs import document_files
    from ingest.loader import load_documents

    files = document_files(ROOT / "samples") + [f for d in docs for f in (document_files(d) if d.is_dir() else [d])]
    texts = [p.embed_text for f in files for doc in load_documents(f) for p in doc.passages]
    return list(dict.fromkeys(texts))


def load(backend: str, models: Path):
    import config
    from vectorstore.embedder import load_embedder

    settings = dataclasses.replace(config.load(), data_dir=models.parent, embedding_backend=backend)
    return load_embedder(settings)


def embed_main(args: argparse.Namespace) -> int:
    texts = passages(args.docs)[: args.n]
    embedder = load(args.backend, args.models)
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    print(json.dumps({"backend": args.backend, "passages": len(texts), "seconds": round(seconds, 2),
                      "passages_per_s": round(len(texts) / seconds, 1)}))
    return 0


def _linked_data_dir(models: Path) -> Path:
    """A fresh DATA_DIR whose models/ are hard links to the built ones (a copy without the cost)."""
    data = Path(tempfile.mkdtemp(prefix="backend-eval-"))
    shutil.copytree(models, data / "models", copy_function=os.link)
    return data


def _run_json(cmd: list[str], env: dict) -> list[dict]:
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def dev_metrics(backend: str, models: Path, docs: list[Path], dev_qa: Path, dev_real_qa: Path) -> dict:
    keys = ("recall@1", "recall@5", "mrr@10", "answer_contains")
    result = {}
    for label, cmd in (
        ("dev-qa", [sys.executable, "-m", "assistant.eval", "--questions", str(dev_qa)]),
        ("dev-real-qa", [sys.executable, "benchmarks/real_docs.py", "--questions", str(dev_real_qa),
                         "--docs", *map(str, docs)]),
    ):
        data = _linked_data_dir(models)
        try:
            env = {**os.environ, "DATA_DIR": str(data), "EMBEDDING_BACKEND": backend, "HF_HUB_OFFLINE": "1"}
            if label == "dev-real-qa":
                cmd = [*cmd, "--data", str(data)]
            summary = _run_json(cmd, env)[-1]
        finally:
            shutil.rmtree(data, ignore_errors=True)
        result[label] = {k: summary[k] for k in keys}
    return result


def compare_main(args: argparse.Namespace) -> int:
    texts = passages(args.docs)[: args.n or None]
    reference = None
    for backend in args.backends:
        embedder = load(backend, args.models)
        embedder.embed_passages(texts[:8])  # warm-up
        started = time.perf_counter()
        vectors = embedder.embed_passages(texts)
        seconds = time.perf_counter() - started
        if reference is None:
            reference = load("torch", args.models).embed_passages(texts) if backend != "torch" else vectors
        cos = (vectors * reference).sum(axis=1)
        row = {"backend": backend, "name": embedder.name, "passages": len(texts),
               "passages_per_s": round(len(texts) / seconds, 1),
               "cos_min": round(float(cos.min()), 4), "cos_mean": round(float(cos.mean()), 4)}
        if args.dev_qa and args.dev_real_qa:
            row.update(dev_metrics(backend, args.models, args.docs, args.dev_qa, args.dev_real_qa))
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    from vectorstore.embedder import BACKENDS

    argv = list(sys.argv[1:] if argv is None else argv)
    embed = bool(argv) and argv[0] == "embed"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, nargs="*", default=[], help="folders or files of documents")
    parser.add_argument("--models", type=Path, default=MODELS_CACHE / "models",
                        help="models directory (built on first use, then reused)")
    if embed:
        parser.add_argument("--backend", choices=BACKENDS, required=True)
        parser.add_argument("--n", type=int, default=200, help="passages to embed")
        return embed_main(parser.parse_args(argv[1:]))
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--n", type=int, default=0, help="passages for speed and cosines (default: all)")
    parser.add_argument("--dev-qa", type=Path, help="question set run on the bundled sample")
    parser.add_argument("--dev-real-qa", type=Path, help="question set run on the sample and --docs")
    return compare_main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
