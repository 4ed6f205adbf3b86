"""The study pack's exports (issue #11): the .docx read back with python-docx, the Markdown, the CLI."""

from __future__ import annotations

import re
import sys

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.__main__ import study_outputs
from assistant.study.export_docx import write_docx
from assistant.study.export_md import pack_markdown
from assistant.study.pack import (
    PARTS,
    Citation,
    DiscussionQuestion,
    Figure,
    OutlinePoint,
    QuizItem,
    Quote,
    RelatedDocument,
    StudyPack,
)
from ingest.loader import load_document
from tests.test_cli import SAMPLE, _run

HEADINGS = [f"{i}. {name}" for i, name in enumerate(PARTS, 1)]


def _sentence(passages, needle: str) -> Quote:
    """The sentence of the sample holding `needle`, verbatim, with its passage's citation."""
    for p in passages:
        for sentence in re.split(r"(?<=[.;:])\s+", p.text):
            if needle in sentence:
                assert sentence in p.text
                return Quote(sentence, Citation(p))
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def pack() -> StudyPack:
    """A pack made by hand from real passages of the bundled sample report."""
    passages = load_document(SAMPLE).passages
    members = _sentence(passages, "4.663 đảng viên")
    hard = _sentence(passages, "khó khăn, hạn chế")
    dispatch = _sentence(passages, "1601-CV/BTCTU")
    return StudyPack(
        title="Tài liệu sinh hoạt chuyên đề: Báo cáo công tác xây dựng Đảng huyện Tây Sơn",
        documents=[passages[0].doc_id],
        topic="tổ chức cơ sở đảng",
        outline=[
            OutlinePoint("1", "ĐẶC ĐIỂM, TÌNH HÌNH", [members, hard]),
            OutlinePoint("2", "II. KẾT QUẢ TRIỂN KHAI", [dispatch]),  # the marker as written: not kept
        ],
        figures=[Figure("4.663", "đảng viên", members), Figure("58", "tổ chức cơ sở đảng", members)],
        related=[RelatedDocument("Công văn", "1601-CV/BTCTU", "30/5/2022", "", False, dispatch.citation)],
        discussion=[DiscussionQuestion("Những khó khăn, hạn chế nào cần khắc phục ở đơn vị mình?", "1",
                                       hard.citation)],
        quiz=[QuizItem(members.text.replace("4.663", "……"), ["4.366", "4.663", "4.636", "6.463"], 1, "number",
                       members)],
    )


def test_markdown_has_the_five_parts_in_order_and_every_quote_verbatim(pack):
    md = pack_markdown(pack)
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert headings == HEADINGS
    quotes = [q for point in pack.outline for q in point.quotes] + [f.quote for f in pack.figures]
    quotes += [item.quote for item in pack.quiz]
    for quote in quotes:
        assert f"*«{quote.text}»*" in md
    assert "| Số liệu | Đo cái gì | Câu | Nguồn |" in md
    assert "| Công văn | 1601-CV/BTCTU | 30/5/2022 |  | Không | [1] |" in md
    assert "### 1. ĐẶC ĐIỂM, TÌNH HÌNH" in md and "### 2. KẾT QUẢ TRIỂN KHAI" in md
    assert "- A. 4.366" in md and "1. B. 4.663 — " in md
    # the answer key comes last, after the questions; each part's sources are numbered, each once
    assert md.index("### Đáp án") > md.index("**Câu 1.**")
    first_part = md[:md.index(f"## {HEADINGS[1]}")]
    label = pack.figures[0].quote.citation.label
    assert first_part.count(label) == 1 and f"1. {label}" in first_part
    assert md.count("**Nguồn**") == 5


def test_docx_reads_back_with_the_layout_trainers_use(pack, tmp_path):
    path = write_docx(pack, tmp_path / "bai-sinh-hoat.docx")
    doc = read_docx(str(path))
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]
    assert [round(size.cm, 2) for size in sizes] == [21, 29.7, 2, 2, 3, 1.5]  # Word stores twips

    paragraphs = doc.paragraphs
    level1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert level1 == HEADINGS
    assert [p.text for p in paragraphs if p.style.name == "Heading 2"] == [
        "1. ĐẶC ĐIỂM, TÌNH HÌNH", "2. KẾT QUẢ TRIỂN KHAI", "Đáp án"]

    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman" and fonts.get(qn("w:cs")) == "Times New Roman"
    assert normal.element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "26"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:asciiTheme")) is None
    heading = doc.styles["Heading 1"]
    assert heading.font.name == "Times New Roman" and heading.font.size == Pt(14) and heading.font.bold
    assert heading.element.rPr.rFonts.get(qn("w:asciiTheme")) is None

    italics = [r.text for p in paragraphs for r in p.runs if r.italic]
    italics += [r.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
                for r in p.runs if r.italic]
    for point in pack.outline:
        for quote in point.quotes:
            assert f"«{quote.text}»" in italics
    assert f"«{pack.figures[0].quote.text}»" in italics

    key = next(p for p in paragraphs if p.text == "Đáp án")
    assert key.paragraph_format.page_break_before
    assert paragraphs.index(key) > max(i for i, p in enumerate(paragraphs) if p.text.startswith("Câu 1."))
    assert sum(p.text == "Nguồn" for p in paragraphs) == 5

    figures, related = doc.tables
    assert [c.text for c in figures.rows[0].cells] == ["Số liệu", "Đo cái gì", "Câu", "Nguồn"]
    assert [c.text for c in figures.rows[1].cells][:2] == ["4.663", "đảng viên"]
    assert [c.text for c in related.rows[1].cells][:2] == ["Công văn", "1601-CV/BTCTU"]
    assert related.rows[1].cells[4].text == "Không"


def test_an_empty_pack_still_has_its_five_parts(tmp_path):
    empty = StudyPack(title="Tài liệu sinh hoạt chuyên đề: trống", documents=[])
    md = pack_markdown(empty)
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == HEADINGS
    doc = read_docx(str(write_docx(empty, tmp_path / "trong.docx")))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS


def test_out_names_one_file_by_its_suffix_or_both_without_one(tmp_path):
    assert [p.name for p in study_outputs("a/bai.docx")] == ["bai.docx"]
    assert [p.name for p in study_outputs("bai.MD")] == ["bai.MD"]
    assert [p.name for p in study_outputs("a/bai-sinh-hoat")] == ["bai-sinh-hoat.docx", "bai-sinh-hoat.md"]


def test_cli_writes_a_docx_and_a_markdown_for_the_sample(sample_settings, sample_library, tmp_path):
    out = tmp_path / "bai-sinh-hoat"
    run = _run(["-m", "assistant", "study", "bao-cao-xay-dung-dang-tay-son-2022", "--quiz", "3", "--out", str(out)],
               sample_settings.data_dir)
    assert run.returncode == 0, run.stderr
    assert "ý chính" in run.stdout and "số liệu" in run.stdout and "câu hỏi" in run.stdout
    md = (tmp_path / "bai-sinh-hoat.md").read_text(encoding="utf-8")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == HEADINGS
    doc = read_docx(str(tmp_path / "bai-sinh-hoat.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS

    missing = _run(["-m", "assistant", "study", "Nghị quyết 999-NQ/XYZ", "--out", str(out)],
                   sample_settings.data_dir)
    assert missing.returncode == 2 and "Không tìm thấy văn bản" in missing.stderr


def test_cli_wiring_with_a_stand_in_builder(pack, sample_settings, sample_library, tmp_path, monkeypatch, capsys):
    """The subcommand in process, the builder replaced: queries resolved in order, one file per suffix,
    the summary printed, exit 2 and a Vietnamese error when a query matches nothing."""
    import types

    from assistant.__main__ import main

    calls = []

    def select_documents(library, query):
        return [d["doc_id"] for d in library.documents() if query.lower() in d["title"].lower()]

    def build_pack(library, doc_ids, topic="", sections=None, quiz_count=10):
        calls.append((doc_ids, topic, sections, quiz_count))
        return pack

    stand_in = types.ModuleType("assistant.study.build")
    stand_in.select_documents, stand_in.build_pack = select_documents, build_pack
    monkeypatch.setitem(sys.modules, "assistant.study.build", stand_in)
    monkeypatch.setenv("DATA_DIR", str(sample_settings.data_dir))

    args = ["study", "Báo cáo", "xây dựng Đảng", "--topic", "nêu gương", "--sections", "II", "III", "--quiz", "4"]
    assert main(args + ["--out", str(tmp_path / "bai.md")]) == 0
    assert calls == [(["bao-cao-xay-dung-dang-tay-son-2022"], "nêu gương", ["II", "III"], 4)]
    assert (tmp_path / "bai.md").read_text(encoding="utf-8") == pack_markdown(pack)
    assert not (tmp_path / "bai.docx").exists()
    printed = capsys.readouterr().out
    assert "2 ý chính, 2 số liệu, 1 văn bản liên quan, 1 câu hỏi thảo luận, 1 câu hỏi trắc nghiệm." in printed

    assert main(args + ["--out", str(tmp_path / "hai")]) == 0
    assert (tmp_path / "hai.docx").is_file() and (tmp_path / "hai.md").is_file()

    assert main(["study", "Báo cáo", "không có văn bản này"]) == 2
    assert "Không tìm thấy văn bản nào trong thư viện khớp với “không có văn bản này”." in capsys.readouterr().err
