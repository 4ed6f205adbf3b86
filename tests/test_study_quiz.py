"""«Câu hỏi trắc nghiệm»: questions from quoted sentences, one fact blanked, same-kind distractors."""

from __future__ import annotations

import re
import unicodedata

import pytest

from assistant.study.quiz import BLANK, KINDS, _facts, _number_key, make_quiz
from ingest.docnumbers import find_doc_numbers

DATE = re.compile(r"^(?:\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})$")
NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?%?$")


@pytest.fixture(scope="module")
def quiz(sample_library):
    return make_quiz(sample_library, sample_library.passages(), 10)


def test_the_sample_gives_ten_questions_of_several_kinds(quiz):
    assert len(quiz) == 10
    assert len({item.kind for item in quiz}) >= 3
    assert len({item.quote.citation.passage.section for item in quiz}) >= 5
    assert len({item.quote.text for item in quiz}) == len(quiz)          # one question per sentence


def test_the_stem_is_the_sentence_with_exactly_the_answer_blanked(quiz):
    for item in quiz:
        sentence, answer = item.quote.text, item.options[item.answer]
        assert sentence in item.quote.citation.passage.text               # verbatim
        assert sentence.count(answer) == 1
        assert item.stem == sentence.replace(answer, BLANK)
        assert item.stem.count(BLANK) == 1
        assert unicodedata.is_normalized("NFC", item.stem)


def test_only_the_answer_is_in_the_sentence(quiz):
    for item in quiz:
        assert len(item.options) == 4 and 0 <= item.answer < 4
        for i, option in enumerate(item.options):
            assert (option in item.quote.text) == (i == item.answer), (item.stem, option)


def test_options_are_distinct_once_normalised(quiz):
    for item in quiz:
        if item.kind == "number":
            keys = {_number_key(o) for o in item.options}
        else:
            keys = {re.sub(r"\W", "", o.lower()) for o in item.options}
        assert len(keys) == 4, item.options


def test_distractors_are_of_the_answers_kind(quiz):
    for item in quiz:
        assert item.kind in KINDS
        for option in item.options:
            if item.kind == "date":
                assert DATE.match(option), option
            elif item.kind == "number":
                assert NUMBER.match(option), option
                assert option.endswith("%") == item.options[item.answer].endswith("%")
            elif item.kind == "document":
                assert [w for _, w in find_doc_numbers(option)] == [option]
            else:
                assert [f.value for f in _facts(option) if f.kind == item.kind] == [option]


def test_numbers_keep_their_unit_outside_the_blank(quiz):
    numbers = [item for item in quiz if item.kind == "number"]
    assert numbers
    for item in numbers:
        if not item.options[item.answer].endswith("%"):
            assert re.search(BLANK + r" [^\W\d_]", item.stem), item.stem


def test_no_heading_footnote_signature_or_instruction_is_quoted(quiz):
    for item in quiz:
        assert item.quote.citation.passage.kind in ("body", "list")
        assert len(item.quote.text.split()) >= 6


def test_the_quiz_is_deterministic(sample_library, quiz):
    again = make_quiz(sample_library, list(sample_library.passages()), 10)
    assert [(q.stem, q.options, q.answer) for q in again] == [(q.stem, q.options, q.answer) for q in quiz]


def test_count_caps_the_questions(sample_library):
    assert len(make_quiz(sample_library, sample_library.passages(), 3)) == 3
    assert make_quiz(sample_library, [], 10) == []


def test_facts_of_a_sentence():
    sentence = ("Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương, "
                "Ban Thường vụ Huyện ủy đã kết nạp 4.663 đảng viên.")
    found = {(f.kind, f.value) for f in _facts(sentence)}
    assert found == {("document", "21-KL/TW"), ("date", "25/10/2021"), ("body", "Ban Chấp hành Trung ương"),
                     ("body", "Ban Thường vụ Huyện ủy"), ("number", "4.663")}


def test_documents_bodies_and_names_are_never_made_up(empty_settings, embedder, tmp_path):
    """A library with a single document number, body and name gives no question on them; numbers and
    dates are completed with generated values written like the answer."""
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    path = tmp_path / "bao-cao-ngan.txt"
    path.write_text(
        "BÁO CÁO\n\nThực hiện Kết luận số 21-KL/TW của Ban Bí thư, đồng chí Nguyễn Văn An đã chỉ đạo sát sao "
        "công tác này.\n\n"
        "Đến ngày 25/10/2021, toàn Đảng bộ huyện đã có 4.663 đảng viên sinh hoạt tại các chi bộ.\n",
        encoding="utf-8")
    library = Library(empty_settings, embedder)
    index_files(library, [path], show_progress=False)
    quiz = make_quiz(library, library.passages(), 10)
    assert {item.kind for item in quiz} <= {"number", "date"}
    assert len(quiz) == 1                       # one question per sentence
    item = quiz[0]
    assert item.options[item.answer] in ("4.663", "25/10/2021")
    assert all(o not in item.quote.text for i, o in enumerate(item.options) if i != item.answer)
