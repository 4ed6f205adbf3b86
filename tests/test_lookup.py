"""Questions about documents by their reference, answered from the catalog, and the fixture library's links."""

from __future__ import annotations

import pytest

from assistant.catalog import build_catalog
from assistant.lookup import reference_question
from tests.grounding import assert_grounded


@pytest.mark.parametrize(("question", "intent", "level"), [
    ("21-KL/TW", "about", ""),
    ("Nghị quyết Trung ương 4 khóa XII nói về gì?", "about", ""),
    ("Chương trình hành động 03 ban hành khi nào?", "about", ""),
    ("quy dinh 101 la gi", "about", ""),
    ("Huyện đã ban hành văn bản nào để thực hiện Kết luận 14-KL/TW?", "implementing", "HU"),
    ("Những văn bản nào thực hiện Kết luận 14?", "implementing", ""),
])
def test_questions_about_a_reference_are_recognised(question, intent, level):
    asked = reference_question(question)
    assert asked is not None and asked.intent == intent and asked.level == level


@pytest.mark.parametrize("question", [
    "Kết quả thực hiện Kết luận 21-KL/TW như thế nào?",
    "Kế hoạch thực hiện Kết luận 21 đề ra những nhiệm vụ gì?",
    "Công tác dân vận có kết quả gì?",
    "Nghị quyết 35-NQ/TW về bảo vệ nền tảng tư tưởng của Đảng ban hành năm nào?",  # its "về …" says more
])
def test_content_questions_go_to_retrieval(question):
    assert reference_question(question) is None


def test_a_bare_number_answers_with_what_the_report_says_of_it(assistant):
    answer = assistant.ask("21-KL/TW")
    assert not answer.abstained
    assert "Ngày ban hành: 25/10/2021 [1]" in answer.text
    assert "Ban Chấp hành Trung ương Đảng khóa XIII" in answer.text
    assert "Chưa có toàn văn trong thư viện." in answer.text
    assert "Kế hoạch số 42-KH/HU" in answer.text  # the plan implementing it
    assert_grounded(answer)


def test_a_named_resolution_answers_with_its_subject(assistant):
    answer = assistant.ask("Nghị quyết Trung ương 4 khóa XII nói về gì?")
    assert "Tăng cường xây dựng, chỉnh đốn Đảng, ngăn chặn, đẩy lùi sự suy thoái" in answer.text
    assert_grounded(answer)


def test_when_a_document_was_issued(assistant):
    answer = assistant.ask("Chương trình hành động 03 ban hành khi nào?")
    assert answer.text.startswith("Chương trình hành động số 03-CTr/HU:")
    assert "Ngày ban hành: 22/12/2020 [1]" in answer.text
    assert_grounded(answer)


def test_the_implementing_plan_is_found_through_the_relation(assistant):
    answer = assistant.ask("Huyện đã ban hành văn bản nào để thực hiện Kết luận 14-KL/TW?")
    assert not answer.abstained
    assert answer.text.startswith("Văn bản thực hiện Kết luận số 14-KL/TW:")
    assert "Kế hoạch số 41-KH/HU" in answer.text and "Kế hoạch số 42-KH/HU" not in answer.text
    assert_grounded(answer)


def test_an_unknown_document_is_said_to_be_missing(assistant):
    answer = assistant.ask("Kết luận 99-KL/TW là gì?")
    assert answer.abstained and not answer.sources
    assert "Không tìm thấy văn bản «Kết luận 99-KL/TW»" in answer.text


# ---- the fixture library: the report plus a fictional district plan, commune plan and provincial letter ----

def _doc_id(assistant, name: str) -> str:
    return next(d["doc_id"] for d in assistant.library.documents() if d["source_path"].endswith(name))


def test_catalog_links_cited_documents_to_their_full_text_both_ways(fixture_assistant):
    catalog = build_catalog(fixture_assistant.library)
    report = _doc_id(fixture_assistant, "bao-cao-xay-dung-dang-tay-son-2022.md")
    plan = _doc_id(fixture_assistant, "ke-hoach-41-KH-HU.txt")
    commune = _doc_id(fixture_assistant, "ke-hoach-12-KH-DU.txt")
    letter = _doc_id(fixture_assistant, "cong-van-1601-CV-BTCTU.txt")

    # the report cites the plan and the letter, whose full texts are now in the library
    kh41 = catalog["41-KH/HU"]
    assert kh41.in_library == plan
    assert {p.doc_id for p in kh41.citing} == {report, commune}  # not the plan's own "Số 41-KH/HU"
    assert catalog["1601-CV/BTCTU"].in_library == letter
    assert {p.doc_id for p in catalog["1601-CV/BTCTU"].citing} == {report}
    # the plan and the commune cite what the report cites
    assert {p.doc_id for p in catalog["14-KL/TW"].citing} == {report, plan, commune}
    # who implements whom
    assert {i.key for i in catalog["14-KL/TW"].implemented_by} == {"41-KH/HU"}
    assert any(i.doc_id == plan for i in catalog["14-KL/TW"].implemented_by)
    assert [i.key for i in kh41.implemented_by] == ["12-KH/DU"]
    assert [i.passage.doc_id for i in catalog["1601-CV/BTCTU"].implemented_by] == [report]


def test_a_cited_document_in_the_library_answers_with_its_opening(fixture_assistant):
    answer = fixture_assistant.ask("Kế hoạch 41-KH/HU nói về gì?")
    plan = _doc_id(fixture_assistant, "ke-hoach-41-KH-HU.txt")
    assert "Toàn văn có trong thư viện" in answer.text and "Chưa có toàn văn" not in answer.text
    assert "Quán triệt sâu sắc Kết luận số 14-KL/TW" in answer.text
    assert plan in {s.passage.doc_id for s in answer.sources}
    assert "Văn bản thực hiện: Kế hoạch số 12-KH/ĐU" in answer.text
    assert_grounded(answer)


@pytest.mark.parametrize(("question", "listed", "left_out"), [
    ("Huyện đã ban hành văn bản nào để thực hiện Kết luận 14-KL/TW?", ["41-KH/HU"], ["12-KH/ĐU"]),
    ("Xã đã ban hành văn bản nào để thực hiện Kết luận 14?", ["12-KH/ĐU"], ["Kế hoạch số 41-KH/HU:"]),
    ("Những văn bản nào thực hiện Kết luận 14?", ["Kế hoạch số 41-KH/HU:", "Kế hoạch số 12-KH/ĐU"], []),
    ("Văn bản nào thực hiện Kế hoạch 41-KH/HU?", ["12-KH/ĐU"], []),
])
def test_implementing_documents_by_level(fixture_assistant, question, listed, left_out):
    answer = fixture_assistant.ask(question)
    assert all(x in answer.text for x in listed), answer.text
    assert not any(x in answer.text for x in left_out), answer.text
    assert_grounded(answer)


def test_the_report_is_found_as_the_answer_to_the_letter(fixture_assistant):
    answer = fixture_assistant.ask("Văn bản nào thực hiện Công văn 1601-CV/BTCTU?")
    report = _doc_id(fixture_assistant, "bao-cao-xay-dung-dang-tay-son-2022.md")
    assert [s.passage.doc_id for s in answer.sources] == [report]
    assert "Thực hiện Công văn số 1601-CV/BTCTU ngày 30/5/2022" in answer.text


def test_an_uncited_library_document_answers_from_its_header(fixture_assistant):
    answer = fixture_assistant.ask("Kế hoạch 12-KH/ĐU là gì?")
    assert answer.text.startswith("Kế hoạch số 12-KH/ĐU:")
    assert "Ngày ban hành: 15/03/2022 [1]" in answer.text
    assert_grounded(answer)


@pytest.mark.parametrize(("question", "abbreviation", "expected"), [
    ("UBKT Đảng ủy xã giám sát việc gì?", "UBKT", "Ủy ban Kiểm tra Đảng ủy xã giám sát việc bảo vệ cán bộ"),
    ("HĐND xã chất vấn nội dung gì?", "HĐND", "Hội đồng nhân dân xã đưa việc thực hiện các đề xuất"),
])
def test_abbreviations_find_the_written_out_words(fixture_assistant, question, abbreviation, expected):
    answer = fixture_assistant.ask(question)
    assert not answer.abstained
    assert f"«{abbreviation}»" in answer.notice
    assert expected in answer.sources[0].passage.text
