""".docx → report-shaped text: fixtures built here with python-docx (footnotes part written by hand)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ingest.docx_reader import read_docx
from ingest.loader import parse_document

W = nsdecls("w")
NOTE_1 = "Trong đó có 09 đảng viên nữ và 04 đảng viên được miễn sinh hoạt."
NOTE_2 = "Theo Hướng dẫn số 01-HD/TNG ngày 02/01/2024 của Đảng ủy xã Thử Nghiệm."
PART_I = "I. ĐẶC ĐIỂM TÌNH HÌNH"
RESULTS = f"{PART_I} › 1. Kết quả"

EXPECTED = f"""## BÁO CÁO

Kết quả công tác năm 2024 của Chi bộ Thôn Thử Nghiệm

Thực hiện Kế hoạch số 05-KH/ĐU của Đảng ủy xã Thử Nghiệm, Chi bộ Thôn Thử Nghiệm báo cáo như sau:

## {PART_I}

Chi bộ Thôn Thử Nghiệm có 25 đảng viên<sup>1</sup>, sinh hoạt tại nhà văn hóa thôn.

<sup>1</sup> {NOTE_1}

## 1. Kết quả

Trong năm, chi bộ duy trì nền nếp sinh hoạt định kỳ<sup>2</sup> và sinh hoạt chuyên đề hằng quý.

<sup>2</sup> {NOTE_2}

Các nhiệm vụ trọng tâm đã hoàn thành:

1. Tổ chức 12 kỳ sinh hoạt chi bộ định kỳ;

2. Kết nạp 02 đảng viên mới;

3. Hoàn thành kiểm điểm, đánh giá đảng viên cuối năm.

- Nội bộ đoàn kết, thống nhất;

- Không có đảng viên vi phạm kỷ luật.

Chỉ tiêu: Kết nạp đảng viên; Kế hoạch: 2; Thực hiện: 2

## 2. Hạn chế

Việc ứng dụng công nghệ thông tin trong sinh hoạt chi bộ còn chậm.
"""


def footnote_reference(paragraph, note_id: int) -> None:
    paragraph._p.append(parse_xml(
        f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'
    ))


def add_footnotes_part(document, notes: dict[int, str]) -> None:
    """What Word writes: two separators, then each note (its number mark, then its text)."""
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote>"
    )
    entries = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        for i, text in notes.items()
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<w:footnotes {W}>{separators}{entries}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def cited(document, before: str, note_id: int, after: str):
    paragraph = document.add_paragraph(before)
    footnote_reference(paragraph, note_id)
    paragraph.add_run(after)
    return paragraph


def build_report(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("BÁO CÁO", level=0)
    document.add_paragraph().add_run("Kết quả công tác năm 2024 của Chi bộ Thôn Thử Nghiệm").bold = True
    document.add_paragraph(
        "Thực hiện Kế hoạch số 05-KH/ĐU của Đảng ủy xã Thử Nghiệm, Chi bộ Thôn Thử Nghiệm báo cáo như sau:"
    )
    document.add_heading(PART_I, level=1)
    # Word ids need not follow citation order: the reader numbers by first citation
    cited(document, "Chi bộ Thôn Thử Nghiệm có 25 đảng viên", 7, ", sinh hoạt tại nhà văn hóa thôn.")
    document.add_paragraph().add_run("1. Kết quả").bold = True  # a bold short numbered line
    # typed decomposed (NFD), as some tools do: the reader returns NFC
    before = unicodedata.normalize("NFD", "Trong năm, chi bộ duy trì nền nếp sinh hoạt định kỳ")
    cited(document, before, 3, " và sinh hoạt chuyên đề hằng quý.")
    document.add_paragraph("Các nhiệm vụ trọng tâm đã hoàn thành:")
    for item in ("Tổ chức 12 kỳ sinh hoạt chi bộ định kỳ;", "Kết nạp 02 đảng viên mới;",
                 "Hoàn thành kiểm điểm, đánh giá đảng viên cuối năm."):
        document.add_paragraph(item, style="List Number")
    for item in ("Nội bộ đoàn kết, thống nhất;", "Không có đảng viên vi phạm kỷ luật."):
        document.add_paragraph(item, style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, (("Chỉ tiêu", "Kế hoạch", "Thực hiện"), ("Kết nạp đảng viên", "2", "2")),
                           strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("2. Hạn chế", level=2)
    document.add_paragraph("Việc ứng dụng công nghệ thông tin trong sinh hoạt chi bộ còn chậm.")
    add_footnotes_part(document, {3: NOTE_2, 7: NOTE_1})
    document.save(path)
    return path


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return build_report(tmp_path / "bao-cao-thu-nghiem.docx")


def test_text_has_the_shape_of_the_markdown_report(report: Path) -> None:
    text = read_docx(report)
    assert text == EXPECTED
    assert unicodedata.is_normalized("NFC", text)


def test_footnote_blocks_follow_the_paragraph_that_cites_them(report: Path) -> None:
    blocks = read_docx(report).split("\n\n")
    for n in (1, 2):
        citing = next(i for i, b in enumerate(blocks) if f"<sup>{n}</sup>" in b and not b.startswith("<sup>"))
        assert blocks[citing + 1].startswith(f"<sup>{n}</sup> ")


def test_parser_gives_the_chunk_model_of_the_markdown(report: Path) -> None:
    from_docx = parse_document(read_docx(report), "x")
    from_markdown = parse_document(EXPECTED, "x")
    shape = [(p.text, p.section, p.kind, p.footnotes, p.context) for p in from_docx.passages]
    assert shape == [(p.text, p.section, p.kind, p.footnotes, p.context) for p in from_markdown.passages]
    assert from_docx.title == "Báo cáo Kết quả công tác năm 2024 của Chi bộ Thôn Thử Nghiệm"


def test_passages_sections_footnotes_lists_and_table(report: Path) -> None:
    passages = parse_document(read_docx(report), "x").passages
    by_text = {p.text: p for p in passages}

    def containing(words: str):
        return next(p for p in passages if words in p.text)

    assert containing("có 25 đảng viên").section == PART_I
    assert containing("có 25 đảng viên").footnotes == [1]
    assert containing("nền nếp sinh hoạt").section == RESULTS
    assert containing("nền nếp sinh hoạt").footnotes == [2]
    assert containing("công nghệ thông tin").section == f"{PART_I} › 2. Hạn chế"

    note_1, note_2 = by_text[NOTE_1], by_text[NOTE_2]
    assert (note_1.kind, note_1.footnotes, note_1.section) == ("footnote", [1], f"{PART_I} › Chú thích 1")
    assert note_1.context == "Chi bộ Thôn Thử Nghiệm có 25 đảng viên, sinh hoạt tại nhà văn hóa thôn."
    assert (note_2.kind, note_2.section) == ("footnote", f"{RESULTS} › Chú thích 2")
    assert note_2.context == "Trong năm, chi bộ duy trì nền nếp sinh hoạt định kỳ và sinh hoạt chuyên đề hằng quý."

    items = containing("Tổ chức 12 kỳ")
    assert items.kind == "list" and items.section == RESULTS
    lines = items.text.split("\n")  # the lead-in ending with ":" opens the passage of its items
    assert lines[:4] == [
        "Các nhiệm vụ trọng tâm đã hoàn thành:",
        "1. Tổ chức 12 kỳ sinh hoạt chi bộ định kỳ;", "2. Kết nạp 02 đảng viên mới;",
        "3. Hoàn thành kiểm điểm, đánh giá đảng viên cuối năm.",
    ]
    assert "- Nội bộ đoàn kết, thống nhất;" in lines

    rows = containing("Chỉ tiêu").text.split("\n")  # the row carries its column headers
    assert rows[-1] == "Chỉ tiêu: Kết nạp đảng viên; Kế hoạch: 2; Thực hiện: 2"

    assert all("<sup>" not in p.text and "<sup>" not in p.context for p in passages)
    assert all("##" not in p.text for p in passages)


def test_numbering_continues_per_list_and_restarts_deeper_levels(tmp_path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>'
        '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4."/></w:lvl>'
        "</w:abstractNum>"
    ))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    outline = [(0, "MỞ ĐẦU"), (1, "Mục tiêu"), (2, "Về tổ chức"), (2, "Về đảng viên"), (3, "nội dung một;"),
               (3, "nội dung hai."), (1, "Giải pháp"), (2, "Về cán bộ"), (0, "KẾT LUẬN")]
    for ilvl, text in outline:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>'
        ))
    path = tmp_path / "dan-y.docx"
    document.save(path)
    assert read_docx(path).strip().split("\n\n") == [
        "I. MỞ ĐẦU", "1. Mục tiêu", "1.1. Về tổ chức", "1.2. Về đảng viên", "a) nội dung một;",
        "b) nội dung hai.", "2. Giải pháp", "2.1. Về cán bộ", "II. KẾT LUẬN",
    ]


@pytest.mark.parametrize("content", [b"\x00\x9f\xd3 not a zip \xff" * 40, "Báo cáo thử nghiệm\n".encode()])
def test_a_file_that_is_not_a_docx_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="^Tệp .docx bị hỏng hoặc không đọc được: hong.docx$"):
        read_docx(path)


def test_an_empty_document_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    path = tmp_path / "rong.docx"
    document.save(path)
    with pytest.raises(ValueError, match="^Tệp rỗng: rong.docx$"):
        read_docx(path)
