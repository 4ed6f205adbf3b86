"""SIGKILL in the middle of an ingest: no half documents, no duplicates, and the rerun finishes the job."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import config
from ingest.loader import read_source
from ingest.sentences import split_sentences
from vectorstore.library import Library
from vectorstore.store import committed_documents

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
DOCUMENTS = 24


def _write_corpus(folder: Path) -> None:
    """Documents made of the sample's real sentences, each with one sentence of its own."""
    sentences = [s for s in split_sentences(read_source(SAMPLE)) if len(s.split()) > 8]
    rng = random.Random(7)
    folder.mkdir()
    for i in range(DOCUMENTS):
        body = " ".join(rng.sample(sentences, 8))
        own = f"Chi bộ Thôn Thử Nghiệm số {i} có {100 + i} đảng viên."
        text = f"BÁO CÁO\nbáo cáo thử nghiệm số {i}\n\nI. TÌNH HÌNH\n{own} {body}\n\nII. KẾT QUẢ\n{body}\n"
        (folder / f"bao-cao-{i:02d}.md").write_text(text, encoding="utf-8")


def _registry(data_dir: Path) -> dict:
    return committed_documents(data_dir)


def _ingest(folder: Path, data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATA_DIR": str(data_dir), "INGEST_BATCH": "8"}  # commit every few documents
    return subprocess.Popen([sys.executable, "-m", "ingest", str(folder)], cwd=config.ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _check_consistent(library: Library) -> None:
    """Every committed document whole, its vectors completed, nothing else in Chroma, BM25 over the same
    passages."""
    library.embed_waiting()
    metas = library._collection.get(include=["metadatas"])["metadatas"]
    per_doc: dict[str, int] = {}
    for meta in metas:
        per_doc[meta["doc_id"]] = per_doc.get(meta["doc_id"], 0) + 1
    assert per_doc == {d["doc_id"]: d["passages"] for d in library.documents()}
    assert len(metas) == len(library) == library.vector_progress()[0]


def test_killed_ingest_leaves_whole_documents_and_resumes(sample_settings, embedder, tmp_path):
    folder = tmp_path / "docs"
    _write_corpus(folder)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "models").symlink_to(sample_settings.models_dir)
    settings = config.Settings(**{**sample_settings.__dict__, "data_dir": data_dir})

    proc = _ingest(folder, data_dir)
    deadline = time.monotonic() + 300
    while len(_registry(data_dir)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = set(_registry(data_dir))
    assert 3 <= len(committed) < DOCUMENTS, "the kill should land in the middle of the folder"

    library = Library(settings, embedder)
    _check_consistent(library)
    some = sorted(committed)[0]
    number = int(some.rsplit("-", 1)[1])
    hits = library.bm25_search(f"Chi bộ Thôn Thử Nghiệm số {number} có {100 + number} đảng viên", 3)
    assert library.passage(hits[0][0]).doc_id == some

    rerun = _ingest(folder, data_dir)
    assert rerun.wait(timeout=600) == 0
    library = Library(settings, embedder)
    _check_consistent(library)
    assert len(library.documents()) == DOCUMENTS
