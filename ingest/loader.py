"""Read a .md, .txt, .docx or .pdf file into a Document of passages.

The *normalised source* of a text file is its bytes decoded (UTF-8, UTF-16/32, Windows-1258:
ingest.decoding), invisible characters removed (zero-width, bidi controls, soft hyphens), line
breaks made "\\n" (CRLF and CR too), then NFC-normalised: ``normalise(data)``; of a .docx or
.pdf file, the text its reader produces (ingest.docx_reader, ingest.pdf_reader), invisible
characters removed. Text typed in the legacy TCVN3/VNI encodings is converted to Unicode
(ingest.legacy_encoding). Every ``Passage.start``/``end`` is a character span in that string,
from the first to the last source character of the passage text; markup, footnote markers and footnote blocks that
fall inside the span are not part of the text (the span of a paragraph rejoined across
a page break covers the footnotes in between).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict
from pathlib import Path

from ingest.chunking import build_passages
from ingest.decoding import normalise, strip_invisible
from ingest.footnotes import split_footnotes
from ingest.header_metadata import read_header_metadata
from ingest.legacy_encoding import fix_legacy
from ingest.markdown import parse_blocks
from ingest.passage import Document, Passage
from ingest.structure import build_sections, document_title, rejoin_page_breaks

SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx")
CORPUS_SUFFIXES = (".jsonl",)
ALL_SUFFIXES = SUFFIXES + CORPUS_SUFFIXES  # what a folder import picks up


PARSER_VERSION = "6"  # bump when what a file yields (passages, embedded text) changes: all is re-indexed


def content_hash(text: str) -> str:
    """Identifies a document's content as this parser reads it: the hash of its normalised text
    (NFC, "\\n" line breaks) with every run of whitespace made one space, and the parser version.
    The same report saved as UTF-16 with CRLF, or re-typed with other spacing, hashes the same."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(f"parser {PARSER_VERSION}\n{canonical}".encode()).hexdigest()


def slug(text: str) -> str:
    """'Báo cáo Đảng 2022' → 'bao-cao-dang-2022'."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def parse_document(
    source: str, doc_id: str, *, fallback_title: str = "", source_path: str = "",
    content_hash: str = "", source_id: str = "",
) -> Document:
    """A Document from normalised source text (markdown or plain text)."""
    blocks, footnotes = split_footnotes(parse_blocks(source))
    blocks = rejoin_page_breaks(blocks)[0]
    title = document_title(blocks) or fallback_title or doc_id
    template = Passage(doc_id=doc_id, doc_title=title, text="", source_id=source_id or doc_id)
    passages = build_passages(build_sections(blocks), footnotes, template)
    metadata = {k: v for k, v in asdict(read_header_metadata(source)).items() if v}
    return Document(doc_id, title, source_path, content_hash, passages, metadata)


def read_source(path: Path) -> str:
    """The normalised source of a file."""
    return normalise(path.read_bytes(), path.name)


def read_text(path: Path, data: bytes) -> tuple[str, list[int], list[str]]:
    """The text of a file in the shape the parser reads, whatever its format; for a PDF the
    offset in that text where each page begins (empty for other formats); and warnings (in
    Vietnamese) naming what the reader skipped: images, embedded objects, scanned pages."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from ingest.pdf_reader import pdf_text_with_pages, read_pdf, skipped_content

        text, page_starts = pdf_text_with_pages(read_pdf(path))
        return strip_invisible(text), page_starts, skipped_content(path)
    if suffix == ".docx":
        from ingest.docx_reader import read_docx, skipped_content

        return strip_invisible(read_docx(path)), [], skipped_content(path)
    return normalise(data, path.name), [], []


def load_document(path: Path) -> Document:
    """Read and parse a .md, .txt, .pdf or .docx file; a Vietnamese ValueError if it cannot be used."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"Định dạng tệp không được hỗ trợ: {path.suffix or path.name}")
    data = path.read_bytes()
    if not data:
        raise ValueError(f"Tệp rỗng: {path.name}")
    text, page_starts, warnings = read_text(path, data)
    source, _ = fix_legacy(text)  # text typed in TCVN3 / VNI fonts becomes Unicode
    if not source.strip():
        raise ValueError(f"Tệp rỗng: {path.name}")
    doc_id = slug(path.stem) or hashlib.sha256(data).hexdigest()[:16]
    document = parse_document(
        source, doc_id, fallback_title=path.stem, source_path=str(path),
        content_hash=content_hash(source),
    )
    document.warnings = warnings
    if not document.passages:
        raise ValueError(f"Tệp rỗng: {path.name} (không có nội dung văn bản)")
    if page_starts:
        from ingest.pdf_reader import page_at

        document.pages = len(page_starts)
        for passage in document.passages:
            passage.page = page_at(page_starts, passage.start)
    return document


def load_documents(path: Path) -> list[Document]:
    """The documents in a file: one for most formats, one per record for a .jsonl corpus."""
    if Path(path).suffix.lower() == ".jsonl":
        from ingest.jsonl import load_jsonl

        return load_jsonl(path)
    return [load_document(path)]
