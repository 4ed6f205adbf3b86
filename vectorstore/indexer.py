"""Files in, passages indexed: load each file with ingest, add it to the library."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from ingest.isolation import load_documents_limited
from ingest.loader import ALL_SUFFIXES
from ingest.passage import Document
from vectorstore import audit
from vectorstore.library import IngestResult, Library

STATUS_LABELS = {
    "added": "thêm mới", "unchanged": "không đổi", "replaced": "cập nhật",
    "duplicate": "trùng nội dung", "rejected": "bị từ chối",
}


def outcome_note(result: IngestResult) -> str:
    """Why a file was rejected, which document it duplicates, that its name is another
    document's, and what the reader skipped: one line, parts joined by "; "."""
    parts = [result.error, f"giống tài liệu {result.duplicate_of}" if result.duplicate_of else "", result.note]
    return "; ".join(p for p in parts + result.warnings if p)


def _record(library: Library, results: list[IngestResult], user: str) -> None:
    """Write the changes among the results to the audit log."""
    for r in results:
        if r.status in audit.CHANGES:
            source = library.document(r.doc_id).get("source_path", "")
            audit.append(library.settings.data_dir, user, r.status, r.doc_id, r.title, source)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the supported files inside folders, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ALL_SUFFIXES)
        else:
            files.append(path)
    return files


def index_files(
    library: Library, paths: Iterable[Path], show_progress: bool = True, *, replace: str = "", user: str = "",
    embed: bool = True,
) -> list[IngestResult]:
    """Index every file; a file that cannot be read is reported as rejected and changes nothing.
    Each file is its own source: a file ingested again from the same path updates its document,
    another file with the same name is another document (vectorstore.identity). `replace` (a
    doc_id) makes the one file given update that document instead. Changes are written to the
    audit log under `user` (default: the command-line user). With `embed` false the documents are
    committed (listed, found by keywords) and their vectors left to a background embedder.

    Documents are added and committed in groups of about INGEST_BATCH passages: the BM25 index is
    rebuilt once per group, memory stays bounded however many files there are, and a crash loses
    at most the group in progress (a rerun skips every committed document). Each file is read in
    a worker process (ingest.isolation) and rejected past MAX_PARSE_SECONDS."""
    results: list[IngestResult] = []
    pending: list[Document] = []
    with tqdm(total=0, unit=" đoạn", desc="Lập chỉ mục", disable=not show_progress) as bar:
        for path in expand_paths(paths):
            try:
                error = file_problem(library.settings, path, path.name)
                if error:
                    raise ValueError(error)
                docs = load_documents_limited(path, library.settings.max_parse_seconds)
            except ValueError as err:
                results.append(IngestResult(path.stem, path.name, "rejected", 0, error=str(err)))
                continue
            except OSError:
                reason = f"Không đọc được tệp {path} (không tồn tại hoặc không có quyền đọc)"
                results.append(IngestResult(path.stem, path.name, "rejected", 0, error=reason))
                continue
            bar.total += sum(len(doc.passages) for doc in docs)
            bar.set_postfix_str(path.name)
            pending += docs
            if sum(len(doc.passages) for doc in pending) >= library.settings.ingest_batch:
                results += _add(library, pending, bar.update, replace, user, embed)
                pending = []
        results += _add(library, pending, bar.update, replace, user, embed)
    return results


def _add(library: Library, docs: list[Document], progress, replace: str, user: str, embed: bool) -> list[IngestResult]:
    if not docs:
        return []
    try:
        results = library.add(docs, progress=progress, replace=replace, embed=embed)
        if not embed:  # the bar counts passages written: their vectors come later, in the background
            progress(sum(len(d.passages) for d in docs))
    except ValueError as err:  # a replace that cannot be done
        return [IngestResult(d.doc_id, d.title, "rejected", 0, error=str(err)) for d in docs]
    _record(library, results, user or audit.command_line_user())
    return results


def remove_document(library: Library, doc_id: str, user: str = "") -> bool:
    """Delete a document (see Library.remove), log it, and delete the copy an upload kept under
    DATA_DIR/uploads. False if there is no such document."""
    entry = library.document(doc_id)
    if not entry or not library.remove(doc_id):
        return False
    audit.append(library.settings.data_dir, user or audit.command_line_user(), "deleted", doc_id,
                 entry.get("title", doc_id), entry.get("source_path", ""))
    _drop_upload_copy(library, entry.get("source_path", ""))
    return True


def _drop_upload_copy(library: Library, source_path: str) -> None:
    """Delete an upload's kept copy (and its folder) once no document comes from it."""
    uploads = library.settings.uploads_dir.resolve()
    path = Path(source_path).resolve() if source_path else None
    if not path or path.parent.parent != uploads:
        return
    if any(d.get("source_path") and Path(d["source_path"]).resolve() == path for d in library.documents()):
        return
    shutil.rmtree(path.parent, ignore_errors=True)


def ensure_samples_indexed(library: Library, embed: bool = True) -> list[IngestResult]:
    """On the very first start, index the bundled sample documents (with a progress bar); a
    library whose documents were all deleted stays empty."""
    if library.documents() or library.has_history():
        return []
    return index_files(library, [library.settings.samples_dir], embed=embed)


def file_problem(settings, path: Path, name: str) -> str:
    """Why a file cannot be ingested before it is read (empty, larger than MAX_FILE_MB, an
    unsupported format), in Vietnamese; "" if none. OSError if it cannot be read at all."""
    size = path.stat().st_size
    if size == 0:
        return f"Tệp rỗng: {name}"
    if size > settings.max_file_mb * 1024 * 1024:
        return f"Tệp {name} quá lớn ({size / 1048576:.1f} MB; giới hạn {settings.max_file_mb:g} MB)"
    if Path(name).suffix.lower() not in ALL_SUFFIXES:
        return f"Định dạng tệp không được hỗ trợ: {Path(name).suffix or name}"
    return ""


def safe_name(name: str) -> str:
    """The file name alone, without any directory part ("../../x.docx" -> "x.docx")."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or "tai-lieu"


def import_upload(
    library: Library, temp_path: Path, original_name: str, *, replace: str = "", user: str = "", embed: bool = True,
) -> list[IngestResult]:
    """Check an uploaded file, keep a copy under DATA_DIR/uploads/<new folder>/<name> and index it.

    Every upload is a source of its own: it becomes a new document (with "-2", … added to its id
    when its name is another document's), unless `replace` names the listed document it updates
    (the app's «Cập nhật»). A rejected file (empty, too large, unsupported, unreadable) or a
    duplicate leaves no copy behind and changes nothing in the library."""
    settings = library.settings
    name = safe_name(original_name)
    error = file_problem(settings, temp_path, name)
    if error:
        return [IngestResult(Path(name).stem, name, "rejected", 0, error=error)]
    previous = library.document(replace).get("source_path", "") if replace else ""
    folder = settings.uploads_dir / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    stored = folder / name
    staging = folder / f".{name}.tmp"
    shutil.copyfile(temp_path, staging)
    os.replace(staging, stored)
    results = index_files(library, [stored], show_progress=False, replace=replace, user=user, embed=embed)
    if not any(r.status in ("added", "replaced") for r in results):
        shutil.rmtree(folder, ignore_errors=True)
    elif previous:
        _drop_upload_copy(library, previous)
    return results
