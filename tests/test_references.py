"""References to Vietnamese documents in text and questions (ingest.references)."""

from __future__ import annotations

import pytest

import config
from ingest.docnumbers import doc_number_keys
from ingest.references import Reference, find_references, matches, parse_reference_query

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"

# (key, doc_type, date, issuer, start of subject) of every reference in the sample, in order
SAMPLE_REFERENCES = [
    ("1601-CV/BTCTU", "Công văn", "2022-05-30", "Ban Tổ chức Tỉnh ủy", "báo cáo kết quả thực hiện công tác"),
    ("3-CTR/HU", "Chương trình hành động", "2020-12-22", "", "thực hiện Nghị quyết Đại hội đại biểu Đảng bộ huyện"),
    ("21-KH/HU", "Kế hoạch", "2021-08-16", "", "thực hiện Chương trình hành động của Tỉnh ủy về “Nâng cao"),
    ("1-KH/HU", "Kế hoạch", "2020-09-03", "", "học tập, quán triệt, tuyên truyền Nghị quyết Đại hội"),
    ("7-KH/HU", "Kế hoạch", "2020-12-29", "", "phổ biến, quán triệt và triển khai thực hiện Nghị quyết"),
    ("18-KH/HU", "Kế hoạch", "2021-07-05", "", "triển khai thực hiện các chương trình hành động"),
    ("quy-che-lam-viec-ban-chap-hanh-dang-bo-huyen-khoa-xxi", "Quy chế", "",
     "Ban Chấp hành Đảng bộ huyện khóa XXI", ""),
    ("119-QD/HU", "Quyết định", "2021-02-25", "", "thành lập Tổ cấp ủy huyện khóa XXI"),
    ("1-HD/HU", "Hướng dẫn", "2020-09-25", "", "thí điểm sinh hoạt chi bộ"),
    ("119-QD/HU", "Quyết định", "2021-02-25", "", "phân công các đồng chí Ủy viên"),
    ("8-KH/HU", "Kế hoạch", "2021-01-18", "", "phát triển đảng viên nhiệm kỳ 2020 - 2025"),
    ("42-KH/HU", "Kế hoạch", "2022-02-22", "", "thực hiện Kết luận số 21-KL/TW ngày 25/10/2021"),
    ("21-KL/TW", "Kết luận", "2021-10-25", "Ban Chấp hành Trung ương Đảng khóa XIII", "đẩy mạnh xây dựng, chỉnh đốn"),
    ("41-KH/HU", "Kế hoạch", "2022-01-25", "", "thực hiện Kết luận số 14-KL/TW"),
    ("14-KL/TW", "Kết luận", "2021-09-22", "Bộ Chính trị", "chủ trương khuyến khích và bảo vệ cán bộ năng động"),
    ("2-QD/HU", "Quy định", "2022-04-04", "", "phân cấp quản lý cán bộ"),
    ("46-KH/HU", "Kế hoạch", "2022-05-09", "", "kết nạp chủ doanh nghiệp tư nhân vào Đảng"),
    ("nq-tw4-khoa-xi", "Nghị quyết", "", "", ""),
    ("nq-tw4-khoa-xii", "Nghị quyết", "", "", ""),
    ("nq-tw4-khoa-xii", "Nghị quyết", "", "", ""),
    ("dieu-le-dang", "Điều lệ", "", "", ""),
    ("quy-che-hoat-dong-to-cap-uy-huyen", "Quy chế", "", "Tổ cấp ủy huyện", ""),
    ("8-KH/HU", "Kế hoạch", "2021-01-18", "", ""),
    ("2-HD/HU", "Hướng dẫn", "2021-06-01", "", ""),
    ("nq-tw4-khoa-xii", "Nghị quyết", "", "", "Tăng cường xây dựng, chỉnh đốn Đảng"),
    ("luat-phong-chong-tham-nhung-2018", "Luật", "", "", "phòng, chống tham nhũng"),
    ("130/ND-CP", "Nghị định", "2020-10-30", "Chính phủ", "kiểm soát tài sản, thu nhập"),
    ("26/CT-TTG", "Chỉ thị", "2016-09-05", "Thủ tướng Chính phủ", "tăng cường kỷ luật, kỷ cương"),
    ("dieu-le-dang", "Điều lệ", "", "", ""),
    ("101-QD/TW", "Quy định", "2012-06-07", "Ban Bí thư", "trách nhiệm nêu gương của cán bộ, đảng viên"),
    ("luat-hoat-dong-giam-sat-cua-quoc-hoi-va-hoi-dong-nhan-dan", "Luật", "", "", "hoạt động giám sát"),
    ("luat-to-chuc-chinh-quyen-dia-phuong", "Luật", "", "", "tổ chức chính quyền địa phương"),
    ("nq-tw5-khoa-x", "Nghị quyết", "", "", "tiếp tục đổi mới phương thức lãnh đạo của Đảng"),
    ("5-CT/TW", "Chỉ thị", "", "Bộ Chính trị", "Tiếp tục học tập và làm theo tư tưởng"),
]


@pytest.fixture(scope="module")
def sample() -> tuple[str, list[Reference]]:
    text = SAMPLE.read_text(encoding="utf-8")
    return text, find_references(text)


def test_sample_references_in_order(sample):
    text, refs = sample
    got = [(r.key, r.doc_type, r.date, r.issuer) for r in refs]
    assert got == [(k, t, d, i) for k, t, d, i, _ in SAMPLE_REFERENCES]
    assert len({r.key for r in refs}) > 20
    for ref, (*_, subject) in zip(refs, SAMPLE_REFERENCES, strict=True):
        assert ref.subject.startswith(subject), (ref.key, ref.subject)
        assert text[ref.start:ref.end] == ref.text
        if ref.date:
            assert ref.year == ref.date[:4]


def test_sample_numbered_keys_are_docnumbers_keys(sample):
    text, refs = sample
    numbered = list(dict.fromkeys(r.key for r in refs if "/" in r.key))
    assert numbered == doc_number_keys(text)


def test_sample_details(sample):
    _, refs = sample
    by_key = {}
    for r in refs:
        by_key.setdefault(r.key, []).append(r)
    kl = by_key["21-KL/TW"][0]
    assert (kl.number, kl.year, kl.issuer_code) == ("21-KL/TW", "2021", "TW")
    assert kl.subject == "đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"
    assert kl.text.startswith("Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành")
    cv = by_key["1601-CV/BTCTU"][0]
    assert cv.issuer_code == "BTCTU"
    assert cv.subject.startswith("báo cáo kết quả")  # "về việc" dropped
    assert by_key["3-CTR/HU"][0].number == "03-CTr/HU"
    assert by_key["3-CTR/HU"][0].subject.endswith("giai đoạn 2020 - 2025”")
    ct = by_key["26/CT-TTG"][0]
    assert (ct.number, ct.issuer_code, ct.year) == ("26/CT-TTg", "TTg", "2016")
    assert ct.subject == "tăng cường kỷ luật, kỷ cương trong các cơ quan hành chính nhà nước các cấp"
    nd = by_key["130/ND-CP"][0]
    assert (nd.number, nd.issuer_code) == ("130/NĐ-CP", "CP")
    assert by_key["5-CT/TW"][0].subject == "Tiếp tục học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    assert by_key["5-CT/TW"][0].text.endswith("Hồ Chí Minh”")
    # the two decisions 119-QĐ/HU are two mentions with different subjects
    assert len(by_key["119-QD/HU"]) == 2
    assert by_key["119-QD/HU"][0].subject != by_key["119-QD/HU"][1].subject
    # "Nghị quyết Trung ương 4 (khóa XI, khóa XII)" -> two references over one mention
    xi, xii = by_key["nq-tw4-khoa-xi"][0], by_key["nq-tw4-khoa-xii"][0]
    assert xi.text == xii.text == "Nghị quyết Trung ương 4 (khóa XI, khóa XII)"
    assert (xi.khoa, xii.khoa, xi.issuer_code) == ("XI", "XII", "TW")
    nq8 = by_key["nq-tw4-khoa-xii"][2]
    assert nq8.subject.endswith('"tự chuyển hóa" trong nội bộ')
    law = by_key["luat-phong-chong-tham-nhung-2018"][0]
    assert (law.text, law.year) == ("Luật phòng, chống tham nhũng năm 2018", "2018")


@pytest.mark.parametrize("text, key, number", [
    ("Quy định 101-QĐ/TW", "101-QD/TW", "101-QĐ/TW"),
    ("Quy định số 101 - QĐ / TW", "101-QD/TW", "101-QĐ/TW"),
    ("quy định số 101-QD/TW", "101-QD/TW", "101-QD/TW"),
    ("Kết luận số 21-kl/tw", "21-KL/TW", "21-kl/tw"),
    ("Chương trình hành động số 3-CTr/HU", "3-CTR/HU", "3-CTr/HU"),
    ("Chương trình hành động số 003-CTR/HU", "3-CTR/HU", "003-CTR/HU"),
    ("Nghị định số 130/NĐ-CP", "130/ND-CP", "130/NĐ-CP"),
    ("Nghị định 130 / NĐ - CP", "130/ND-CP", "130/NĐ-CP"),
    ("Nghị định số: 130/2020/NĐ-CP", "130/ND-CP", "130/2020/NĐ-CP"),
    ("Chỉ thị số 26/CT-TTg", "26/CT-TTG", "26/CT-TTg"),
    ("Kế hoạch số 42-KH/HU", "42-KH/HU", "42-KH/HU"),
    ("Công văn số 1601-CV/BTCTU", "1601-CV/BTCTU", "1601-CV/BTCTU"),
    ("Hướng dẫn số 02-HD/HU", "2-HD/HU", "02-HD/HU"),
])
def test_numbered_variants(text, key, number):
    [ref] = find_references(f"Thực hiện {text}, các cấp ủy")
    assert (ref.key, ref.number) == (key, number)
    assert ref.text == text
    assert doc_number_keys(text) == [key]


def test_bare_number_type_from_code_and_year_from_number():
    [ref] = find_references("căn cứ 130/2020/NĐ-CP và")
    assert (ref.key, ref.doc_type, ref.year, ref.issuer_code) == ("130/ND-CP", "Nghị định", "2020", "CP")
    [ref] = find_references("theo 21-KL/TW")
    assert ref.doc_type == "Kết luận"
    [ref] = find_references("theo 119-QĐ/HU")
    assert ref.doc_type == ""  # QĐ: Quy định or Quyết định


def test_full_mention():
    text = ("Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII về đẩy mạnh xây "
            "dựng, chỉnh đốn Đảng và hệ thống chính trị; các nội dung khác")
    [ref] = find_references(text)
    assert ref == Reference(
        key="21-KL/TW", doc_type="Kết luận", number="21-KL/TW", year="2021", issuer_code="TW", date="2021-10-25",
        issuer="Ban Chấp hành Trung ương Đảng khóa XIII",
        subject="đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
        text=text[:text.index(";")], start=0, end=text.index(";"), name_end=len("Kết luận số 21-KL/TW"),
    )


def test_date_forms_and_issuer_before_date():
    [ref] = find_references("Nghị định số 130/NĐ-CP của Chính phủ ngày 30 tháng 10 năm 2020 về kiểm soát tài sản.")
    assert (ref.date, ref.issuer, ref.subject) == ("2020-10-30", "Chính phủ", "kiểm soát tài sản")


@pytest.mark.parametrize("text, keys", [
    ("Nghị quyết Trung ương 4 (khóa XI, khóa XII)", ["nq-tw4-khoa-xi", "nq-tw4-khoa-xii"]),
    ("Nghị quyết Trung ương 4 khóa XII", ["nq-tw4-khoa-xii"]),
    ("Nghị quyết Trung ương 4, khoá XII", ["nq-tw4-khoa-xii"]),
    ("Nghị quyết Hội nghị Trung ương 5 (khóa X)", ["nq-tw5-khoa-x"]),
    ("Nghị quyết Trung ương 4 khóa XI và XII", ["nq-tw4-khoa-xi", "nq-tw4-khoa-xii"]),
    ("Luật phòng, chống tham nhũng năm 2018", ["luat-phong-chong-tham-nhung-2018"]),
    ("Luật Phòng, chống tham nhũng", ["luat-phong-chong-tham-nhung"]),
    ("Luật Cán bộ, công chức và Luật Viên chức", ["luat-can-bo-cong-chuc", "luat-vien-chuc"]),
    ("Điều lệ Đảng", ["dieu-le-dang"]),
    ("Hiến pháp năm 2013", ["hien-phap-2013"]),
])
def test_named_documents(text, keys):
    assert [r.key for r in find_references(f"theo {text}; tiếp tục")] == keys


@pytest.mark.parametrize("text", [
    "Hội nghị trực tuyến vào ngày 18/3/2021 cho cán bộ chủ chốt",
    "kết nạp 192/187 đảng viên (tỷ lệ 102,67% so với Kế hoạch)",
    "8/15 xã, thị trấn đạt 96,48%",
    "nhiệm kỳ 2020 - 2025, giai đoạn 2020-2025",
    "phòng, chống dịch Covid - 19 và Covid-19",
    "ban hành Chương trình, Kế hoạch và các văn bản; Kế hoạch 2021; Nghị quyết Đại hội",
    "Luật sư, luật pháp, theo quy định của pháp luật, Quy chế hoạt động và tình hình",
    "số 12, ngày 05/9/2016, 302/313 người, 1/2 số xã",
])
def test_no_false_positives(text):
    assert find_references(text) == []


@pytest.mark.parametrize("question, doc_type, number, partial_key, known", [
    ("Kết luận 21 nói gì?", "Kết luận", "21", "21-KL/", "21-KL/TW"),
    ("ket luan so 21", "Kết luận", "21", "21-KL/", "21-KL/TW"),
    ("quy dinh 101 ve nêu gương", "Quy định", "101", "101-QD/", "101-QD/TW"),
    ("Chương trình hành động 03", "Chương trình hành động", "3", "3-CTR/", "3-CTR/HU"),
    ("Nghị định 130 quy định gì", "Nghị định", "130", "130/ND-", "130/ND-CP"),
    ("Chỉ thị 26", "Chỉ thị", "26", "26-CT/", "26/CT-TTG"),
    ("KL 14", "Kết luận", "14", "14-KL/", "14-KL/TW"),
])
def test_query_partial(question, doc_type, number, partial_key, known):
    [ref] = parse_reference_query(question)
    assert (ref.key, ref.doc_type, ref.number, ref.partial_key) == ("", doc_type, number, partial_key)
    assert matches(ref, known)
    assert not matches(ref, "22-KL/TW")
    assert not matches(ref, "121-KL/TW")


@pytest.mark.parametrize("question, keys", [
    ("21-kl/tw", ["21-KL/TW"]),
    ("Kết luận số 21-KL/TW là gì", ["21-KL/TW"]),
    ("nghi dinh 130/2020/nd-cp", ["130/ND-CP"]),
    ("NQ TW4 khóa XII", ["nq-tw4-khoa-xii"]),
    ("nghi quyet trung uong 4 khoa xii", ["nq-tw4-khoa-xii"]),
    ("Nghị quyết TW 4 (khóa XI, XII)", ["nq-tw4-khoa-xi", "nq-tw4-khoa-xii"]),
    ("luat phong, chong tham nhung nam 2018", ["luat-phong-chong-tham-nhung-2018"]),
    ("dieu le dang", ["dieu-le-dang"]),
    ("theo luật thì sao", []),
    ("Kết luận 21-KL/TW và 21-kl/tw", ["21-KL/TW"]),
])
def test_query_full(question, keys):
    assert [r.key for r in parse_reference_query(question)] == keys


def test_query_mixed():
    refs = parse_reference_query("So sánh KL 21 với Nghị định 130/NĐ-CP và NQ TW4")
    assert [(r.key, r.partial_key) for r in refs] == [("", "21-KL/"), ("130/ND-CP", ""), ("nq-tw4", "")]


def test_matches():
    [nq] = parse_reference_query("NQ TW4")
    assert matches(nq, "nq-tw4-khoa-xii") and matches(nq, "nq-tw4")
    assert not matches(nq, "nq-tw5-khoa-x") and not matches(nq, "nq-tw41")
    [law] = parse_reference_query("Luật phòng, chống tham nhũng")
    assert matches(law, "luat-phong-chong-tham-nhung-2018")
    [full] = parse_reference_query("21-KL/TW")
    assert matches(full, "21-KL/TW") and matches(full, "21-kl/tw") and not matches(full, "21-KH/HU")
    assert not matches(full, "")
