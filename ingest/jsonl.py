"""A JSONL corpus: one document a line, {"id", "title", "text", optional "metadata"}.

The record's "id" is kept as each passage's source_id (the evaluation's relevant_ids refer
to it). A bad line rejects the whole file, so a half-read corpus is never indexed."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from ingest.decoding import strip_invisible
from ingest.loader import content_hash, parse_document, slug
from ingest.passage import Document


def _record(line: str, number: int, name: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"{name}: dòng {number} không phải JSON hợp lệ ({err.msg})") from err
    except RecursionError as err:
        raise ValueError(f"{name}: dòng {number} lồng quá sâu (không phải một bản ghi tài liệu)") from err
    if not isinstance(record, dict) or not str(record.get("id", "")).strip() or not isinstance(
        record.get("text"), str
    ):
        raise ValueError(f'{name}: dòng {number} thiếu "id" hoặc "text"')
    return record


def load_jsonl(path: Path) -> list[Document]:
    """One Document per record; ValueError (Vietnamese) naming the first bad line."""
    path = Path(path)
    try:
        lines = path.read_bytes().decode("utf-8-sig").split("\n")  # not splitlines: JSON strings may hold U+2028
    except UnicodeDecodeError as err:
        raise ValueError(f"Không đọc được tệp {path.name} (mã hóa không phải UTF-8)") from err
    documents, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = _record(line, number, path.name)
        record_id = str(record["id"]).strip()
        if record_id in seen:
            raise ValueError(f'{path.name}: dòng {number} trùng "id" {record_id}')
        seen.add(record_id)
        text = record["text"].replace("\r\n", "\n").replace("\r", "\n")
        text = unicodedata.normalize("NFC", strip_invisible(text))
        if not text.strip():
            continue
        doc = parse_document(
            text, f"{slug(path.stem)}/{record_id}", fallback_title=str(record.get("title") or record_id),
            source_path=f"{path}#{record_id}", content_hash=content_hash(text), source_id=record_id,
        )
        extra = record.get("metadata")
        if isinstance(extra, dict):
            doc.metadata.update({str(k): unicodedata.normalize("NFC", str(v)) for k, v in extra.items()})
        title = unicodedata.normalize("NFC", str(record.get("title") or "")).strip()
        if title:
            doc.title = title
            for passage in doc.passages:
                passage.doc_title = title
        documents.append(doc)
    if not documents:
        raise ValueError(f"Tệp rỗng: {path.name}")
    return documents
