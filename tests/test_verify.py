"""assistant.verify: every sentence of a model's answer checked against the passages it cites."""

from __future__ import annotations

import unicodedata

from assistant.verify import UNVERIFIED, facts, render, verify

PASSAGES = {
    1: "Tính đến ngày 31/12/2021, toàn Đảng bộ có 4.663 đảng viên, sinh hoạt tại 87 chi bộ.",
    2: "Năm 2021 kết nạp 192 đảng viên mới, đạt 102,67% kế hoạch; tổng số là 4663 người.",
    3: "Thực hiện Kết luận số 21-KL/TW ngày 25 tháng 10 năm 2021 của Ban Chấp hành Trung ương khóa XIII.",
}


def test_fully_verified_answer_with_numbers() -> None:
    answer = ("Đến cuối năm 2021, Đảng bộ có 4.663 đảng viên [1]. Trong năm, Đảng bộ kết nạp 192 đảng viên mới [2]. "
              "Tổng số đảng viên là 4 663 người [2].")
    v = verify(answer, PASSAGES)
    assert [s.verified for s in v.sentences] == [True, True, True]
    assert [s.markers for s in v.sentences] == [[1], [2], [2]]
    assert v.verified_ratio == 1.0
    assert v.cited == [1, 2]
    assert v.useful
    assert render(v) == answer


def test_wrong_number_is_unverified_and_keeps_its_marker() -> None:
    v = verify("Đảng bộ có 4.700 đảng viên [1].", PASSAGES)
    (sentence,) = v.sentences
    assert not sentence.verified
    assert sentence.markers == [1]
    assert sentence.reason == "số liệu «4.700» không có trong đoạn [1]"
    assert render(v) == f"Đảng bộ có 4.700 đảng viên [1]. {UNVERIFIED}"
    assert v.verified_ratio == 0.0
    assert v.cited == [1]
    assert not v.useful


def test_marker_not_provided_is_removed() -> None:
    v = verify("Đảng bộ có 4.663 đảng viên [9]. Trong đó có 87 chi bộ [1][9].", PASSAGES)
    first, second = v.sentences
    assert first.text == "Đảng bộ có 4.663 đảng viên."
    assert (first.verified, first.markers) == (False, [])
    assert "[9]" in first.reason
    assert second.text == "Trong đó có 87 chi bộ [1]."
    assert (second.verified, second.markers) == (False, [1])
    assert second.reason == "trích dẫn [9] không có trong các đoạn được cung cấp"
    assert "[9]" not in render(v)


def test_uncited_sentences() -> None:
    v = verify("Đảng bộ có 4.663 đảng viên. Công tác xây dựng Đảng được quan tâm thường xuyên và toàn diện.", PASSAGES)
    assert [(s.verified, s.checked, s.reason) for s in v.sentences] == [(False, True, "không có trích dẫn")] * 2
    assert v.verified_ratio == 0.0


def test_lead_in_short_remark_and_abstention_are_exempt() -> None:
    answer = ("Theo báo cáo:\n- Đảng bộ có 87 chi bộ [1].\nNhư vậy là tốt.\n"
              "Không tìm thấy thông tin này trong các tài liệu hiện có.")
    v = verify(answer, PASSAGES)
    assert [s.checked for s in v.sentences] == [False, True, False, False]
    assert all(s.verified for s in v.sentences)
    assert v.verified_ratio == 1.0
    assert UNVERIFIED not in render(v)


def test_lead_in_with_a_fact_is_checked() -> None:
    (sentence,) = verify("Theo Kết luận 21-KL/TW:", PASSAGES).sentences
    assert sentence.checked and not sentence.verified


def test_percent() -> None:
    assert facts("đạt 102,67%") == facts("đạt 102.67 %") == {"102.67"}
    assert verify("Kết nạp đạt 102,67% kế hoạch [2].", PASSAGES).sentences[0].verified
    assert not verify("Kết nạp đạt 102,76% kế hoạch [2].", PASSAGES).sentences[0].verified


def test_dates_in_words_and_digits() -> None:
    assert facts("ngày 25 tháng 10 năm 2021") == facts("25/10/2021") == facts("25-10-2021") == {"2021-10-25"}
    assert facts("tháng 10/2021") == {"2021-10"}
    assert verify("Kết luận được ban hành ngày 25/10/2021 [3].", PASSAGES).sentences[0].verified
    (wrong,) = verify("Kết luận được ban hành ngày 26/10/2021 [3].", PASSAGES).sentences
    assert wrong.reason == "mốc thời gian «ngày 26/10/2021» không có trong đoạn [3]"
    # a year is confirmed by a full date within it
    assert verify("Trong tháng 12/2021, Đảng bộ có 87 chi bộ [1].", PASSAGES).sentences[0].verified


def test_document_number() -> None:
    assert facts("Kết luận 21-KL/TW") == facts("Kết luận số 21-KL/TW") == {"21-KL/TW"}
    assert facts("Nghị định 130/2020/NĐ-CP") == {"130/ND-CP"}
    assert verify("Đảng bộ thực hiện Kết luận 21-KL/TW [3].", PASSAGES).sentences[0].verified
    (wrong,) = verify("Đảng bộ thực hiện Kết luận 12-KL/TW [3].", PASSAGES).sentences
    assert wrong.reason == "số hiệu văn bản «12-KL/TW» không có trong đoạn [3]"


def test_facts_normalisation() -> None:
    assert facts("4.663 và 4 663 và 4663") == {"4663"}
    assert facts("03 xã, năm 2021") == {"3", "2021"}
    assert facts("tỷ lệ 192/187") == {"192", "187"}
    assert facts("Đại hội lần thứ 13, khóa XIII [1] [Đoạn 2]") == set()


def test_marker_forms() -> None:
    for written in ("[1, 2]", "[1; 2]", "[1][2]", "[1-2]", "[Đoạn 1][đoạn 2]", "[1], [2]"):
        (sentence,) = verify(f"Đảng bộ có 4.663 đảng viên, kết nạp 192 người {written}.", PASSAGES).sentences
        assert sentence.markers == [1, 2], written
        assert sentence.text == "Đảng bộ có 4.663 đảng viên, kết nạp 192 người [1][2].", written
        assert sentence.verified, written
    (sentence,) = verify("Kết nạp 192 đảng viên [Đoạn 2].", PASSAGES).sentences
    assert (sentence.text, sentence.markers, sentence.verified) == ("Kết nạp 192 đảng viên [2].", [2], True)


def test_marker_after_the_period_belongs_to_the_sentence_before() -> None:
    v = verify("Đảng bộ có 4.663 đảng viên. [1] Năm 2021 kết nạp 192 đảng viên. [2]", PASSAGES)
    assert [(s.text, s.markers, s.verified) for s in v.sentences] == [
        ("Đảng bộ có 4.663 đảng viên. [1]", [1], True),
        ("Năm 2021 kết nạp 192 đảng viên. [2]", [2], True),
    ]


def test_render_keeps_the_layout_of_a_bulleted_answer() -> None:
    answer = ("Kết quả cụ thể như sau:\n\n- Có 4.663 đảng viên [1].\n- Kết nạp 200 đảng viên [2].\n"
              "1. Sinh hoạt tại 87 chi bộ [1]. Đạt 102,67% [2].")
    v = verify(answer, PASSAGES)
    assert render(v) == ("Kết quả cụ thể như sau:\n\n- Có 4.663 đảng viên [1].\n"
                         f"- Kết nạp 200 đảng viên [2]. {UNVERIFIED}\n1. Sinh hoạt tại 87 chi bộ [1]. Đạt 102,67% [2].")
    assert [s.separator for s in v.sentences] == ["", "\n\n", "\n", "\n", " "]


def test_nfc() -> None:
    answer = unicodedata.normalize("NFD", "Kết luận số 21-KL/TW được thực hiện [Đoạn 3].")
    (sentence,) = verify(answer, {3: unicodedata.normalize("NFD", PASSAGES[3])}).sentences
    assert sentence.verified and sentence.markers == [3]


def test_a_cited_sentence_the_passage_does_not_talk_about_is_not_verified():
    passage = {1: "Hiện nay, Đảng bộ huyện có 58 tổ chức cơ sở đảng, với 4.663 đảng viên."}
    v = verify("Đảng bộ huyện hiện có 58 tổ chức cơ sở đảng [1]. "
               "Mỗi câu phải kết thúc bằng số của đoạn làm căn cứ, đặt trong ngoặc vuông [1].", passage)
    good, echo = v.sentences
    assert good.verified
    assert not echo.verified and echo.reason == "nội dung không có trong đoạn [1]"
