"""JSONL corpus import: a record per document, its id kept as the passages' source id."""

from __future__ import annotations

import json

import pytest

from assistant.eval import evaluate
from assistant.pipeline import Assistant
from ingest.jsonl import load_jsonl
from vectorstore.indexer import index_files
from vectorstore.library import Library

RECORDS = [
    {"id": "tn-01", "title": "Báo cáo Chi bộ Thôn Thử Nghiệm",
     "text": "I. TÌNH HÌNH\nChi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt vào ngày mùng 5 hằng tháng."},
    {"id": "tn-02", "title": "Kế hoạch của Chi bộ Thôn Thử Nghiệm",
     "text": "Chi bộ Thôn Thử Nghiệm phấn đấu kết nạp 3 đảng viên mới trong năm 2024.",
     "metadata": {"loai": "Kế hoạch"}},
]


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_record_is_a_document_with_its_id_as_source(tmp_path):
    path = _write(tmp_path / "kho.jsonl", [json.dumps(r, ensure_ascii=False) for r in RECORDS])
    docs = load_jsonl(path)
    assert [d.title for d in docs] == [r["title"] for r in RECORDS]
    assert {p.source_id for p in docs[0].passages} == {"tn-01"}
    assert {p.doc_title for p in docs[1].passages} == {"Kế hoạch của Chi bộ Thôn Thử Nghiệm"}


@pytest.mark.parametrize("bad, message", [
    ("{not json", "dòng 2 không phải JSON hợp lệ"),
    ('{"title": "x", "text": "y"}', 'dòng 2 thiếu "id" hoặc "text"'),
])
def test_a_bad_line_rejects_the_whole_file(tmp_path, bad, message):
    path = _write(tmp_path / "kho.jsonl", [json.dumps(RECORDS[0], ensure_ascii=False), bad])
    with pytest.raises(ValueError, match=message):
        load_jsonl(path)


def test_relevant_ids_questions_are_scored_by_source_id(empty_settings, embedder, tmp_path):
    path = _write(tmp_path / "kho.jsonl", [json.dumps(r, ensure_ascii=False) for r in RECORDS])
    library = Library(empty_settings, embedder)
    results = index_files(library, [path], show_progress=False)
    assert [r.status for r in results] == ["added", "added"]
    items = [{"id": "q", "question": "Chi bộ Thôn Thử Nghiệm phấn đấu kết nạp bao nhiêu đảng viên mới?",
              "relevant_ids": ["tn-02"]}]
    summary, rows = evaluate(Assistant(empty_settings, library), items, k=5)
    assert summary["recall@1"] == 1.0
    assert rows[0]["passages"][0]["source_id"] == "tn-02"


def test_line_separators_inside_a_record_and_invisible_characters(tmp_path):
    """JSON allows U+2028 unescaped in a string: the line is one record; zero-width characters and
    Windows line breaks inside the text are normalised away."""
    record = {"id": "r1", "text": "I. TÌNH HÌNH\r\nChi bộ Thôn\u200b Thử Nghiệm\u2028có 27 đảng viên."}
    path = tmp_path / "kho.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = load_jsonl(path)
    text = " ".join(p.text for p in doc.passages)
    assert "\u200b" not in text and "\r" not in text and "Thôn Thử Nghiệm" in text


def test_a_line_nested_too_deep_is_refused_in_vietnamese(tmp_path):
    path = tmp_path / "sau.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dòng 1 lồng quá sâu"):
        load_jsonl(path)
