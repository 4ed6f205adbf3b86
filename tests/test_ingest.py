"""Ingest of the bundled report (markdown converted from PDF) and of small synthetic files."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import config
from ingest.chunking import MAX_WORDS, MIN_WORDS
from ingest.footnotes import split_footnotes
from ingest.loader import content_hash, load_document, read_source
from ingest.markdown import parse_blocks
from ingest.passage import Document, Passage
from ingest.sentences import split_sentences
from ingest.structure import rejoin_page_breaks

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
DEV_QA = config.ROOT / "tests" / "data" / "dev-qa.jsonl"
CONG_VAN = config.ROOT / "tests" / "data" / "library" / "cong-van-1601-CV-BTCTU.txt"

PART_II = "II. KẾT QUẢ TRIỂN KHAI THỰC HIỆN CÔNG TÁC XÂY DỰNG ĐẢNG, XÂY DỰNG HỆ THỐNG CHÍNH TRỊ"
RESULTS = f"{PART_II} › 2. Kết quả đạt được"
SECTION_2_1 = (
    f"{RESULTS} › 2.1. Xây dựng Đảng trong sạch, vững mạnh; "
    "nâng cao năng lực lãnh đạo và sức chiến đấu của Đảng bộ"
)
SECTION_2_1_2 = (
    f"{SECTION_2_1} › 2.1.2. Tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị; "
    "nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng và chất lượng đảng viên"
)
SECTION_2_3 = (
    f"{RESULTS} › 2.3. Nâng cao chất lượng, hiệu quả công tác dân vận, Mặt trận và các tổ chức "
    "chính trị - xã hội; phát huy sức mạnh khối đại đoàn kết toàn dân"
)
PART_III = "III. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN"
PART_IV = "IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN ĐẾN"

# Every paragraph the PDF's page breaks cut in two, as (end of first half, glue, start of second).
REJOINS = [
    ("và triển khai thực", " ", "hiện đến cán bộ,"),            # footnotes 1, 2 in between
    ('hiện "tự diễn biến",', " ", '"tự chuyên hóa" trong'),     # blank lines
    ("đạo, chỉ đạo, tổ", " ", "chức triển khai thực"),          # rule + footnote 5
    ("cương hành chính, văn", " ", "hóa công sở, nêu"),         # footnotes 6, 7, 8
    ("phục; xử lý kỷ", " ", "luật nghiêm minh đối"),            # rule + footnote 9
    ("phương thức hoạt động", " ", "hướng về cơ sở,"),          # blank lines
    ("và hoạt động của", " ", "các tổ chức chính"),             # blank lines
    ("sinh hoạt cấp ủy;", " ", "thực hiện kiểm điểm,"),         # blank lines, inside task 2 of IV
]
REJOINED_TEXTS = [
    "triển khai thực hiện đến cán bộ, đảng viên",
    '"tự diễn biến", "tự chuyên hóa" trong nội bộ',
    "chỉ đạo, tổ chức triển khai thực hiện các nhiệm vụ",
    "kỷ cương hành chính, văn hóa công sở",
    "xử lý kỷ luật nghiêm minh",
    "phương thức hoạt động hướng về cơ sở",
    "hoạt động của các tổ chức chính trị - xã hội huyện",
    "sinh hoạt cấp ủy; thực hiện kiểm điểm, đánh giá",
]


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def doc() -> Document:
    return load_document(SAMPLE)


@pytest.fixture(scope="module")
def source() -> str:
    return read_source(SAMPLE)


def containing(doc: Document, needle: str) -> list[Passage]:
    return [p for p in doc.passages if collapse(needle) in collapse(p.text)]


def the_one(doc: Document, needle: str) -> Passage:
    found = containing(doc, needle)
    assert len(found) == 1, (needle, [p.section for p in found])
    return found[0]


def body_of(doc: Document) -> list[Passage]:
    return [p for p in doc.passages if p.kind in ("body", "list")]


# --- Document ---------------------------------------------------------------------------

def test_document_identity(doc: Document) -> None:
    assert doc.doc_id == "bao-cao-xay-dung-dang-tay-son-2022"
    assert doc.title == (
        "Báo cáo kết quả công tác xây dựng Đảng, xây dựng hệ thống chính trị "
        "từ sau Đại hội đại biểu Đảng bộ tỉnh lần thứ XX đến nay"
    )
    assert doc.content_hash == content_hash(read_source(SAMPLE))
    assert content_hash("x") != hashlib.sha256(b"x").hexdigest()  # the parser version is part of it
    # the hash is of the normalised text: other line breaks, spacing or Unicode form hash the same
    assert content_hash("Đảng bộ\r\n  xã") == content_hash("Đảng bộ xã") == content_hash("Đa\u0309ng bộ xã")
    assert doc.source_path == str(SAMPLE)
    assert {(p.doc_id, p.doc_title, p.source_id) for p in doc.passages} == {(doc.doc_id, doc.title, doc.doc_id)}


def test_ids_are_stable_and_unique(doc: Document) -> None:
    again = load_document(SAMPLE)
    assert [p.id for p in again.passages] == [p.id for p in doc.passages]
    assert len({p.id for p in doc.passages}) == len(doc.passages)


def test_kinds(doc: Document) -> None:
    kinds = Counter(p.kind for p in doc.passages)
    assert set(kinds) == {"header", "body", "list", "footnote", "signature"}
    assert kinds["header"] == 1 and kinds["signature"] == 1


def test_header(doc: Document) -> None:
    header = next(p for p in doc.passages if p.kind == "header")
    assert header.section == "BÁO CÁO"
    assert header.text.startswith("BÁO CÁO\nkết quả công tác xây dựng Đảng")
    assert "Thực hiện Công văn số 1601-CV/BTCTU ngày 30/5/2022" in header.text
    assert header.text.endswith("báo cáo kết quả thực hiện như sau:")


def test_signature(doc: Document) -> None:
    signature = next(p for p in doc.passages if p.kind == "signature")
    assert signature.text.startswith("Nơi nhận:\n- Ban Tổ chức Tỉnh ủy (b/c),")
    assert "T/M BAN THƯỜNG VỤ\nBÍ THƯ" in signature.text
    assert signature.text.endswith("Lê Bình Thanh")
    assert doc.passages[-1] is signature
    assert [p.kind for p in containing(doc, "Lê Bình Thanh")] == ["signature"]


# --- Structure --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("needle", "section"),
    [
        ("58 tổ chức cơ sở đảng", "I. ĐẶC ĐIỂM, TÌNH HÌNH"),
        ("nguồn lực đầu tư phát triển còn hạn chế", "I. ĐẶC ĐIỂM, TÌNH HÌNH"),
        (
            "Nhìn chung, qua triển khai phổ biến, quán triệt",
            f"{PART_II} › 1. Công tác lãnh đạo, chỉ đạo việc phổ biến, quán triệt và xây dựng "
            "chương trình, kế hoạch thực hiện",
        ),
        (
            "Ban Thường vụ Huyện ủy, các cấp ủy, tổ chức đảng đã tập trung đẩy mạnh",
            f"{SECTION_2_1} › 2.1.1. Đổi mới, nâng cao chất lượng công tác chính trị, tư tưởng và xây "
            "dựng Đảng về đạo đức",
        ),
        # The exact phrase of dev-qa d06 is in 2.1.2 (the 2.3 sentence reads "Trưởng ban Dân vận Huyện ủy,").
        ("Trưởng ban Ban Dân vận Huyện ủy đồng thời là Chủ tịch Ủy ban Mặt trận Tổ quốc", SECTION_2_1_2),
        ("Trưởng ban Dân vận Huyện ủy, đồng thời là Chủ tịch Ủy ban Mặt trận Tổ quốc", SECTION_2_3),
        ("kết nạp 331 đảng viên", SECTION_2_1_2),
        (
            "luật nghiêm minh đối với tổ chức đảng",
            f"{SECTION_2_1} › 2.1.4. Đổi mới, nâng cao hiệu lực, hiệu quả công tác kiểm tra, giám sát, "
            "kỷ luật đảng",
        ),
        (  # "2.2" is `##` after "2.1.5" `###`: still a sibling of 2.1
            "Hoạt động của hội đồng nhân dân các cấp trong huyện có sự chuyển biến tích cực",
            f"{RESULTS} › 2.2. Nâng cao chất lượng, hiệu quả hoạt động chính quyền các cấp; "
            "đẩy mạnh cải cách hành chính",
        ),
        ("nhất là người đứng đầu ở một số nơi còn hạn chế", f"{PART_III} › 1. Hạn chế, khuyết điểm"),
        ("Nguyên nhân chủ quan", f"{PART_III} › 2. Nguyên nhân"),
        ("Nâng cao chất lượng kết nạp đảng viên; quan tâm công tác tạo nguồn", PART_IV),
    ],
)
def test_section_paths(doc: Document, needle: str, section: str) -> None:
    assert the_one(doc, needle).section == section


def test_numbered_tasks_of_part_iv_are_list_items(doc: Document) -> None:
    tasks = [p for p in doc.passages if p.section == PART_IV]
    assert tasks and all(p.kind == "list" for p in tasks)
    starts = [line[:2] for p in tasks for line in p.text.split("\n")]
    assert starts == [f"{n}." for n in range(1, 9)]


def test_bullets_are_list_items(doc: Document) -> None:
    for needle in ("- Việc đổi mới phương thức lãnh đạo", "+ Trình độ, năng lực thực tiễn"):
        assert the_one(doc, needle).kind == "list"
    lead_in = the_one(doc, "- Nguyên nhân chủ quan")
    assert lead_in.text.startswith("- Nguyên nhân chủ quan\n+ Việc tổ chức quán triệt")


def test_no_passage_crosses_a_heading(doc: Document, source: str) -> None:
    headings = [m.start() for m in re.finditer(r"(?m)^#{1,6} ", source)]
    for passage in doc.passages:
        if passage.kind != "header":
            assert not [h for h in headings if passage.start < h < passage.end], passage.section


# --- Page breaks --------------------------------------------------------------------------

def test_every_page_break_rejoin(source: str) -> None:
    blocks, _ = split_footnotes(parse_blocks(source))
    _, joins = rejoin_page_breaks(blocks)
    assert [(j.before, j.glue, j.after) for j in joins] == REJOINS


@pytest.mark.parametrize("text", REJOINED_TEXTS)
def test_rejoined_paragraphs_are_whole(doc: Document, text: str) -> None:
    assert the_one(doc, text).kind in ("body", "list")


def test_no_markup_left(doc: Document) -> None:
    for passage in doc.passages:
        for mark in ("<sup>", "</sup>", "**", "*", "#", "---", "  "):
            assert mark not in passage.text, (mark, passage.section)
        assert passage.text == unicodedata.normalize("NFC", passage.text)


# --- Footnotes ----------------------------------------------------------------------------

def test_footnotes_are_passages_with_context(doc: Document) -> None:
    notes = [p for p in doc.passages if p.kind == "footnote"]
    assert sorted({p.footnotes[0] for p in notes}) == list(range(1, 10))
    for note in notes:
        number = note.footnotes[0]
        assert note.footnotes == [number] and note.text and note.context
        citing = [p for p in body_of(doc) if number in p.footnotes]
        assert len(citing) == 1, number
        assert collapse(note.context) in collapse(citing[0].text)
        assert note.section == f"{citing[0].section} › Chú thích {number}"


def test_footnote_texts_are_out_of_the_body(doc: Document) -> None:
    notes = [p for p in doc.passages if p.kind == "footnote"]
    for passage in body_of(doc) + [p for p in doc.passages if p.kind in ("header", "signature")]:
        for note in notes:
            assert collapse(note.text) not in collapse(passage.text)


def test_footnote_examples(doc: Document) -> None:
    first = the_one(doc, "tỷ lệ 96,48%")
    assert first.kind == "footnote" and first.footnotes == [1]
    # of a long citing sentence, only the ";" clause holding the marker
    assert first.context.startswith("Huyện ủy, Ban Thường vụ Huyện ủy đã tập trung lãnh đạo")
    assert first.context.endswith("bảo đảm đúng mục đích, yêu cầu đề ra")
    assert the_one(doc, "Xã Bình Tân.").context == (
        "bí thư cấp ủy đồng thời là chủ tịch ủy ban nhân dân ở 01/15 xã, thị trấn"
    )
    fifth = the_one(doc, "100% chi bộ cơ sở xếp loại Tốt")
    assert fifth.context == (
        "Duy trì việc thực hiện sinh hoạt chi bộ chuyên đề hàng quý đảm bảo theo quy định; "
        "thực hiện tốt việc đánh giá, xếp loại chất lượng sinh hoạt chi bộ."
    )
    assert the_one(doc, "Xã Bình Tân.").section == f"{SECTION_2_1_2} › Chú thích 4"
    # footnotes 6 and 7 are printed on the page of 2.1.3 but cited in 2.1.2
    assert the_one(doc, "Hướng dẫn số 02-HD/HU ngày 01/6/2021").section == f"{SECTION_2_1_2} › Chú thích 7"


def test_body_passages_list_the_footnotes_they_cite(doc: Document) -> None:
    assert the_one(doc, "bảo đảm đúng mục đích, yêu cầu đề ra").footnotes == [1, 2]
    assert the_one(doc, "ở 8/15 xã, thị trấn").footnotes == [3, 4]
    assert the_one(doc, "Kế hoạch phát triển đảng viên nhiệm kỳ 2020 - 2025 và").footnotes == [6, 7]


# --- Chunks -------------------------------------------------------------------------------

def test_chunk_sizes(doc: Document) -> None:
    for passage in body_of(doc):
        assert MIN_WORDS <= len(passage.text.split()) <= MAX_WORDS, passage.section
    for passage in doc.passages:
        assert len(passage.text.split()) <= MAX_WORDS


def test_long_footnote_is_cut_at_semicolons(doc: Document) -> None:
    pieces = [p for p in doc.passages if p.footnotes == [2] and p.kind == "footnote"]
    assert len(pieces) == 2
    assert pieces[0].text.endswith(";") and pieces[0].context == pieces[1].context


def test_spans_point_into_the_normalised_source(doc: Document, source: str) -> None:
    def cleaned(region: str) -> str:
        region = re.sub(r"<sup>\d+</sup>", "", region)
        region = re.sub(r"(?m)^#{1,6}\s*", "", region.replace("*", ""))
        return collapse(region)

    for passage in doc.passages:
        region = cleaned(source[passage.start:passage.end])
        text = collapse(passage.text)
        assert region.startswith(text[:30]) and region.endswith(text[-30:]), passage.section
    for note in (p for p in doc.passages if p.kind == "footnote"):
        assert source[note.start:note.end] == note.text


def test_every_gold_string_is_inside_a_passage(doc: Document) -> None:
    records = [json.loads(line) for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        for gold in record["gold"]:
            assert containing(doc, gold), (record["id"], gold)


# --- Sentences ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Đảng bộ có 4.663 đảng viên. Tỷ lệ đạt 96,48%. Ngày 18/3/2021 tổ chức hội nghị.",
            ["Đảng bộ có 4.663 đảng viên.", "Tỷ lệ đạt 96,48%.", "Ngày 18/3/2021 tổ chức hội nghị."],
        ),
        (
            "Thực hiện Kết luận số 21-KL/TW và Nghị định số 130/NĐ-CP. Kết quả tốt.",
            ["Thực hiện Kết luận số 21-KL/TW và Nghị định số 130/NĐ-CP.", "Kết quả tốt."],
        ),
        (
            "Đồng chí TS. Nguyễn Văn A và ThS. Trần B công tác tại TP. Quy Nhơn. Hội nghị thành công.",
            ["Đồng chí TS. Nguyễn Văn A và ThS. Trần B công tác tại TP. Quy Nhơn.", "Hội nghị thành công."],
        ),
        ("Hội thao, văn nghệ v.v. Đều được tổ chức.", ["Hội thao, văn nghệ v.v. Đều được tổ chức."]),
        ("Sinh hoạt đoàn thể... Nhìn chung tốt.", ["Sinh hoạt đoàn thể... Nhìn chung tốt."]),
        (
            "Thực hiện phương châm: “Dân biết. Dân bàn. Dân làm”. Kết quả tốt.",
            ["Thực hiện phương châm: “Dân biết. Dân bàn. Dân làm”.", "Kết quả tốt."],
        ),
        (
            'Về "Tăng cường xây dựng. Chỉnh đốn Đảng". Tiếp tục.',
            ['Về "Tăng cường xây dựng. Chỉnh đốn Đảng".', "Tiếp tục."],
        ),
        (
            "1. Tiếp tục đổi mới. Tăng cường kiểm tra.\n2.1.2. Đổi mới tổ chức",
            ["1. Tiếp tục đổi mới.", "Tăng cường kiểm tra.", "2.1.2. Đổi mới tổ chức"],
        ),
        ("- Việc thứ nhất;\n+ Việc thứ hai.", ["Việc thứ nhất;", "Việc thứ hai."]),
        ("Vì sao? Bởi vì khó! Nay đã   tốt\thơn.", ["Vì sao?", "Bởi vì khó!", "Nay đã tốt hơn."]),
        ("Kết quả tốt. 100% chi bộ đạt. “Tự soi” là cần.", ["Kết quả tốt.", "100% chi bộ đạt.", "“Tự soi” là cần."]),
        ("Họp ngày 30/5. theo đó triển khai.", ["Họp ngày 30/5. theo đó triển khai."]),
        ("Nguyễn V. An phát biểu.", ["Nguyễn V. An phát biểu."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


# --- Synthetic files ----------------------------------------------------------------------

REPORT_TXT = """\
ĐẢNG BỘ HUYỆN TÂY SƠN
ĐẢNG ỦY XÃ TÂY XUÂN

BÁO CÁO
tình hình thực hiện nhiệm vụ năm 2023

Thực hiện Kế hoạch số 12-KH/HU ngày 01/02/2023 của Huyện ủy; Đảng ủy xã báo cáo như sau:

I. TÌNH HÌNH CHUNG
Đảng bộ xã có 12 chi bộ trực thuộc với 345 đảng viên. Năm 2023 kết nạp 15 đảng viên mới, đạt 107% kế hoạch<sup>1</sup>.
1. Kết quả đạt được
a) Công tác chính trị, tư tưởng
Các chi bộ tổ chức học tập nghị quyết đầy đủ; tỷ lệ đảng viên tham gia đạt 96,5%. Công tác tuyên truyền được đẩy mạnh
trên hệ thống loa truyền thanh của xã về chủ trương của Đảng, chính sách, pháp luật của Nhà nư

<sup>1</sup> Kế hoạch số 05-KH/ĐU ngày 10/01/2023.

-----

ớc và các nhiệm vụ của địa phương. Nhà nước hỗ trợ kinh phí cho các thôn.
b) Công tác tổ chức
Kiện toàn 02 chi bộ thôn. TS. Nguyễn Văn Bình được phân công phụ trách.
II. NHIỆM VỤ NĂM 2024
1. Tiếp tục nâng cao chất lượng sinh hoạt chi bộ; thực hiện nghiêm quy định về nêu gương của cán bộ, đảng viên.
2. Quan tâm công tác phát triển đảng viên, nhất là ở thôn và trong doanh nghiệp.

Nơi nhận:
- Huyện ủy (b/c),
- Lưu.
T/M ĐẢNG ỦY
BÍ THƯ
Nguyễn Văn An
"""


def test_plain_text_report(tmp_path: Path) -> None:
    path = tmp_path / "Báo cáo xã Tây Xuân 2023.txt"
    path.write_text(REPORT_TXT, encoding="utf-8")
    doc = load_document(path)
    assert doc.doc_id == "bao-cao-xa-tay-xuan-2023"
    assert doc.title == "Báo cáo tình hình thực hiện nhiệm vụ năm 2023"
    header = the_one(doc, "Thực hiện Kế hoạch số 12-KH/HU")
    assert header.kind == "header" and header.section == "BÁO CÁO"
    assert the_one(doc, "345 đảng viên").section == "I. TÌNH HÌNH CHUNG"
    political = the_one(doc, "được đẩy mạnh trên hệ thống loa")  # a wrapped line, joined
    assert political.section == "I. TÌNH HÌNH CHUNG › 1. Kết quả đạt được › a) Công tác chính trị, tư tưởng"
    assert "pháp luật của Nhà nước và các nhiệm vụ" in political.text  # a mid-word page break
    organisation = the_one(doc, "Kiện toàn 02 chi bộ thôn")
    assert organisation.section == "I. TÌNH HÌNH CHUNG › 1. Kết quả đạt được › b) Công tác tổ chức"
    assert len(organisation.text.split()) < MIN_WORDS  # a short section is its own passage
    tasks = the_one(doc, "1. Tiếp tục nâng cao chất lượng sinh hoạt chi bộ")
    assert tasks.kind == "list" and tasks.section == "II. NHIỆM VỤ NĂM 2024"
    assert "2. Quan tâm công tác phát triển đảng viên" in tasks.text
    note = the_one(doc, "Kế hoạch số 05-KH/ĐU")
    assert note.kind == "footnote" and note.context.endswith("đạt 107% kế hoạch.")
    assert the_one(doc, "345 đảng viên").footnotes == [1]
    signature = the_one(doc, "Nguyễn Văn An")
    assert signature.kind == "signature" and "T/M ĐẢNG ỦY" in signature.text


def test_markdown_footnotes_bom_crlf_and_nfd(tmp_path: Path) -> None:
    text = (
        "# Quy chế làm việc\r\n\r\n## 1. Phạm vi\r\n\r\nQuy chế áp dụng cho các chi bộ[^1]. "
        "Các chi bộ thực hiện *nghiêm túc* quy chế.\r\n\r\n[^1]: Gồm 12 chi bộ.\r\n"
    )
    path = tmp_path / "quy-che.md"
    path.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).encode("utf-8"))
    doc = load_document(path)
    assert doc.title == "Quy chế làm việc"
    body = the_one(doc, "Quy chế áp dụng cho các chi bộ.")
    assert body.section == "Quy chế làm việc › 1. Phạm vi" and body.footnotes == [1]
    assert "thực hiện nghiêm túc quy chế" in body.text
    note = the_one(doc, "Gồm 12 chi bộ.")
    assert note.kind == "footnote" and note.context == "Quy chế áp dụng cho các chi bộ."
    assert all(p.text == unicodedata.normalize("NFC", p.text) for p in doc.passages)


def test_title_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Một đoạn văn ngắn không có tiêu đề.\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "ghi-chu"
    assert [(p.kind, p.section, p.text) for p in doc.passages] == [("body", "", "Một đoạn văn ngắn không có tiêu đề.")]


# --- Loader errors ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rong.md", b"", "Tệp rỗng: rong.md"),
        ("trang.txt", b" \n\n\t\n", "Tệp rỗng: trang.txt"),
        ("chi-danh-dau.md", b"---\n\n## **  **\n", "Tệp rỗng: chi-danh-dau.md"),
        ("latin.txt", "Báo cáo".encode("latin-1"), "Không đọc được tệp latin.txt (mã hóa không phải UTF-8 hay UTF-16)"),
        ("anh.txt", bytes(range(256)) * 4, "Tệp anh.txt không phải văn bản (nội dung nhị phân)"),
        ("bao-cao.pdf", b"%PDF-1.4", "Tệp PDF bị hỏng hoặc không đọc được: bao-cao.pdf"),
        ("bao-cao.xyz", b"PK", "Định dạng tệp không được hỗ trợ: .xyz"),
    ],
)
def test_loader_errors(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValueError) as error:
        load_document(path)
    assert str(error.value).startswith(message)


def test_short_items_group_and_labels_lead(tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.md"
    path.write_text(
        "## 1. Kết quả\n\na) Ưu điểm\n\n- Một việc\n- Hai việc\n\nb) Nguyên nhân\n\n"
        "- *Nguyên nhân chủ quan*\n\n+ Nhận thức chưa đầy đủ.\n\n+ Năng lực còn hạn chế.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert [(p.kind, p.section, p.text) for p in doc.passages] == [
        ("list", "1. Kết quả › a) Ưu điểm", "a) Ưu điểm\n- Một việc\n- Hai việc"),  # the heading leads its list
        (
            "list",
            "1. Kết quả › b) Nguyên nhân",
            "- Nguyên nhân chủ quan\n+ Nhận thức chưa đầy đủ.\n+ Năng lực còn hạn chế.",
        ),
    ]


def test_a_text_file_typed_in_tcvn3_is_indexed_as_unicode(tmp_path: Path) -> None:
    from ingest.legacy_encoding import TCVN3_TO_UNICODE

    to_legacy = {v: k for k, v in TCVN3_TO_UNICODE.items()}
    unicode_text = "I. TÌNH HÌNH\nChi bộ thôn có 27 đảng viên, sinh hoạt định kỳ hằng tháng theo quy định của Đảng."
    legacy = "".join(to_legacy.get(c, c) for c in unicode_text.lower())
    path = tmp_path / "cu.txt"
    path.write_bytes(legacy.encode("utf-8"))
    text = " ".join(p.text for p in load_document(path).passages)
    assert "27 đảng viên" in text and "sinh hoạt định kỳ" in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_files_in_utf8_or_utf16_read_alike(tmp_path: Path, encoding: str) -> None:
    text = "I. TÌNH HÌNH\nChi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt định kỳ vào ngày mùng 5 hằng tháng."
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(text.encode(encoding))
    assert any("27 đảng viên" in p.text for p in load_document(path).passages)


def test_an_8bit_tcvn3_file_is_read_and_converted(tmp_path: Path) -> None:
    from ingest.legacy_encoding import TCVN3_TO_UNICODE

    to_legacy = {v: k for k, v in TCVN3_TO_UNICODE.items()}
    text = "chi bộ thôn có 27 đảng viên, sinh hoạt định kỳ hằng tháng theo quy định của điều lệ đảng."
    path = tmp_path / "cu.txt"
    path.write_bytes("".join(to_legacy.get(c, c) for c in text).encode("latin-1"))
    assert any("27 đảng viên, sinh hoạt định kỳ" in p.text for p in load_document(path).passages)


# --- A letter (công văn): no type line, a "V/v …" subject under the number ---------------------

CONG_VAN_SUBJECT = "V/v báo cáo kết quả thực hiện công tác xây dựng Đảng, xây dựng hệ thống chính trị"
HEADER_LINES = ("TỈNH ỦY THỬ NGHIỆM", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 1601-CV/BTCTU")


def test_cong_van_has_a_header_and_a_body() -> None:
    doc = load_document(CONG_VAN)
    assert doc.title == (
        "Công văn về việc báo cáo kết quả thực hiện công tác xây dựng Đảng, xây dựng hệ thống chính trị"
    )
    assert doc.metadata["doc_type"] == "Công văn"
    assert doc.metadata["number"] == "1601-CV/BTCTU"
    assert doc.metadata["date"] == "2022-05-30"
    assert doc.metadata["title"] == CONG_VAN_SUBJECT.removeprefix("V/v ")
    header = the_one(doc, "Số 1601-CV/BTCTU")
    assert header.kind == "header" and header.section == CONG_VAN_SUBJECT
    assert CONG_VAN_SUBJECT in header.text and "ngày 30 tháng 5 năm 2022" in header.text
    assert "Kính gửi" not in header.text
    body = body_of(doc)
    assert body and all(p.section == CONG_VAN_SUBJECT for p in body)
    assert not any(line in p.text for p in body for line in HEADER_LINES)
    assert the_one(doc, "Kính gửi: Các huyện ủy, thị ủy").kind == "body"
    assert the_one(doc, "trước ngày 20/6/2022 để tổng hợp").kind == "body"
    assert the_one(doc, "Lê Thị Mẫu").kind == "signature"


STATE_CONG_VAN = Path(__file__).parent / "data" / "cong-van-125-CV-UBND.txt"  # a state letter, "Số:"/"V/v:"


def test_state_cong_van_with_colons() -> None:
    doc = load_document(STATE_CONG_VAN)
    subject = "V/v: triển khai kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2023"
    assert doc.title == "Công văn về việc triển khai kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2023"
    assert (doc.metadata["doc_type"], doc.metadata["number"]) == ("Công văn", "125/CV-UBND")
    header = the_one(doc, "Số: 125/CV-UBND")
    assert header.kind == "header" and header.section == subject
    assert "Độc lập - Tự do - Hạnh phúc" in header.text and "Kính gửi" not in header.text
    opening = the_one(doc, "Kính gửi: Ủy ban nhân dân các xã")
    assert opening.kind == "body" and opening.section == subject
    assert the_one(doc, "Các xã kiện toàn ban chỉ huy").section == "1. Kiện toàn ban chỉ huy"
    assert the_one(doc, "Nguyễn Văn Một").kind == "signature"
