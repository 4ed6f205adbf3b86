"""Uploaded files: stored copies never leave DATA_DIR/uploads, bad files change nothing."""

from __future__ import annotations

import dataclasses

from vectorstore.indexer import import_upload, safe_name
from vectorstore.library import Library

REPORT = "I. TÌNH HÌNH\nChi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt vào ngày mùng 5 hằng tháng.\n"


def _file(tmp_path, name: str, data: bytes):
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_path_components_in_an_upload_name_are_dropped(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    [result] = import_upload(library, _file(tmp_path, "a.txt", REPORT.encode()), "../../x.txt")
    assert result.status == "added"
    stored = [p for p in empty_settings.uploads_dir.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == ["x.txt"] and stored[0].parent.parent == empty_settings.uploads_dir
    assert safe_name("..\\..\\y.docx") == "y.docx" and safe_name("/etc/passwd") == "passwd"


def test_too_large_empty_or_unsupported_uploads_change_nothing(empty_settings, embedder, tmp_path):
    small = dataclasses.replace(empty_settings, max_file_mb=0.001)
    library = Library(small, embedder)
    cases = {
        "lon.txt": (REPORT * 20).encode(),
        "rong.txt": b"",
        "anh.exe": b"MZ\x90\x00",
        "nhi-phan.txt": bytes(range(256)),
    }
    for name, data in cases.items():
        [result] = import_upload(library, _file(tmp_path, name, data), name)
        assert result.status == "rejected" and result.error, name
    assert library.documents() == [] and len(library) == 0
    assert not small.uploads_dir.exists() or not any(small.uploads_dir.rglob("*"))


def test_same_content_under_another_name_is_recognised(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    import_upload(library, _file(tmp_path, "a.txt", REPORT.encode()), "bao-cao.txt")
    [result] = import_upload(library, _file(tmp_path, "b.txt", REPORT.encode()), "ban-sao.txt")
    assert result.status == "duplicate" and result.duplicate_of == "bao-cao"
    assert [p.name for p in empty_settings.uploads_dir.rglob("*.txt")] == ["bao-cao.txt"]
    assert len(library.documents()) == 1


def test_docx_and_pdf_uploads_are_indexed_and_corrupt_ones_rejected(empty_settings, embedder, tmp_path):
    import docx
    from fpdf import FPDF

    document = docx.Document()
    document.add_paragraph("I. TÌNH HÌNH")
    document.add_paragraph("Chi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt vào ngày mùng 5 hằng tháng.")
    docx_path = tmp_path / "bao-cao.docx"
    document.save(docx_path)
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 8, "I. KẾT QUẢ\nChi bộ Thôn Thử Nghiệm kết nạp 3 đảng viên mới trong năm 2024.")
    pdf_path = tmp_path / "ket-qua.pdf"
    pdf.output(str(pdf_path))

    library = Library(empty_settings, embedder)
    assert import_upload(library, docx_path, "bao-cao.docx")[0].status == "added"
    assert import_upload(library, pdf_path, "ket-qua.pdf")[0].status == "added"
    passages = [library.passage(pid) for pid, _ in library.bm25_search("Thôn Thử Nghiệm đảng viên", 10)]
    assert any("27 đảng viên" in p.text for p in passages)
    [from_pdf] = [p for p in passages if "kết nạp 3 đảng viên mới" in p.text]
    assert from_pdf.page == 1 and library.document(from_pdf.doc_id)["pages"] == 1
    for name in ("hong.docx", "hong.pdf"):
        [result] = import_upload(library, _file(tmp_path, name, b"PK\x03\x04 not really"), name)
        assert result.status == "rejected" and "bị hỏng" in result.error
    assert len(library.documents()) == 2


def test_a_pdf_citation_reads_its_page(tmp_path):
    from fpdf import FPDF

    from assistant.render import where
    from ingest.loader import load_document

    pdf = FPDF()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=12)
    for heading, body in [
        ("I. TÌNH HÌNH", "Chi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt vào ngày mùng 5 hằng tháng."),
        ("II. KẾT QUẢ", "Trong năm, chi bộ kết nạp 3 đảng viên mới và giám sát 5 đảng viên."),
    ]:
        pdf.add_page()
        pdf.multi_cell(0, 8, f"{heading}\n{body}")
    path = tmp_path / "hai-trang.pdf"
    pdf.output(str(path))
    doc = load_document(path)
    [second] = [p for p in doc.passages if "kết nạp 3 đảng viên mới" in p.text]
    assert doc.pages == 2 and second.page == 2
    assert where(second) == "II. KẾT QUẢ (trang 2)"
