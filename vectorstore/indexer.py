"""Files in, passages indexed: load each file with ingest, add it to the library."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from ingest.loader import ALL_SUFFIXES, load_documents
from ingest.passage import Document
from vectorstore.library import IngestResult, Library

STATUS_LABELS = {
    "added": "thêm mới", "unchanged": "không đổi", "replaced": "cập nhật",
    "duplicate": "trùng nội dung", "rejected": "bị từ chối",
}


def outcome_note(result: IngestResult) -> str:
    """Why a file was rejected, or which document it duplicates."""
    return result.error or (f"giống tài liệu {result.duplicate_of}" if result.duplicate_of else "")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the supported files inside folders, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ALL_SUFFIXES)
        else:
            files.append(path)
    return files


def index_files(library: Library, paths: Iterable[Path], show_progress: bool = True) -> list[IngestResult]:
    """Index every file; a file that cannot be read is reported as rejected and changes nothing.

    Documents are added and committed in groups of about INGEST_BATCH passages: the BM25 index is
    rebuilt once per group, memory stays bounded however many files there are, and a crash loses
    at most the group in progress (a rerun skips every committed document)."""
    results: list[IngestResult] = []
    pending: list[Document] = []
    with tqdm(total=0, unit=" đoạn", desc="Lập chỉ mục", disable=not show_progress) as bar:
        for path in expand_paths(paths):
            try:
                docs = load_documents(path)
            except (OSError, ValueError) as err:
                results.append(IngestResult(path.stem, path.name, "rejected", 0, error=str(err)))
                continue
            bar.total += sum(len(doc.passages) for doc in docs)
            bar.set_postfix_str(path.name)
            pending += docs
            if sum(len(doc.passages) for doc in pending) >= library.settings.ingest_batch:
                results += library.add(pending, progress=bar.update)
                pending = []
        results += library.add(pending, progress=bar.update)
    return results


def ensure_samples_indexed(library: Library) -> list[IngestResult]:
    """On the very first start, index the bundled sample documents (with a progress bar); a
    library whose documents were all deleted stays empty."""
    if library.documents() or library.has_history():
        return []
    return index_files(library, [library.settings.samples_dir])


def safe_name(name: str) -> str:
    """The file name alone, without any directory part ("../../x.docx" -> "x.docx")."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or "tai-lieu"


def import_upload(library: Library, temp_path: Path, original_name: str) -> list[IngestResult]:
    """Check an uploaded file, keep a copy under DATA_DIR/uploads and index it.

    A rejected file (empty, too large, unsupported, unreadable) or a duplicate leaves no copy
    behind and changes nothing in the library."""
    settings = library.settings
    name = safe_name(original_name)
    size = temp_path.stat().st_size
    limit = settings.max_file_mb * 1024 * 1024
    error = ""
    if size == 0:
        error = f"Tệp rỗng: {name}"
    elif size > limit:
        error = f"Tệp {name} quá lớn ({size / 1048576:.1f} MB; giới hạn {settings.max_file_mb:g} MB)"
    elif Path(name).suffix.lower() not in ALL_SUFFIXES:
        error = f"Định dạng tệp không được hỗ trợ: {Path(name).suffix or name}"
    if error:
        return [IngestResult(Path(name).stem, name, "rejected", 0, error=error)]
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    stored = settings.uploads_dir / name
    staging = settings.uploads_dir / f".{name}.tmp"
    shutil.copyfile(temp_path, staging)
    previous = stored.read_bytes() if stored.exists() else None
    os.replace(staging, stored)
    results = index_files(library, [stored], show_progress=False)
    if not any(r.status in ("added", "replaced", "unchanged") for r in results):
        if previous is None:
            stored.unlink()
        else:
            stored.write_bytes(previous)
    return results
