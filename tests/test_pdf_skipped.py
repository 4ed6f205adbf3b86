"""PDF: what the reader skips is reported (images, scanned pages), and encrypted files. PDFs built with fpdf2."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf.enums import EncryptionMethod

from ingest import pdf_reader
from ingest.loader import load_document
from ingest.pdf_reader import read_pdf, skipped_content
from tests.pdf_fixtures import new_pdf, tiny_png, write

TEXT = "Đảng bộ xã Thử Nghiệm có 250 đảng viên, sinh hoạt tại 12 chi bộ trực thuộc."


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "anh.png"
    path.write_bytes(tiny_png())
    return path


def mixed_pdf(path: Path, picture: Path) -> Path:
    """Page 1: text and a logo; 2: text; 3: a scan (an image, no text); 4: blank; 5: a scan
    with a page number; 6: text."""
    pdf = new_pdf()
    pdf.add_page()
    write(pdf, TEXT)
    pdf.image(str(picture), x=20, y=60, w=15)
    pdf.add_page()
    write(pdf, "Chi bộ duy trì sinh hoạt định kỳ vào ngày 5 hằng tháng.")
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=190)
    pdf.add_page()
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=190)
    pdf.set_y(-15)
    pdf.cell(0, 8, "- 5 -", align="C")
    pdf.add_page()
    write(pdf, "Kết nạp 06 đảng viên mới.")
    pdf.output(str(path))
    return path


def test_images_on_text_pages_and_scanned_pages_are_reported(tmp_path: Path, picture: Path) -> None:
    path = mixed_pdf(tmp_path / "co-trang-quet.pdf", picture)
    expected = ["1 hình ảnh không được đọc (chỉ đọc chữ)",
                "Trang 3, 5 là ảnh quét (không có lớp chữ), không đọc được"]
    read_pdf(path)
    assert skipped_content(path) == expected
    pdf_reader.LAST_READ.clear()  # without the last read: the file is read again
    assert skipped_content(path) == expected
    document = load_document(path)
    assert document.warnings == expected
    assert any(TEXT in p.text for p in document.passages)


def test_a_pdf_with_text_only_skips_nothing(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    write(pdf, TEXT)
    path = tmp_path / "chi-co-chu.pdf"
    pdf.output(str(path))
    assert load_document(path).warnings == []


def encrypted(path: Path, user_password: str, method: EncryptionMethod = EncryptionMethod.RC4) -> Path:
    pdf = new_pdf()
    pdf.set_encryption(owner_password="chu-so-huu", user_password=user_password, encryption_method=method)
    pdf.add_page()
    write(pdf, TEXT)
    pdf.output(str(path))
    return path


def test_a_password_protected_pdf_says_so(tmp_path: Path) -> None:
    path = encrypted(tmp_path / "co-mat-khau.pdf", "mat-khau")
    message = "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại. Tệp: co-mat-khau.pdf"
    with pytest.raises(ValueError) as raised:
        load_document(path)
    assert str(raised.value) == message
    assert skipped_content(path) == []


@pytest.mark.parametrize("method", [EncryptionMethod.RC4, EncryptionMethod.AES_128, EncryptionMethod.AES_256])
def test_a_pdf_with_an_owner_password_only_is_read(tmp_path: Path, method: EncryptionMethod) -> None:
    path = encrypted(tmp_path / "khong-cho-sao-chep.pdf", "", method)
    document = load_document(path)
    assert [p.text for p in document.passages] == [TEXT]
    assert document.warnings == []
