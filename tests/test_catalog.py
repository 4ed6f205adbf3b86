"""The catalog of documents the library's passages cite."""

from __future__ import annotations

import os
import subprocess
import sys

import config
from assistant.catalog import build_catalog, describe, lookup

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"


def test_catalog_merges_the_mentions_of_the_sample(sample_library):
    catalog = build_catalog(sample_library)
    assert len(catalog) > 20
    kl21 = catalog["21-KL/TW"]
    assert kl21.doc_type == "Kết luận" and kl21.date == "2021-10-25"
    assert "Ban Chấp hành Trung ương" in kl21.issuer
    assert "xây dựng, chỉnh đốn Đảng" in kl21.subject
    assert any("21-KL/TW" in p.text for p in kl21.citing)
    assert kl21.in_library == ""


def test_lookup_by_key_or_partial_reference(sample_library):
    catalog = build_catalog(sample_library)
    assert [e.key for e in lookup(catalog, "Kết luận 21")] == ["21-KL/TW"]
    assert [e.key for e in lookup(catalog, "21-kl/tw")] == ["21-KL/TW"]
    assert [e.key for e in lookup(catalog, "21-KL/TW")] == ["21-KL/TW"]
    assert "nq-tw4-khoa-xii" in [e.key for e in lookup(catalog, "Nghị quyết Trung ương 4 khóa XII")]
    assert lookup(catalog, "Kết luận 9999") == []


def test_describe_names_the_implementing_plan_and_the_missing_full_text(sample_library):
    catalog = build_catalog(sample_library)
    kl14 = catalog["14-KL/TW"]
    assert any("41-KH/HU" in p.text for p in kl14.citing)
    text = describe(kl14)
    assert text.startswith("Kết luận số 14-KL/TW, ngày 22/09/2021, của Bộ Chính trị, về ")
    assert f"Được trích dẫn ở {len(kl14.citing)} đoạn." in text
    assert "chưa có toàn văn" in text.lower()


def test_a_library_document_with_the_number_is_the_full_text(empty_settings, embedder, tmp_path):
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    library = Library(empty_settings, embedder)
    kl = tmp_path / "ket-luan-21.txt"
    kl.write_text(
        "BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 21-KL/TW\nHà Nội, ngày 25 tháng 10 năm 2021\n\nKẾT LUẬN\n"
        "Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XIII về đẩy mạnh xây dựng, chỉnh đốn Đảng\n\n"
        "Tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị trong sạch, vững mạnh.\n",
        encoding="utf-8",
    )
    index_files(library, [SAMPLE, kl], show_progress=False)
    doc_id = next(d["doc_id"] for d in library.documents() if d["source_path"].endswith("ket-luan-21.txt"))
    catalog = build_catalog(library)
    entry = catalog["21-KL/TW"]
    assert entry.in_library == doc_id
    assert "Toàn văn có trong thư viện" in describe(entry)
    assert catalog["14-KL/TW"].in_library == ""


def test_cli_refs_prints_the_cited_document(sample_settings, sample_library):
    env = {**os.environ, "DATA_DIR": str(sample_settings.data_dir)}
    out = subprocess.run([sys.executable, "-m", "assistant", "refs", "21-KL/TW"], cwd=config.ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "25/10/2021" in out.stdout or "2021-10-25" in out.stdout
    assert "21-KL/TW" in out.stdout


def test_describe_names_a_document_without_number(sample_library):
    entry = lookup(build_catalog(sample_library), "NQ TW4 khóa XII")[0]
    assert describe(entry).startswith("Nghị quyết Trung ương 4 khóa XII")
