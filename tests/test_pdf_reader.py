"""PDF import: PDFs are built here with fpdf2 and DejaVu Sans (Debian's fonts-dejavu-core)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.loader import parse_document
from ingest.pdf_reader import join_lines, page_at, paragraphs, pdf_text, pdf_text_with_pages, read_pdf
from tests.pdf_fixtures import new_pdf, running_header, write

HEADER = "ĐẢNG BỘ XÃ THỬ NGHIỆM"

WRAPPED = (
    "Chi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt theo 3 tổ đảng; trong năm, chi bộ đã "
    "lãnh đạo nhân dân thực hiện tốt nhiệm vụ phát triển kinh tế - xã hội, giữ vững quốc phòng "
    "- an ninh, xây dựng đường giao thông nông thôn và nhà văn hóa thôn, được cấp ủy cấp trên "
    "ghi nhận và đánh giá cao."
)
CUT_BEFORE = (
    "Chi bộ duy trì sinh hoạt định kỳ vào ngày 5 hằng tháng, nội dung sinh hoạt được chuẩn bị "
    "chu đáo, các nghị quyết của cấp ủy cấp trên đã được"
)
CUT_AFTER = (
    "triển khai kịp thời đến toàn thể đảng viên và quần chúng nhân dân trong thôn, tạo sự "
    "thống nhất cao trong nhận thức và hành động."
)
FIRST_DUTY = "Tiếp tục nâng cao chất lượng sinh hoạt chi bộ, thực hiện nghiêm nguyên tắc tập trung dân chủ."


Report = running_header(HEADER)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    pdf = new_pdf(Report)
    pdf.add_page()
    for text in ("BÁO CÁO", "Kết quả công tác xây dựng Đảng năm 2024 của Chi bộ Thôn Thử Nghiệm",
                 "I. TÌNH HÌNH CHUNG", WRAPPED, "1. Kết quả", CUT_BEFORE):
        write(pdf, text)
    pdf.add_page()
    for text in (CUT_AFTER, "2. Hạn chế", "- Việc sinh hoạt chuyên đề có lúc chưa đều;",
                 "- Công tác phát triển đảng viên mới còn chậm."):
        write(pdf, text)
    pdf.add_page()
    for text in ("II. NHIỆM VỤ NĂM 2025", FIRST_DUTY):
        write(pdf, text)
    path = tmp_path / "bao-cao-thu-nghiem.pdf"
    pdf.output(str(path))
    return path


def test_pages_are_numbered_without_headers_footers_or_page_numbers(report: Path) -> None:
    pages = read_pdf(report)
    assert [number for number, _ in pages] == [1, 2, 3]
    for number, text in pages:
        lines = text.splitlines()
        assert HEADER not in text
        assert f"- {number} -" not in lines and str(number) not in lines
    assert pages[0][1].startswith("BÁO CÁO\n")
    assert pages[1][1].startswith("triển khai kịp thời")
    assert pages[2][1].splitlines()[0] == "II. NHIỆM VỤ NĂM 2025"


def test_wrapped_lines_are_joined_into_paragraphs(report: Path) -> None:
    pages = read_pdf(report)
    assert len(pages[0][1].splitlines()) > 7  # the long paragraphs really wrap in the PDF
    text = pdf_text(pages)
    blocks = text.split("\n\n")
    assert WRAPPED in blocks
    assert f"{CUT_BEFORE} {CUT_AFTER}" in blocks
    assert blocks[:3] == ["BÁO CÁO", "Kết quả công tác xây dựng Đảng năm 2024 của Chi bộ Thôn Thử Nghiệm",
                          "I. TÌNH HÌNH CHUNG"]
    assert "- Việc sinh hoạt chuyên đề có lúc chưa đều;" in blocks
    assert "\n\n\n" not in text and HEADER not in text


def test_parsed_document_has_sections_from_numbering(report: Path) -> None:
    document = parse_document(pdf_text(read_pdf(report)), "bao-cao-thu-nghiem")
    by_text = {p.text: p for p in document.passages}
    assert document.title.startswith("Báo cáo Kết quả công tác xây dựng Đảng năm 2024")
    assert by_text[WRAPPED].section == "I. TÌNH HÌNH CHUNG"
    assert by_text[f"{CUT_BEFORE} {CUT_AFTER}"].section == "I. TÌNH HÌNH CHUNG › 1. Kết quả"
    assert any(p.section == "I. TÌNH HÌNH CHUNG › 2. Hạn chế" and "sinh hoạt chuyên đề" in p.text
               for p in document.passages)
    assert by_text[FIRST_DUTY].section == "II. NHIỆM VỤ NĂM 2025"
    assert not any(HEADER in p.text or "- 2 -" in p.text for p in document.passages)


def test_page_starts_give_the_page_of_each_sentence(report: Path) -> None:
    pages = read_pdf(report)
    text, starts = pdf_text_with_pages(pages)
    assert text == pdf_text(pages)
    assert len(starts) == 3 and starts == sorted(starts) and starts[0] == 0
    for sentence, page in [("BÁO CÁO", 1), (WRAPPED, 1), ("1. Kết quả", 1), (CUT_BEFORE, 1),
                           (CUT_AFTER, 2), ("2. Hạn chế", 2), ("- Công tác phát triển đảng viên mới", 2),
                           ("II. NHIỆM VỤ NĂM 2025", 3), (FIRST_DUTY, 3)]:
        start = text.index(sentence)
        assert page_at(starts, start) == page, sentence
        assert page_at(starts, start + len(sentence) - 1) == page, sentence
    # the paragraph cut by the page break: page 2 begins at its continuation, mid-paragraph
    assert f"{CUT_BEFORE} {CUT_AFTER}" in text.split("\n\n")
    assert starts[1] == text.index(CUT_AFTER)
    assert text[starts[2]:].startswith("II. NHIỆM VỤ NĂM 2025")
    assert page_at(starts, len(text) - 1) == 3


def test_passage_start_gives_its_page(report: Path) -> None:
    text, starts = pdf_text_with_pages(read_pdf(report))
    by_text = {p.text: p for p in parse_document(text, "bao-cao-thu-nghiem").passages}
    assert page_at(starts, by_text[WRAPPED].start) == 1
    assert page_at(starts, by_text[f"{CUT_BEFORE} {CUT_AFTER}"].start) == 1  # cited where it begins
    assert page_at(starts, by_text[FIRST_DUTY].start) == 3


def test_page_starts_with_empty_pages_and_glued_hyphens() -> None:
    pages = [(1, "Chi bộ kết nối mạng Inter-"), (2, ""), (3, "net của thôn.\nHọp chi bộ."), (4, "")]
    text, starts = pdf_text_with_pages(pages)
    assert text == pdf_text(pages) == "Chi bộ kết nối mạng Internet của thôn.\n\nHọp chi bộ.\n"
    assert starts == [0, text.index("net"), text.index("net"), len(text)]
    assert [page_at(starts, text.index(word)) for word in ("Inter", "net", "Họp")] == [1, 3, 3]
    assert page_at(starts, len(text) - 1) == 3  # an empty page holds no character
    assert pdf_text_with_pages([]) == ("", [])
    assert pdf_text_with_pages([(1, ""), (2, " ")]) == ("", [0, 0])


def test_page_starts_of_text_that_was_not_nfc() -> None:
    import unicodedata

    pages = [(1, unicodedata.normalize("NFD", "Thôn Thử Nghiệm họp chi bộ")),
             (2, unicodedata.normalize("NFD", "định kỳ hằng tháng."))]
    text, starts = pdf_text_with_pages(pages)
    assert text == "Thôn Thử Nghiệm họp chi bộ định kỳ hằng tháng.\n"
    assert starts == [0, text.index("định")]


def test_text_is_nfc(tmp_path: Path) -> None:
    import unicodedata

    pdf = new_pdf(FPDF)
    pdf.add_page()
    write(pdf, unicodedata.normalize("NFD", "Chi bộ Thôn Thử Nghiệm họp chi bộ."))
    path = tmp_path / "nfd.pdf"
    pdf.output(str(path))
    assert pdf_text(read_pdf(path)) == "Chi bộ Thôn Thử Nghiệm họp chi bộ.\n"


def test_bare_page_numbers_on_a_single_page_are_removed(tmp_path: Path) -> None:
    pdf = new_pdf(FPDF)
    pdf.add_page()
    for text in ("Trang 1", "Chi bộ Thôn Thử Nghiệm họp định kỳ.", "1"):
        write(pdf, text)
    path = tmp_path / "mot-trang.pdf"
    pdf.output(str(path))
    assert read_pdf(path) == [(1, "Chi bộ Thôn Thử Nghiệm họp định kỳ.")]


def test_scan_without_text_layer_is_refused(tmp_path: Path) -> None:
    pdf = new_pdf(FPDF)
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(120, 120, 120)
        pdf.rect(20, 20, 150, 200, style="F")
    path = tmp_path / "ban-scan.pdf"
    pdf.output(str(path))
    with pytest.raises(ValueError, match=r"PDF không có lớp văn bản \(bản scan\): ban-scan\.pdf\. "
                                         r"Hãy dùng bản có chữ hoặc nhận dạng chữ \(OCR\) trước\."):
        read_pdf(path)


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"^Tệp PDF bị hỏng hoặc không đọc được: hong\.pdf$"):
        read_pdf(path)


def test_truncated_pdf_is_refused(report: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(report.read_bytes()[:300])
    with pytest.raises(ValueError, match="Tệp PDF bị hỏng hoặc không đọc được: cut.pdf"):
        read_pdf(path)


@pytest.mark.parametrize(("left", "right", "joined"), [
    ("phát triển kinh tế -", "xã hội", "phát triển kinh tế - xã hội"),
    ("mạng Inter-", "net của thôn", "mạng Internet của thôn"),
    ("quãng đường 3 ki-lô-", "mét", "quãng đường 3 ki-lô-mét"),
    ("dịch Covid-", "19 bùng phát", "dịch Covid-19 bùng phát"),
    ("nhiệm kỳ 2020-", "2025", "nhiệm kỳ 2020-2025"),
    ("xây dựng Đảng-", "viên", "xây dựng Đảng-viên"),
    ("thực hiện", "nghị quyết", "thực hiện nghị quyết"),
])
def test_line_end_hyphens(left: str, right: str, joined: str) -> None:
    assert join_lines(left, right) == joined


def test_paragraph_breaks() -> None:
    full = "Chi bộ đã lãnh đạo thực hiện hoàn thành các chỉ tiêu về phát triển kinh tế và đối với"
    lines = [
        "Chi bộ họp định kỳ hằng tháng:", "- Đảng viên dự họp đầy đủ;", "+ Tổ 1 đạt 100%.",
        "Trong năm, kết quả", "của Ủy ban", "Mặt trận Tổ quốc thôn.",
        "1. Tiếp tục đổi mới phương thức lãnh đạo của chi bộ, tăng cường vai trò của tổ đảng đối với",
        "Mặt trận Tổ quốc và các đoàn thể.", "a) Nhiệm vụ", full, "đoàn thể.",
    ]
    assert paragraphs(lines) == [
        "Chi bộ họp định kỳ hằng tháng:", "- Đảng viên dự họp đầy đủ;", "+ Tổ 1 đạt 100%.",
        "Trong năm, kết quả của Ủy ban Mặt trận Tổ quốc thôn.",
        "1. Tiếp tục đổi mới phương thức lãnh đạo của chi bộ, tăng cường vai trò của tổ đảng đối với "
        "Mặt trận Tổ quốc và các đoàn thể.",
        "a) Nhiệm vụ", f"{full} đoàn thể.",
    ]
