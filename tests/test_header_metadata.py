"""Header and signature metadata of Vietnamese official documents (ingest.header_metadata)."""

from __future__ import annotations

import unicodedata

import pytest

import config
from ingest.header_metadata import HeaderMetadata, read_header_metadata

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
CONG_VAN = config.ROOT / "tests" / "data" / "library" / "cong-van-1601-CV-BTCTU.txt"

PARTY_KET_LUAN = """\
BAN CHẤP HÀNH TRUNG ƯƠNG
ĐẢNG CỘNG SẢN VIỆT NAM
*
Số 21-KL/TW
Hà Nội, ngày 25 tháng 10 năm 2021

# **KẾT LUẬN**
**CỦA HỘI NGHỊ LẦN THỨ TƯ BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIII**
**về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm cán bộ**

-----

Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XIII đã thảo luận và kết luận như sau:

1. Thống nhất đánh giá việc thực hiện Nghị quyết Trung ương 4 khóa XII.

T/M BAN CHẤP HÀNH TRUNG ƯƠNG
TỔNG BÍ THƯ

Nguyễn Phú Trọng
"""

STATE_NGHI_DINH = """\
CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 130/2020/NĐ-CP
*Hà Nội, ngày 30 tháng 10 năm 2020*

NGHỊ ĐỊNH
Kiểm soát tài sản, thu nhập của người có chức vụ, quyền hạn trong cơ quan, tổ chức, đơn vị

*Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;*

Chính phủ ban hành Nghị định kiểm soát tài sản, thu nhập.

Điều 1. Phạm vi điều chỉnh

Nghị định này quy định chi tiết một số điều của Luật Phòng, chống tham nhũng.

Nơi nhận:
- Ban Bí thư Trung ương Đảng;
- Lưu: VT, V.I (2b).

TM. CHÍNH PHỦ
THỦ TƯỚNG

(Đã ký)

Nguyễn Xuân Phúc
"""

HUYEN_UY_KE_HOACH = """\
ĐẢNG BỘ TỈNH THỬ NGHIỆM
HUYỆN ỦY THỬ NGHIỆM
*
Số 42-KH/HU

Thử Nghiệm, ngày 22 tháng 02 năm 2022

KẾ HOẠCH

thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII
về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị

-----

Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII, Ban Thường vụ \
Huyện ủy xây dựng kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU

Quán triệt sâu sắc nội dung Kết luận đến cán bộ, đảng viên.

Nơi nhận:

- Ban Thường vụ Tỉnh ủy (b/c),
- Lưu Văn phòng Huyện ủy.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ

*Thử*

Nguyễn Văn Thử
"""

TWO_COLUMNS = (
    "ĐẢNG ỦY XÃ THỬ NGHIỆM            ĐẢNG CỘNG SẢN VIỆT NAM\n"
    "CHI BỘ THÔN MỘT\n"
    "*\n"
    "Số 05-NQ/CB\t\tThử Nghiệm, ngày 3/1/2023\n"
    "\n"
    "NGHỊ QUYẾT\n"
    "về lãnh đạo thực hiện nhiệm vụ năm 2023\n"
    "\n"
    "Chi bộ thôn Một họp ngày 02/01/2023 và thống nhất các nội dung sau.\n"
    "\n"
    "Nơi nhận:                                T/M CHI BỘ\n"
    "- Đảng ủy xã (b/c),                      BÍ THƯ\n"
    "- Lưu chi bộ.\n"
    "\n"
    "                                         Trần Thị Một\n"
)

STATE_ON_ONE_LINE = (
    "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "SỞ NỘI VỤ\tĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 17/HD-SNV    Thử Nghiệm, ngày 9 tháng 3 năm 2024\n"
    "HƯỚNG DẪN\n"
    "Về công tác thi đua, khen thưởng năm 2024\n"
    "Căn cứ Luật Thi đua, khen thưởng năm 2022;\n"
)

STATE_CONG_VAN = (config.ROOT / "tests" / "data" / "cong-van-125-CV-UBND.txt").read_text(encoding="utf-8")

PLAIN = """\
# GHI CHÉP

Sáng nay, ngày 25/10/2021 chúng tôi họp.

Hôm nay trời đẹp. Chúng tôi đi dạo quanh hồ và nói chuyện về công việc.

Ngày mai sẽ có mưa, theo dự báo thời tiết ngày 25/10/2021.
"""


def test_bundled_sample() -> None:
    meta = read_header_metadata(SAMPLE.read_text(encoding="utf-8"))
    assert meta.doc_type == "Báo cáo"
    assert meta.title.startswith("kết quả công tác xây dựng Đảng")
    assert meta.title.endswith("lần thứ XX đến nay")
    assert "*" not in meta.title
    assert meta.signer == "Lê Bình Thanh"
    assert "BÍ THƯ" in meta.signer_role
    assert meta.signer_role == "T/M BAN THƯỜNG VỤ, BÍ THƯ"
    assert (meta.number, meta.date, meta.issuer, meta.place) == ("", "", "", "")


def test_party_ket_luan() -> None:
    meta = read_header_metadata(PARTY_KET_LUAN)
    assert meta.issuer == "BAN CHẤP HÀNH TRUNG ƯƠNG"
    assert meta.number == "21-KL/TW"
    assert (meta.place, meta.date) == ("Hà Nội", "2021-10-25")
    assert meta.doc_type == "Kết luận"
    assert meta.title.startswith("CỦA HỘI NGHỊ LẦN THỨ TƯ")
    assert "về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị" in meta.title
    assert "*" not in meta.title and "Hội nghị lần thứ tư Ban" not in meta.title
    assert meta.signer == "Nguyễn Phú Trọng"
    assert meta.signer_role == "T/M BAN CHẤP HÀNH TRUNG ƯƠNG, TỔNG BÍ THƯ"


def test_state_nghi_dinh() -> None:
    meta = read_header_metadata(STATE_NGHI_DINH)
    assert meta.issuer == "CHÍNH PHỦ"
    assert meta.number == "130/2020/NĐ-CP"
    assert (meta.place, meta.date) == ("Hà Nội", "2020-10-30")
    assert meta.doc_type == "Nghị định"
    assert meta.title == "Kiểm soát tài sản, thu nhập của người có chức vụ, quyền hạn trong cơ quan, tổ chức, đơn vị"
    assert meta.signer == "Nguyễn Xuân Phúc"
    assert meta.signer_role == "TM. CHÍNH PHỦ, THỦ TƯỚNG"


def test_huyen_uy_ke_hoach() -> None:
    meta = read_header_metadata(HUYEN_UY_KE_HOACH)
    assert meta.issuer == "ĐẢNG BỘ TỈNH THỬ NGHIỆM HUYỆN ỦY THỬ NGHIỆM"
    assert meta.number == "42-KH/HU"
    assert (meta.place, meta.date) == ("Thử Nghiệm", "2022-02-22")
    assert meta.doc_type == "Kế hoạch"
    assert meta.title == (
        "thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII "
        "về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"
    )
    assert meta.signer == "Nguyễn Văn Thử"
    assert meta.signer_role == "T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ"


def test_two_columns_on_one_line() -> None:
    meta = read_header_metadata(TWO_COLUMNS)
    assert meta.issuer == "ĐẢNG ỦY XÃ THỬ NGHIỆM CHI BỘ THÔN MỘT"
    assert meta.number == "05-NQ/CB"
    assert (meta.place, meta.date) == ("Thử Nghiệm", "2023-01-03")
    assert meta.doc_type == "Nghị quyết"
    assert meta.title == "về lãnh đạo thực hiện nhiệm vụ năm 2023"
    assert meta.signer == "Trần Thị Một"
    assert meta.signer_role == "T/M CHI BỘ, BÍ THƯ"


def test_issuer_beside_the_motto_and_the_national_name() -> None:
    meta = read_header_metadata(STATE_ON_ONE_LINE)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM SỞ NỘI VỤ"
    assert meta.number == "17/HD-SNV"
    assert (meta.place, meta.date) == ("Thử Nghiệm", "2024-03-09")
    assert meta.doc_type == "Hướng dẫn"
    assert meta.title == "Về công tác thi đua, khen thưởng năm 2024"
    assert (meta.signer, meta.signer_role) == ("", "")


def test_plain_text_has_no_metadata() -> None:
    assert read_header_metadata(PLAIN) == HeaderMetadata()
    assert read_header_metadata("") == HeaderMetadata()


def test_decomposed_input_is_normalised() -> None:
    meta = read_header_metadata(unicodedata.normalize("NFD", HUYEN_UY_KE_HOACH))
    assert meta.doc_type == "Kế hoạch"
    assert meta.signer == "Nguyễn Văn Thử"
    assert meta.issuer == unicodedata.normalize("NFC", "ĐẢNG BỘ TỈNH THỬ NGHIỆM HUYỆN ỦY THỬ NGHIỆM")


def test_signature_placeholder_alone_is_not_a_signer() -> None:
    text = "Nội dung báo cáo.\n\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\n\n*Bình Thanh*\n"
    meta = read_header_metadata(text)
    assert meta.signer == ""
    assert meta.signer_role == "T/M BAN THƯỜNG VỤ, BÍ THƯ"


def test_cong_van_title_is_its_subject_line() -> None:
    meta = read_header_metadata(CONG_VAN.read_text(encoding="utf-8"))
    assert meta.issuer == "TỈNH ỦY THỬ NGHIỆM BAN TỔ CHỨC"
    assert meta.number == "1601-CV/BTCTU"
    assert (meta.place, meta.date) == ("Thử Nghiệm", "2022-05-30")
    assert meta.doc_type == "Công văn"
    assert meta.title == "báo cáo kết quả thực hiện công tác xây dựng Đảng, xây dựng hệ thống chính trị"
    assert (meta.signer, meta.signer_role) == ("Lê Thị Mẫu", "K/T TRƯỞNG BAN, PHÓ TRƯỞNG BAN")


def test_state_cong_van_with_colons_and_a_wrapped_subject() -> None:
    meta = read_header_metadata(STATE_CONG_VAN)
    assert meta.issuer == "ỦY BAN NHÂN DÂN HUYỆN THỬ NGHIỆM"
    assert meta.number == "125/CV-UBND"
    assert (meta.place, meta.date) == ("Thử Nghiệm", "2023-04-12")
    assert meta.doc_type == "Công văn"
    assert meta.title == "triển khai kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2023"


@pytest.mark.parametrize(
    ("number", "subject", "doc_type"),
    [
        ("Số 41-KH/HU", "", "Kế hoạch"),
        ("Số 15-CTr/TU", "", "Chương trình"),
        ("Số: 07/BC-UBND", "", "Báo cáo"),
        ("Số 02-QĐ/HU", "", ""),                                 # Quyết định or Quy định: not said
        ("Số: 45/SNV-VP", "Về việc góp ý dự thảo quy chế", "Công văn"),  # no code, but a subject line
        ("Số 33-HD/BTGTU", "V/v hướng dẫn tuyên truyền", "Hướng dẫn"),   # the code comes first
    ],
)
def test_doc_type_from_the_number_when_there_is_no_type_line(number: str, subject: str, doc_type: str) -> None:
    text = f"HUYỆN ỦY THỬ NGHIỆM\n{number}\n{subject}\nThử Nghiệm, ngày 2 tháng 3 năm 2023\n\nNội dung.\n"
    meta = read_header_metadata(text)
    assert meta.doc_type == doc_type
    assert meta.title == subject.removeprefix("Về việc ").removeprefix("V/v ")


def test_a_subject_line_without_a_number_is_no_title() -> None:
    meta = read_header_metadata("V/v góp ý dự thảo\n\nNội dung góp ý.\n")
    assert (meta.doc_type, meta.title) == ("", "")
