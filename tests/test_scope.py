"""Which library documents a question names (assistant.scope.named_documents)."""

from __future__ import annotations

import pytest

from assistant.scope import acting_clause, named_documents
from assistant.units import Unit, same_unit, units_in
from tests.test_document_facts import facts_library  # noqa: F401  (the module fixture)


@pytest.mark.parametrize(("text", "units"), [
    ("Ban Thường vụ Huyện ủy Tây Sơn báo cáo", [("huyện", "tay son")]),
    ("Đại hội chi bộ trường THCS Hoàng Lương nhiệm kỳ 2020-2022", [("trường", "thcs hoang luong")]),
    ("HUYỆN ỦY ĐÔNG LĨNH", [("huyện", "dong linh")]),
    ("Tính đến nay, cơ quan Trung ương", []),
])
def test_units_in(text, units):
    assert [u.key for u in units_in(text)] == units


@pytest.mark.parametrize(("a", "b", "same"), [
    (("huyện", "tay son"), ("huyện", "tay son"), True),
    (("thị xã", "an nhon"), ("huyện", "an nhon"), True),     # one tier
    (("xã", "binh thanh"), ("phường", "binh thanh"), True),
    (("huyện", "tay son"), ("xã", "tay son"), False),          # another tier
    (("huyện", "tay son"), ("huyện", "dong linh"), False),
])
def test_same_unit(a, b, same):
    assert same_unit(Unit(*a, written=""), Unit(*b, written="")) is same


def test_acting_clause():
    text = ("Thực hiện Quy định số 377-QĐ/TW …; đồng thời, trên cơ sở ý kiến của các tỉnh ủy, Ban Tổ chức Trung "
            "ương hướng dẫn một số nội dung như sau:")
    assert acting_clause(text)[0] == "Ban Tổ chức Trung ương"
    assert acting_clause("Tại phiên họp ngày 14/11/2025, Bộ Chính trị, Ban Bí thư kết luận như sau:")[0] == \
        "Bộ Chính trị, Ban Bí thư"


@pytest.mark.parametrize(("question", "expected"), [
    ("Ai ký Hướng dẫn 07-HD/BTCHU?", ["huong-dan-07"]),
    ("HD 7 có hiệu lực khi nào?", ["huong-dan-07"]),
    ("bao cao 45 do ai ky", ["bao-cao-45"]),
    ("Nghị định 55/2021/NĐ-CP do ai ký?", ["nghi-dinh-55"]),
    ("Báo cáo của Huyện ủy Đông Lĩnh do ai ký?", ["bao-cao-45"]),
    ("Hướng dẫn kiểm điểm chất lượng sinh hoạt chi bộ do ai ký?", ["huong-dan-07"]),
    ("bao cao cua huyen uy dong linh do ai ky", ["bao-cao-45"]),   # typed without diacritics nor capitals
    ("Báo cáo của huyện Nam Lĩnh do ai ký?", []),        # a unit no document is about
    ("Kết luận 21-KL/TW ban hành khi nào?", []),         # a number not in the library
    ("Có bao nhiêu chi bộ?", []),
])
def test_named_documents(facts_library, question, expected):  # noqa: F811
    assert named_documents(question, facts_library)[:len(expected) or None] == expected
