"""The structure model for official documents (NĐ 30/2020/NĐ-CP, HD 36-HD/VPTW): invented fixtures only."""

from __future__ import annotations

from ingest.chunking import MAX_WORDS
from ingest.loader import parse_document

FILLER = "cán bộ, đảng viên thực hiện nghiêm túc, đầy đủ, kịp thời các nhiệm vụ được giao theo quy định"

QUY_DINH = """BAN CHẤP HÀNH TRUNG ƯƠNG

ĐẢNG CỘNG SẢN VIỆT NAM

Số 999-QĐ/TW

Hà Nội, ngày 02 tháng 01 năm 2030

QUY ĐỊNH

VỀ CÔNG TÁC THỬ NGHIỆM TÀI LIỆU

- Căn cứ Điều lệ Đảng;

- Xét đề nghị của Chánh Văn phòng Trung ương Đảng,

Ban Bí thư quy định về công tác thử nghiệm tài liệu như sau:

## Chương I

QUY ĐỊNH CHUNG

## Điều 1. Phạm vi điều chỉnh

Quy định này quy định về công tác thử nghiệm tài liệu.

Điều 2. Thành phần tài liệu

Tài liệu thử nghiệm gồm nhiều loại. Thành phần tài liệu thử nghiệm bao gồm:

""" + "\n\n".join(f"{n}. Tài liệu loại {n} của các cơ quan, tổ chức: {FILLER}; {FILLER}." for n in range(1, 11)) + f"""

## Chương II

QUY ĐỊNH CỤ THỂ

## Điều 3. Trách nhiệm của cơ quan

1. Người đứng đầu cơ quan có trách nhiệm:

a) Tổ chức thực hiện quy định này; {FILLER}; {FILLER}.

b) Kiểm tra việc thực hiện; {FILLER}; {FILLER}.

2. Cán bộ làm nhiệm vụ thử nghiệm phải {FILLER}; {FILLER}; {FILLER}; {FILLER}.

3. Văn phòng Trung ương Đảng hướng dẫn thực hiện Điều này; {FILLER}; {FILLER}; {FILLER}.

Điều 4. Quy định này có hiệu lực kể từ ngày ký.

Nơi nhận:

- Các tỉnh ủy, thành ủy,

- Lưu Văn phòng Trung ương Đảng.

T/M BAN BÍ THƯ

Nguyễn Văn Thử
"""

REPORT = """ĐẢNG BỘ HUYỆN THỬ NGHIỆM

Số 12-BC/HU

Thử Nghiệm, ngày 05 tháng 01 năm 2030

BÁO CÁO kết quả công tác tổ chức xây dựng Đảng năm 2029

Thực hiện Hướng dẫn của Ban Tổ chức Tỉnh ủy, Ban Thường vụ Huyện ủy báo cáo như sau:

I. CÔNG TÁC TỔ CHỨC

1. Kết quả đạt được

Toàn huyện có 58 tổ chức cơ sở đảng.
"""


def test_quy_dinh_header_holds_preamble_and_no_article():
    doc = parse_document(QUY_DINH, "qd")
    header = [p for p in doc.passages if p.kind == "header"]
    assert len(header) == 1
    assert header[0].section == "QUY ĐỊNH"
    assert "Căn cứ Điều lệ Đảng" in header[0].text
    assert header[0].text.endswith("như sau:")
    assert "Điều 1" not in header[0].text
    assert doc.title == "QUY ĐỊNH VỀ CÔNG TÁC THỬ NGHIỆM TÀI LIỆU"


def test_quy_dinh_section_paths():
    doc = parse_document(QUY_DINH, "qd")
    sections = {p.section for p in doc.passages}
    assert "Chương I. QUY ĐỊNH CHUNG › Điều 1. Phạm vi điều chỉnh" in sections
    # "Điều 2. …" without "#" is an article heading too, and closes Điều 1
    assert "Chương I. QUY ĐỊNH CHUNG › Điều 2. Thành phần tài liệu" in sections
    # a long article is cut at its Khoản; the Điểm stay with their Khoản
    article3 = "Chương II. QUY ĐỊNH CỤ THỂ › Điều 3. Trách nhiệm của cơ quan"
    assert f"{article3} › Khoản 1" in sections
    assert f"{article3} › Khoản 2" in sections
    khoan1 = [p for p in doc.passages if p.section == f"{article3} › Khoản 1"]
    assert len(khoan1) == 1 and "a) Tổ chức" in khoan1[0].text and "b) Kiểm tra" in khoan1[0].text
    assert all("2. Cán bộ" not in p.text for p in khoan1)
    # an article written with its text: heading "Điều 4", the sentence is its content
    article4 = next(p for p in doc.passages if "có hiệu lực kể từ ngày ký" in p.text)
    assert article4.section.endswith("Điều 4")
    assert "Nơi nhận" not in article4.text
    signature = [p for p in doc.passages if p.kind == "signature"]
    assert signature and signature[0].text.startswith("Nơi nhận:")


def test_list_lead_in_stays_with_items_or_is_carried_as_context():
    doc = parse_document(QUY_DINH, "qd")
    lead = "Thành phần tài liệu thử nghiệm bao gồm:"
    items = [p for p in doc.passages if p.section.endswith("Điều 2. Thành phần tài liệu")]
    first = next(p for p in items if lead in p.text)
    assert "1. Tài liệu loại 1" in first.text                 # the lead-in is not alone
    rest = [p for p in items if p is not first and "Tài liệu loại" in p.text]
    assert rest, "ten long items need more than one passage"
    assert all(p.context == lead for p in rest)
    assert all(len(p.text.split()) <= MAX_WORDS for p in items)
    assert lead in rest[0].index_text


def test_short_article_stays_one_passage():
    text = QUY_DINH.replace("Quy định này quy định về công tác thử nghiệm tài liệu.",
                            "1. Quy định này quy định về thử nghiệm.\n\n2. Quy định này áp dụng với các cơ quan.")
    doc = parse_document(text, "qd")
    article1 = [p for p in doc.passages if "Điều 1." in p.section]
    assert len(article1) == 1
    assert article1[0].section == "Chương I. QUY ĐỊNH CHUNG › Điều 1. Phạm vi điều chỉnh"
    assert "1. Quy định" in article1[0].text and "2. Quy định" in article1[0].text


def test_report_type_and_subject_on_one_line():
    doc = parse_document(REPORT, "bc")
    assert doc.title == "Báo cáo kết quả công tác tổ chức xây dựng Đảng năm 2029"
    header = [p for p in doc.passages if p.kind == "header"]
    assert header and header[0].section == "BÁO CÁO" and header[0].text.endswith("như sau:")
    body = next(p for p in doc.passages if "58 tổ chức" in p.text)
    assert body.section == "I. CÔNG TÁC TỔ CHỨC › 1. Kết quả đạt được"


def test_title_from_type_and_subject_not_issuer():
    text = """BAN CHẤP HÀNH TRUNG ƯƠNG BAN TỔ CHỨC

ĐẢNG CỘNG SẢN VIỆT NAM

Số 99-HD/BTCTW

HƯỚNG DẪN

MỘT SỐ NỘI DUNG QUY ĐỊNH SỐ 1-QĐ/TW NGÀY 01/01/2030 CỦA BỘ CHÍNH TRỊ VỀ PHÂN CẤP QUẢN LÝ CÁN BỘ VÀ QUY HOẠCH, \
BỔ NHIỆM, GIỚI THIỆU ỨNG CỬ, TẠM ĐÌNH CHỈ CÔNG TÁC, CHO THÔI GIỮ CHỨC VỤ, TỪ CHỨC, MIỄN NHIỆM ĐỐI VỚI CÁN BỘ

## I- Về phân cấp quản lý cán bộ

Nội dung hướng dẫn.
"""
    doc = parse_document(text, "hd")
    assert doc.title.startswith("HƯỚNG DẪN MỘT SỐ NỘI DUNG QUY ĐỊNH SỐ 1-QĐ/TW")
    assert next(p for p in doc.passages if "Nội dung hướng dẫn" in p.text).section == "I- Về phân cấp quản lý cán bộ"


def test_roman_dash_and_plain_text_articles():
    text = """QUY CHẾ

LÀM VIỆC THỬ

I- QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Quy chế này áp dụng thử.
Điều 2. Hiệu lực
Quy chế có hiệu lực ngay.
"""
    doc = parse_document(text, "qc")
    sections = [p.section for p in doc.passages if p.kind != "header"]
    assert sections == ["I- QUY ĐỊNH CHUNG › Điều 1. Phạm vi", "I- QUY ĐỊNH CHUNG › Điều 2. Hiệu lực"]


def test_parts_and_an_attached_document_after_the_signature():
    text = """QUYẾT ĐỊNH

BAN HÀNH QUY CHẾ THỬ

- Căn cứ Quy định số 1-QĐ/TW;

TRƯỞNG BAN THỬ NGHIỆM QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế thử.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Nơi nhận:

- Lưu Văn phòng.

K/T TRƯỞNG BAN

QUY CHẾ

THỬ NGHIỆM TÀI LIỆU

(Ban hành kèm theo Quyết định số 2-QĐ/BTN)

Phần thứ nhất

NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi

Quy chế này áp dụng thử.

PHỤ LỤC

Danh mục tài liệu thử.
"""
    doc = parse_document(text, "qd")
    header = next(p for p in doc.passages if p.kind == "header")
    assert header.text.endswith("QUYẾT ĐỊNH:") and "Điều 1" not in header.text

    def section_of(words: str) -> str:
        return next(p.section for p in doc.passages if words in p.text)

    assert section_of("Quyết định này có hiệu lực") == "Điều 2"
    assert section_of("Quy chế này áp dụng thử.") == (
        "QUY CHẾ THỬ NGHIỆM TÀI LIỆU › Phần thứ nhất. NHỮNG QUY ĐỊNH CHUNG › Điều 1. Phạm vi"
    )
    assert section_of("Danh mục tài liệu thử.").endswith("PHỤ LỤC")
    signature = next(p for p in doc.passages if p.kind == "signature")
    assert "Quy chế này" not in signature.text and "QUY CHẾ" not in signature.text
