""".docx text boxes, shapes and what the reader skips: fixtures built here with python-docx, the
drawing XML injected as Word writes it (a DrawingML Choice and its VML Fallback copy)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ingest.docx_reader import read_docx, skipped_content
from ingest.loader import load_document
from tests.pdf_fixtures import tiny_png

NS = nsdecls("w", "wp", "a", "pic", "r", "c") + (
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"'
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
BOX = "Điểm nổi bật: năm 2024, Đảng bộ xã Thử Nghiệm có 18 đảng viên được trao Huy hiệu 30 năm tuổi Đảng."
BOX_2 = "Kết nạp 06 đảng viên mới, đạt 120% chỉ tiêu."


def box_content(*texts: str) -> str:
    paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in texts)
    return f"<w:txbxContent>{paragraphs}</w:txbxContent>"


def wps_shape(*texts: str) -> str:
    return (
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{box_content(*texts)}</wps:txbx><wps:bodyPr/></wps:wsp>"
    )


def drawing(graphic_uri: str, content: str) -> str:
    return (
        '<w:drawing><wp:inline><wp:extent cx="5400000" cy="720000"/><wp:docPr id="7" name="Hộp văn bản 7"/>'
        f'<a:graphic><a:graphicData uri="{graphic_uri}">{content}</a:graphicData></a:graphic></wp:inline></w:drawing>'
    )


def text_box_run(*texts: str) -> str:
    """A run holding a text box as Word 2010+ saves it: DrawingML Choice, VML Fallback."""
    choice = drawing("http://schemas.microsoft.com/office/word/2010/wordprocessingShape", wps_shape(*texts))
    fallback = f"<w:pict><v:shape><v:textbox>{box_content(*texts)}</v:textbox></v:shape></w:pict>"
    return (
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def inject(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


def report_with_text_box(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("BÁO CÁO công tác xây dựng Đảng năm 2024", level=0)
    document.add_heading("I. TÌNH HÌNH CHUNG", level=1)
    document.add_paragraph("Đảng bộ xã Thử Nghiệm có 12 chi bộ trực thuộc với 250 đảng viên.")
    inject(document.add_paragraph(), text_box_run(BOX))  # an anchor paragraph with no text of its own
    document.add_heading("II. KẾT QUẢ", level=1)
    document.add_paragraph("Đảng ủy xã tổ chức học tập các nghị quyết của cấp trên.")
    document.save(path)
    return path


def test_a_text_box_is_read_once_after_its_anchor(tmp_path: Path) -> None:
    path = report_with_text_box(tmp_path / "hop-van-ban.docx")
    blocks = read_docx(path).strip().split("\n\n")
    assert blocks[3:5] == [BOX, "## II. KẾT QUẢ"]
    assert read_docx(path).count("18 đảng viên") == 1

    document = load_document(path)
    holding = [p for p in document.passages if "Huy hiệu 30 năm" in p.text]
    assert len(holding) == 1 and holding[0].text.count(BOX) == 1
    assert holding[0].section == "I. TÌNH HÌNH CHUNG"
    assert document.warnings == []


def test_text_boxes_in_a_paragraph_with_text_in_a_group_in_a_cell_and_vml_only(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Kết quả nổi bật trong năm:")
    inject(paragraph, text_box_run(BOX, BOX_2))
    group = (
        f'<w:r {NS}>'
        + drawing("http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
                  f"<wpg:wgp>{wps_shape('Ô thứ nhất của nhóm.')}{wps_shape('Ô thứ hai của nhóm.')}</wpg:wgp>")
        + "</w:r>"
    )
    inject(document.add_paragraph("Sơ đồ tổ chức:"), group)
    vml = (
        f'<w:r {NS}><w:pict><v:shape><v:textbox>{box_content("Hộp chữ kiểu cũ (VML).")}</v:textbox></v:shape>'
        '</w:pict><w:pict><v:shape><v:textpath string="CHÀO MỪNG ĐẠI HỘI"/></v:shape></w:pict></w:r>'
    )
    inject(document.add_paragraph("Khẩu hiệu:"), vml)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Ghi chú"
    inject(table.cell(0, 1).paragraphs[0], text_box_run("Trong ô bảng."))
    path = tmp_path / "nhieu-hop.docx"
    document.save(path)

    text = read_docx(path)
    assert text.strip().split("\n\n") == [
        "Kết quả nổi bật trong năm:", BOX, BOX_2,
        "Sơ đồ tổ chức:", "Ô thứ nhất của nhóm.", "Ô thứ hai của nhóm.",
        "Khẩu hiệu:", "Hộp chữ kiểu cũ (VML).", "CHÀO MỪNG ĐẠI HỘI",
        "Ghi chú | Trong ô bảng.",
    ]


def test_skipped_content_counts_each_kind_once(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Đảng bộ xã Thử Nghiệm có 250 đảng viên.")
    image = tmp_path / "anh.png"
    image.write_bytes(tiny_png())
    document.add_picture(str(image))
    document.add_picture(str(image))
    pic = document.add_paragraph()  # a picture stored twice (DrawingML and VML): one picture
    inject(pic, (
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps">'
        + drawing("http://schemas.openxmlformats.org/drawingml/2006/picture", "<pic:pic/>")
        + '</mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id="rId99"/></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    ))
    ole = (  # the preview picture of an embedded object is not a picture of its own
        f'<w:r {NS}><w:object><v:shape><v:imagedata r:id="rId98"/></v:shape>'
        '<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="rId97"/></w:object></w:r>'
    )
    inject(document.add_paragraph("Bảng số liệu đính kèm:"), ole)
    chart = f'<w:r {NS}>' + drawing("http://schemas.openxmlformats.org/drawingml/2006/chart",
                                     '<c:chart r:id="rId96"/>') + "</w:r>"
    inject(document.add_paragraph("Biểu đồ kết nạp đảng viên:"), chart)
    path = tmp_path / "co-anh.docx"
    document.save(path)

    assert skipped_content(path) == [
        "3 hình ảnh không được đọc (chỉ đọc chữ)",
        "1 đối tượng nhúng (OLE) không được đọc",
        "1 biểu đồ không được đọc",
    ]
    assert load_document(path).warnings == skipped_content(path)
    assert "Bảng số liệu đính kèm:" in read_docx(path)


def test_skipped_content_of_a_file_that_is_not_a_docx_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"not a zip")
    assert skipped_content(path) == []
