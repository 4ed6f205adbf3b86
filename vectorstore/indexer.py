"""Files in, passages indexed: load each file with ingest, add it to the library."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from ingest.loader import ALL_SUFFIXES, load_documents
from vectorstore.library import IngestResult, Library


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
    """Index every file; a file that cannot be read is reported as rejected and changes nothing."""
    results = []
    with tqdm(total=0, unit=" đoạn", desc="Lập chỉ mục", disable=not show_progress) as bar:
        for path in expand_paths(paths):
            try:
                docs = load_documents(path)
            except (OSError, ValueError) as err:
                results.append(IngestResult(path.stem, path.name, "rejected", 0, error=str(err)))
                continue
            bar.total += sum(len(doc.passages) for doc in docs)
            bar.set_postfix_str(path.name)
            results += library.add(docs, progress=bar.update)
    return results


def ensure_samples_indexed(library: Library) -> list[IngestResult]:
    """On first start, index the bundled sample documents (with a progress bar)."""
    if library.documents():
        return []
    return index_files(library, [library.settings.samples_dir])
