"""The study pack as a Word document (.docx), in the layout trainers use (issue #11).

Layout after Nghị định 30/2020/NĐ-CP (thể thức văn bản hành chính): A4 (21 × 29,7 cm), margins
top 2 cm, bottom 2 cm, left 3 cm, right 1,5 cm; Times New Roman 13 pt for the text, 14 pt bold for
the headings (real Heading 1/2 styles, so the structure reads back); quotations in italics within
«…», each followed by [n], its number in the «Nguồn» list closing the part; the quiz's answer key
(«Đáp án») on a page of its own.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.study.export_md import EMPTY, Sources, option_line, part_heading, point_heading
from assistant.study.pack import StudyPack

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
HEADING_SIZE = Pt(14)
FIGURE_WIDTHS = (2.5, 3.0, 8.0, 3.0)            # cm; the text width is 21 - 3 - 1.5 = 16.5 cm
RELATED_WIDTHS = (2.3, 2.8, 2.4, 5.0, 2.2, 1.8)


def _set_font(element) -> None:
    """Times New Roman for every script of a style or run element (Latin, East Asian, complex),
    the theme fonts removed so they do not override it."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _sizes(element, size: Pt) -> None:
    """The size for Latin and complex-script text alike (w:sz and w:szCs)."""
    rpr = element.get_or_add_rPr()
    rpr.sz_val = size
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    sz_cs = OxmlElement("w:szCs")
    sz_cs.set(qn("w:val"), str(int(size.pt * 2)))
    rpr.find(qn("w:sz")).addnext(sz_cs)


def _defaults(document) -> None:
    """Document defaults: Times New Roman for every script, Vietnamese as the language."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")


def _setup(document) -> None:
    """A4 page and margins, the Normal, Title and Heading 1–2 styles."""
    _defaults(document)
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    _set_font(normal.element)
    _sizes(normal.element, BODY_SIZE)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        _set_font(style.element)
        _sizes(style.element, HEADING_SIZE)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    border = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if border is not None:
        title.element.pPr.remove(border)
    for tracking in title.element.rPr.findall(qn("w:spacing")):  # the template's letter spacing
        title.element.rPr.remove(tracking)


def _body(document, text: str = "", *, bold: bool = False, indent: float = 0):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.left_indent = Cm(indent)
    if text:
        paragraph.add_run(text).bold = bold
    return paragraph


def _quote(paragraph, text: str, number: int) -> None:
    """Append «text» in italics, then [number]."""
    paragraph.add_run(f"«{text}»").italic = True
    paragraph.add_run(f" [{number}]")


def _sources(document, sources: Sources) -> None:
    if not sources.labels:
        return
    _body(document, "Nguồn", bold=True)
    for n, label in enumerate(sources.labels, 1):
        _body(document, f"[{n}] {label}", indent=0.5)


def _table(document, header: list[str], widths: tuple[float, ...]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        cell.width = Cm(width)
    return table


def _row(table, widths: tuple[float, ...]):
    cells = table.add_row().cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Cm(width)
    return [cell.paragraphs[0] for cell in cells]


def write_docx(pack: StudyPack, path: str | Path) -> Path:
    """Write the pack to `path` (.docx) and return it: title (Title style), the five parts as
    Heading 1 «1. Đề cương» … «5. Câu hỏi trắc nghiệm», outline points as Heading 2 numbered like
    the outline, each part closed by its «Nguồn» list, and «Đáp án» (Heading 2, page break before)."""
    document = Document()
    _setup(document)
    document.add_paragraph(pack.title, style="Title")
    if pack.topic:
        _body(document, f"Chủ đề: {pack.topic}").alignment = WD_ALIGN_PARAGRAPH.CENTER

    # 1. Đề cương
    sources = Sources()
    document.add_heading(part_heading(0), level=1)
    for point in pack.outline:
        document.add_heading(point_heading(point), level=2)
        for q in point.quotes:
            _quote(_body(document, indent=0.5), q.text, sources.number(q.citation))
    if not pack.outline:
        _body(document, EMPTY[0])
    _sources(document, sources)

    # 2. Số liệu chính
    sources = Sources()
    document.add_heading(part_heading(1), level=1)
    if pack.figures:
        table = _table(document, ["Số liệu", "Đo cái gì", "Câu", "Nguồn"], FIGURE_WIDTHS)
        for f in pack.figures:
            value, measures, sentence, source = _row(table, FIGURE_WIDTHS)
            value.add_run(f.value)
            measures.add_run(f.measures)
            sentence.add_run(f"«{f.quote.text}»").italic = True
            source.add_run(f"[{sources.number(f.quote.citation)}]")
    else:
        _body(document, EMPTY[1])
    _sources(document, sources)

    # 3. Văn bản liên quan
    sources = Sources()
    document.add_heading(part_heading(2), level=1)
    if pack.related:
        header = ["Loại", "Số hiệu", "Ngày", "Trích yếu", "Toàn văn trong thư viện", "Nguồn"]
        table = _table(document, header, RELATED_WIDTHS)
        for r in pack.related:
            cells = _row(table, RELATED_WIDTHS)
            values = [r.kind, r.number, r.date, r.subject, "Có" if r.in_library else "Không",
                      f"[{sources.number(r.citation)}]"]
            for cell, value in zip(cells, values, strict=True):
                cell.add_run(value)
    else:
        _body(document, EMPTY[2])
    _sources(document, sources)

    # 4. Câu hỏi thảo luận
    sources = Sources()
    document.add_heading(part_heading(3), level=1)
    for i, q in enumerate(pack.discussion, 1):
        _body(document, f"{i}. {q.text} (ý {q.point} của đề cương) [{sources.number(q.citation)}]")
    if not pack.discussion:
        _body(document, EMPTY[3])
    _sources(document, sources)

    # 5. Câu hỏi trắc nghiệm, then the answer key on a page of its own
    sources = Sources()
    document.add_heading(part_heading(4), level=1)
    for i, item in enumerate(pack.quiz, 1):
        stem = _body(document)
        stem.add_run(f"Câu {i}. ").bold = True
        stem.add_run(item.stem)
        for j, option in enumerate(item.options):
            _body(document, option_line(j, option), indent=1)
    if pack.quiz:
        key = document.add_heading("Đáp án", level=2)
        key.paragraph_format.page_break_before = True
        for i, item in enumerate(pack.quiz, 1):
            line = _body(document)
            line.add_run(f"Câu {i}: {option_line(item.answer, item.options[item.answer])}").bold = True
            line.add_run(" — ")
            _quote(line, item.quote.text, sources.number(item.quote.citation))
    else:
        _body(document, EMPTY[4])
    _sources(document, sources)

    path = Path(path)
    document.save(path)
    return path
