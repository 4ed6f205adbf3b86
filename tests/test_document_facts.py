"""Questions about a library document itself: signer, issuer, recipients, what it implements or replaces, dates,
subject. Answers quote the passage that states the fact; a fact the document does not state is said to be missing."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.document_facts import document_facts_answer, fact_kind
from tests.grounding import assert_grounded

HUONG_DAN = """HUYỆN ỦY ĐÔNG LĨNH
BAN TỔ CHỨC
*
Số 07-HD/BTCHU
ĐẢNG CỘNG SẢN VIỆT NAM
Đông Lĩnh, ngày 15 tháng 4 năm 2023

HƯỚNG DẪN
về việc kiểm điểm, đánh giá chất lượng sinh hoạt chi bộ thử nghiệm

(Văn bản giả định về một đơn vị không có thật, viết riêng để kiểm thử phần mềm.)

Thực hiện Kế hoạch số 12-KH/TU ngày 02/3/2023 của Ban Thường vụ Tỉnh ủy về nâng cao chất lượng sinh hoạt chi bộ, \
Ban Tổ chức Huyện ủy Đông Lĩnh hướng dẫn một số nội dung như sau:

I. NỘI DUNG

1. Các chi bộ tổ chức kiểm điểm chất lượng sinh hoạt mỗi quý một lần, có biên bản gửi Ban Tổ chức Huyện ủy.

II. TỔ CHỨC THỰC HIỆN

Hướng dẫn này có hiệu lực từ ngày ký và thay thế Hướng dẫn số 03-HD/BTCHU ngày 10/01/2020 của Ban Tổ chức Huyện ủy.

Nơi nhận:
- Ban Tổ chức Tỉnh ủy (để b/c),
- Các chi bộ, đảng bộ cơ sở,
- Lưu VP.

K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN Nguyễn Văn Thử
"""

BAO_CAO = """HUYỆN ỦY ĐÔNG LĨNH
*
Số 45-BC/HU
ĐẢNG CỘNG SẢN VIỆT NAM
Đông Lĩnh, ngày 20 tháng 6 năm 2023

BÁO CÁO
kết quả sinh hoạt chi bộ sáu tháng đầu năm 2023

(Văn bản giả định về một đơn vị không có thật, viết riêng để kiểm thử phần mềm.)

Thực hiện Công văn số 88-CV/BTCTU ngày 02/6/2023 của Ban Tổ chức Tỉnh ủy về việc báo cáo chất lượng sinh hoạt chi bộ, \
Ban Thường vụ Huyện ủy Đông Lĩnh báo cáo kết quả như sau:

I. KẾT QUẢ

1. Toàn huyện có 120 chi bộ sinh hoạt định kỳ đúng quy định, đạt tỷ lệ 98%.

Nơi nhận:
- Ban Tổ chức Tỉnh ủy (b/c),
- Lưu Văn phòng Huyện ủy.

T/M BAN THƯỜNG VỤ
BÍ THƯ
Trần Văn Mẫu
"""

NGHI_DINH = """# Nghị định số 55/2021/NĐ-CP ngày 01/6/2021 của Chính phủ về quản lý hồ sơ thử nghiệm

(Văn bản giả định, viết riêng để kiểm thử phần mềm.)

## Điều 1. Phạm vi điều chỉnh

Nghị định này quy định việc quản lý hồ sơ thử nghiệm của các cơ quan nhà nước.

## Điều 2. Hiệu lực thi hành

Nghị định này có hiệu lực thi hành từ ngày 01 tháng 8 năm 2021.
"""


@pytest.fixture(scope="module")
def facts_library(tmp_path_factory, sample_settings, embedder):
    """A real library (real embedder, real Chroma) of the three invented documents above."""
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    folder = tmp_path_factory.mktemp("facts-docs")
    files = []
    for name, text in [("huong-dan-07.txt", HUONG_DAN), ("bao-cao-45.txt", BAO_CAO), ("nghi-dinh-55.md", NGHI_DINH)]:
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    settings = dataclasses.replace(sample_settings, data_dir=tmp_path_factory.mktemp("facts-data"))
    library = Library(settings, embedder)
    index_files(library, files, show_progress=False)
    return library


@pytest.mark.parametrize(("question", "kind"), [
    ("Ai ký Hướng dẫn 07-HD/BTCHU?", "signer"),
    ("huong dan 07 do ai ky", "signer"),
    ("Hướng dẫn 07 do cơ quan nào ban hành?", "issuer"),
    ("Báo cáo này được gửi tới những nơi nào?", "recipients"),
    ("Báo cáo được lập để trả lời công văn nào?", "implements"),
    ("Hướng dẫn 07 thay thế văn bản nào?", "replaces"),
    ("Hướng dẫn 07 có hiệu lực từ ngày nào?", "in_force"),
    ("KL 221 ban hành ngày nào?", "issued"),
    ("Quy định 383 về vấn đề gì?", "subject"),
    ("Văn bản nào quy định về phông lưu trữ?", "which"),
    ("Có bao nhiêu chi bộ sinh hoạt định kỳ?", None),
])
def test_question_kinds(question, kind):
    assert fact_kind(question) == kind


def test_the_signer_is_quoted_from_the_signature_block(facts_library):
    answer = document_facts_answer("Ai ký Hướng dẫn 07-HD/BTCHU?", facts_library)
    assert not answer.abstained
    assert "Người ký: Nguyễn Văn Thử (K/T TRƯỞNG BAN, PHÓ TRƯỞNG BAN) [1]" in answer.text
    assert answer.sources[0].passage.kind == "signature"
    assert_grounded(answer)


def test_a_report_named_by_its_unit_without_diacritics(facts_library):
    answer = document_facts_answer("bao cao cua huyen uy Dong Linh do ai ky", facts_library)
    assert answer is not None and "Trần Văn Mẫu" in answer.text
    assert_grounded(answer)


def test_another_units_document_is_never_answered(facts_library):
    assert document_facts_answer("Báo cáo của Huyện ủy Nam Lĩnh do ai ký?", facts_library) is None


def test_the_issuing_body_is_the_clause_where_it_acts(facts_library):
    answer = document_facts_answer("Hướng dẫn kiểm điểm chất lượng sinh hoạt chi bộ do cơ quan nào ban hành?",
                                   facts_library)
    assert "Cơ quan ban hành: Ban Tổ chức Huyện ủy Đông Lĩnh [1]" in answer.text
    assert "“Ban Tổ chức Huyện ủy Đông Lĩnh hướng dẫn một số nội dung như sau:” [1]" in answer.text
    assert_grounded(answer)


def test_what_the_report_answers(facts_library):
    answer = document_facts_answer("Huyện ủy Đông Lĩnh làm báo cáo này để trả lời công văn nào?", facts_library)
    assert "Công văn số 88-CV/BTCTU" in answer.text
    assert "“Thực hiện Công văn số 88-CV/BTCTU ngày 02/6/2023 của Ban Tổ chức Tỉnh ủy" in answer.text
    assert_grounded(answer)


def test_recipients_replaced_document_and_dates(facts_library):
    sent = document_facts_answer("Hướng dẫn 07-HD/BTCHU được gửi đến những nơi nào?", facts_library)
    assert "Nơi nhận: Ban Tổ chức Tỉnh ủy (để b/c); Các chi bộ, đảng bộ cơ sở; Lưu VP [1]" in sent.text
    replaced = document_facts_answer("HD 07 thay thế văn bản nào?", facts_library)
    assert "Văn bản bị thay thế: Hướng dẫn số 03-HD/BTCHU [1]" in replaced.text
    in_force = document_facts_answer("Hướng dẫn 07 có hiệu lực từ ngày nào?", facts_library)
    assert "Hướng dẫn này có hiệu lực từ ngày ký" in in_force.text
    issued = document_facts_answer("Báo cáo 45-BC/HU ban hành ngày nào?", facts_library)
    assert "Ngày ban hành: 20/06/2023 [1]" in issued.text and "“Đông Lĩnh, ngày 20 tháng 6 năm 2023” [1]" in issued.text
    for answer in (sent, replaced, in_force, issued):
        assert_grounded(answer)


def test_a_decree_without_signature_block_abstains(facts_library):
    answer = document_facts_answer("Nghị định 55/2021/NĐ-CP do ai ký ban hành?", facts_library)
    assert answer.abstained and not answer.sources
    assert "không ghi người ký trong phần có trong thư viện" in answer.text
    in_force = document_facts_answer("Nghị định 55/2021/NĐ-CP có hiệu lực từ ngày nào?", facts_library)
    assert "“Nghị định này có hiệu lực thi hành từ ngày 01 tháng 8 năm 2021.”" in in_force.text


def test_ordinary_and_unnamed_questions_are_left_to_retrieval(facts_library):
    assert document_facts_answer("Có bao nhiêu chi bộ sinh hoạt định kỳ?", facts_library) is None
    assert document_facts_answer("Kết luận 99-KL/TW do ai ký?", facts_library) is None


def test_a_question_about_the_one_document_of_a_type_the_library_holds_several_of_asks_which(fixture_assistant):
    """«Ai ký kế hoạch?» over two plans: no plan's signer is given for the other; both are listed to choose."""
    answer = fixture_assistant.ask("Ai ký kế hoạch?")
    assert answer.abstained and not answer.sources
    assert "Thư viện có 2 văn bản loại «Kế hoạch»" in answer.text and "Xin nêu rõ văn bản nào" in answer.text
    for doc in fixture_assistant.library.documents():
        if (doc.get("metadata") or {}).get("doc_type") == "Kế hoạch":
            assert f"«{doc['title']}»" in answer.text
