"""Tables as data: every row of a table carries its column headers, in .docx and in .pdf.

Fixtures are built here: python-docx writes the .docx, fpdf2 (DejaVu Sans) draws the PDF.
The communes and figures are invented.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from fpdf import FPDF
from fpdf.fonts import FontFace

from ingest.loader import load_document
from ingest.pdf_reader import pdf_text, pdf_text_with_pages, read_pdf
from ingest.tables import header_labels, render_table
from tests.pdf_fixtures import new_pdf, write

SECTION = "I. KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN"
LEAD_IN = "Kết quả kết nạp đảng viên mới năm 2023 của các đảng bộ xã được tổng hợp tại bảng sau:"
AFTER = "Nhìn chung, các đảng bộ cơ sở đã quan tâm công tác tạo nguồn, song một số đơn vị chưa đạt chỉ tiêu."
HEADER = ("STT", "Đơn vị", "Số đảng viên", "Kết nạp mới năm 2023", "Tỷ lệ so với chỉ tiêu")
ROWS = (
    ("1", "Đảng bộ xã Thử Nghiệm", "214", "9", "112,5%"),
    ("2", "Đảng bộ xã An Lạc", "187", "11", "91,7%"),
    ("3", "Đảng bộ xã Hòa Mỹ", "198", "6", "75%"),
)
AN_LAC = "Đơn vị: Đảng bộ xã An Lạc; Số đảng viên: 187; Kết nạp mới năm 2023: 11; Tỷ lệ so với chỉ tiêu: 91,7%"
THU_NGHIEM = "Đơn vị: Đảng bộ xã Thử Nghiệm; Số đảng viên: 214; Kết nạp mới năm 2023: 9; Tỷ lệ so với chỉ tiêu: 112,5%"


def passage_with(document, words: str):
    return next(p for p in document.passages if words in p.text)


# --- Header detection and rendering ---------------------------------------------------

def test_first_row_is_the_header_and_the_index_column_is_left_out() -> None:
    labels, header_rows = header_labels([HEADER, *ROWS])
    assert (labels, header_rows) == (list(HEADER), 1)
    lines = render_table([HEADER, *ROWS])
    assert lines[0] == THU_NGHIEM and lines[1] == AN_LAC
    assert len(lines) == 3 and not any("STT" in line or line.startswith("1") for line in lines)


def test_two_row_header_with_merged_cells() -> None:
    rows = [
        ["TT", "Đơn vị", "Đảng viên", None, "Ghi chú"],
        ["", "", "Tổng số", "Nữ", ""],
        ["1", "Chi bộ Thôn Đông", "31", "12", ""],
    ]
    assert header_labels(rows) == (["TT", "Đơn vị", "Đảng viên - Tổng số", "Đảng viên - Nữ", "Ghi chú"], 2)
    assert render_table(rows) == ["Đơn vị: Chi bộ Thôn Đông; Đảng viên - Tổng số: 31; Đảng viên - Nữ: 12"]


def test_empty_cells_are_skipped_and_a_spanning_row_is_a_title() -> None:
    rows = [["Đơn vị", "Số đảng viên", "Ghi chú"], ["Khối xã", None, None], ["Xã Thử Nghiệm", "214", ""]]
    assert render_table(rows) == ["Khối xã", "Đơn vị: Xã Thử Nghiệm; Số đảng viên: 214"]


def test_years_as_headers_and_a_blank_corner() -> None:
    rows = [["", "2022", "2023"], ["Số đảng viên", "200", "214"]]
    assert render_table(rows) == ["Số đảng viên; 2022: 200; 2023: 214"]


@pytest.mark.parametrize("rows", [
    [["Chỉ một cột"], ["Dòng thứ hai"]],                                                   # one column
    [["Xã Thử Nghiệm", "214", "9"], ["Xã An Lạc", "187", "11"]],                           # a first row of data
    [["ĐẢNG BỘ HUYỆN THỬ NGHIỆM ĐẢNG ỦY XÃ AN LẠC", "ĐẢNG CỘNG SẢN VIỆT NAM"],              # letterhead
     ["Số 12-BC/ĐU", "An Lạc, ngày 05 tháng 01 năm 2024"]],
    [["Đơn vị", "Số đảng viên"]],                                                          # no data row
    [["Nơi nhận:", "T/M ĐẢNG ỦY"], ["- Huyện ủy;", "BÍ THƯ"]],                              # signature layout
])
def test_a_table_without_a_header_keeps_its_rows_joined_by_bars(rows) -> None:
    assert header_labels(rows) is None
    assert render_table(rows) == [" | ".join(row) for row in rows]


def test_a_continued_table_may_borrow_the_labels_before() -> None:
    labels = ["Đơn vị", "Số đảng viên"]
    assert render_table([["Xã An Lạc", "187"], ["Xã Hòa Mỹ", "198"]], labels) == [
        "Đơn vị: Xã An Lạc; Số đảng viên: 187", "Đơn vị: Xã Hòa Mỹ; Số đảng viên: 198",
    ]
    assert render_table([["Xã An Lạc", "187", "11"]], labels) == ["Xã An Lạc | 187 | 11"]  # other width


# --- .docx ----------------------------------------------------------------------------

def docx_report(path: Path, rows, *, merge_header: bool = False) -> Path:
    document = docx.Document()
    document.add_paragraph().add_run("BÁO CÁO").bold = True
    document.add_paragraph().add_run(SECTION).bold = True
    document.add_paragraph(LEAD_IN)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    if merge_header:
        merged = table.cell(0, 2).merge(table.cell(0, 3))
        merged.text = "Đảng viên"
    document.add_paragraph(AFTER)
    document.save(path)
    return path


def test_docx_rows_are_labelled_passage_lines_under_their_section(tmp_path: Path) -> None:
    document = load_document(docx_report(tmp_path / "ket-qua.docx", [HEADER, *ROWS]))
    passage = passage_with(document, "Đảng bộ xã An Lạc")
    assert passage.section.endswith(SECTION)
    lines = passage.text.split("\n")
    assert AN_LAC in lines and THU_NGHIEM in lines
    assert "Đơn vị: Đảng bộ xã Thử Nghiệm; Số đảng viên: 214; Kết nạp mới năm 2023: 9" in passage.text
    assert " | " not in passage.text
    assert all("Đơn vị:" not in p.section for p in document.passages)  # a row is never a heading


def test_docx_two_row_header_from_merged_cells(tmp_path: Path) -> None:
    rows = [("TT", "Đơn vị", "", "", "Ghi chú"), ("", "", "Tổng số", "Nữ", ""),
            ("1", "Chi bộ Thôn Đông", "31", "12", "")]
    document = load_document(docx_report(tmp_path / "hai-dong.docx", rows, merge_header=True))
    assert "Đơn vị: Chi bộ Thôn Đông; Đảng viên - Tổng số: 31; Đảng viên - Nữ: 12" in passage_with(
        document, "Thôn Đông").text.split("\n")


def test_docx_letterhead_table_stays_as_bar_rows(tmp_path: Path) -> None:
    rows = [("ĐẢNG BỘ HUYỆN THỬ NGHIỆM", "ĐẢNG CỘNG SẢN VIỆT NAM"),
            ("Số 12-BC/ĐU", "An Lạc, ngày 05 tháng 01 năm 2024")]
    from ingest.docx_reader import read_docx

    text = read_docx(docx_report(tmp_path / "cong-van.docx", rows))
    assert "Số 12-BC/ĐU | An Lạc, ngày 05 tháng 01 năm 2024" in text.split("\n\n")


def test_docx_footnote_in_a_cell_still_follows_the_table(tmp_path: Path) -> None:
    path = docx_report(tmp_path / "chu-thich.docx", [HEADER, *ROWS])
    document = docx.Document(path)
    run = document.tables[0].cell(2, 1).paragraphs[0].add_run()
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="5"/>'))
    from tests.test_docx_reader import add_footnotes_part

    add_footnotes_part(document, {5: "Xã An Lạc được thành lập năm 2020."})
    document.save(path)
    from ingest.docx_reader import read_docx

    blocks = read_docx(path).split("\n\n")
    row = next(i for i, b in enumerate(blocks) if b.startswith("Đơn vị: Đảng bộ xã An Lạc<sup>1</sup>;"))
    assert blocks[row + 2] == "<sup>1</sup> Xã An Lạc được thành lập năm 2020."  # after the last row


# --- .pdf -----------------------------------------------------------------------------

def draw_table(pdf: FPDF, rows, *, headings: bool = True) -> None:
    with pdf.table(headings_style=FontFace(), first_row_as_headings=headings) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def pdf_report(path: Path, rows, *, headings: bool = True) -> Path:
    pdf = new_pdf()
    pdf.add_page()
    write(pdf, "BÁO CÁO")
    write(pdf, "Kết quả công tác phát triển đảng viên năm 2023 của Đảng bộ huyện Thử Nghiệm")
    write(pdf, "Trong năm, các đảng bộ cơ sở đã chú trọng công tác tạo nguồn kết nạp đảng viên.")
    pdf.add_page()
    write(pdf, SECTION)
    write(pdf, LEAD_IN)
    draw_table(pdf, rows, headings=headings)
    write(pdf, AFTER)
    pdf.output(str(path))
    return path


def test_pdf_table_rows_are_labelled_in_reading_order(tmp_path: Path) -> None:
    path = pdf_report(tmp_path / "ket-qua.pdf", [HEADER, *ROWS])
    text = pdf_text(read_pdf(path))
    blocks = text.strip().split("\n\n")
    start = blocks.index(LEAD_IN)
    assert blocks[start + 1:start + 5] == [
        THU_NGHIEM, AN_LAC, "Đơn vị: Đảng bộ xã Hòa Mỹ; Số đảng viên: 198; Kết nạp mới năm 2023: 6; "
        "Tỷ lệ so với chỉ tiêu: 75%", AFTER,
    ]
    assert text.count("An Lạc") == 1 and "STT" not in text  # the cells are not repeated as loose lines
    text_with_pages, starts = pdf_text_with_pages(read_pdf(path))
    assert text_with_pages == text and text[starts[1]:].startswith(SECTION + "\n\n" + LEAD_IN)

    document = load_document(path)
    passage = passage_with(document, "Đảng bộ xã An Lạc")
    assert passage.section.endswith(SECTION) and passage.page == 2
    assert "Đơn vị: Đảng bộ xã Thử Nghiệm; Số đảng viên: 214; Kết nạp mới năm 2023: 9" in passage.text


def test_pdf_table_without_header_stays_as_bar_rows(tmp_path: Path) -> None:
    rows = [("Đảng bộ xã Thử Nghiệm", "214", "9"), ("Đảng bộ xã An Lạc", "187", "11")]
    text = pdf_text(read_pdf(pdf_report(tmp_path / "khong-tieu-de.pdf", rows, headings=False)))
    blocks = text.strip().split("\n\n")
    assert "Đảng bộ xã Thử Nghiệm | 214 | 9" in blocks and "Đảng bộ xã An Lạc | 187 | 11" in blocks
    assert blocks[blocks.index("Đảng bộ xã An Lạc | 187 | 11") + 1] == AFTER


def test_pdf_table_continued_on_the_next_page_keeps_its_labels(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    write(pdf, SECTION)
    draw_table(pdf, [HEADER[1:3], ROWS[0][1:3]])
    pdf.add_page()
    draw_table(pdf, [ROWS[1][1:3], ROWS[2][1:3]], headings=False)
    write(pdf, AFTER)
    path = tmp_path / "hai-trang.pdf"
    pdf.output(str(path))
    pages = read_pdf(path)
    assert "Đơn vị: Đảng bộ xã An Lạc; Số đảng viên: 187" in pages[1][1].split("\n")
    assert pdf_text(pages).strip().split("\n\n")[-1] == AFTER
