"""The example answers of README.md («Các loại câu hỏi») still hold their key figure or name.

The library is built as the README says: the bundled sample, the fixtures of tests/data/library, the letter
tests/data/cong-van-125-CV-UBND.txt and the invented documents of tests/data/readme (fictional units
«Thử Nghiệm», «An Thử», «Bình Thử»). When one of these fails, update the README example with it.
"""

from __future__ import annotations

import dataclasses

import pytest

import config

README_EXAMPLES = [
    # (question, texts the answer must contain)
    ("Tỷ lệ kết nạp đảng viên năm 2021 so với Kế hoạch là bao nhiêu?", ["102,67%"]),
    ("Quy định 05-QĐ/HU có hiệu lực từ ngày nào?", ["01/4/2023"]),
    ("Chi bộ khu dân cư là gì?", ["Chi bộ khu dân cư là chi bộ có đảng viên sinh hoạt tại thôn"]),
    ("Nội dung sinh hoạt thường kỳ của chi bộ gồm những gì?",
     ["Nội dung sinh hoạt thường kỳ của chi bộ gồm:", "d) Kiểm điểm việc giữ mối liên hệ"]),
    ("Ai ký Công văn 125/CV-UBND?", ["Người ký: Nguyễn Văn Một"]),
    ("Quy định 05-QĐ/HU gửi đến những nơi nào?", ["Nơi nhận: Ban Tổ chức Tỉnh ủy"]),
    ("Quy định 05-QĐ/HU thay thế văn bản nào?", ["Văn bản bị thay thế: Hướng dẫn số 01-HD/HU"]),
    ("Kết luận 21 nói về gì?", ["25/10/2021", "Kế hoạch số 42-KH/HU"]),
    ("Đảng bộ xã Bình Thử có bao nhiêu đảng viên?", ["176 đảng viên"]),
    ("Trong 6 tháng đầu năm 2023 kết nạp bao nhiêu đảng viên mới?",
     ["kết nạp 9 đảng viên mới", "kết nạp 6 đảng viên mới"]),
    ("UBKT Huyện ủy đã kiểm tra bao nhiêu tổ chức đảng?", ["190 tổ chức đảng", "Đã hiểu «UBKT»"]),
]


PASTED = (
    "Tôi đang soạn báo cáo tổng kết công tác xây dựng Đảng của huyện. Tôi đã tham khảo nhiều tài liệu của các "
    "huyện bạn và ghi chép lại những số liệu chính về công tác tổ chức, cán bộ, công tác kiểm tra, giám sát, công "
    "tác dân vận và phát triển đảng viên trong nhiệm kỳ. Các số liệu ấy chỉ để tham khảo, không cần trả lời. Câu "
    "hỏi của tôi là: Năm 2021 huyện kết nạp bao nhiêu đảng viên?"
)


@pytest.fixture(scope="module")
def readme_assistant(tmp_path_factory: pytest.TempPathFactory, sample_settings: config.Settings, embedder):
    from assistant.pipeline import Assistant
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    settings = dataclasses.replace(sample_settings, data_dir=tmp_path_factory.mktemp("readme-library"))
    library = Library(settings, embedder)
    data = config.ROOT / "tests" / "data"
    files = (sorted(config.ROOT.joinpath("samples").glob("*.md")) + sorted((data / "library").glob("*.txt"))
             + sorted((data / "readme").iterdir()) + [data / "cong-van-125-CV-UBND.txt"])
    index_files(library, files, show_progress=False)
    return Assistant(settings, library)


@pytest.mark.parametrize(("question", "expected"), README_EXAMPLES, ids=[q for q, _ in README_EXAMPLES])
def test_readme_example(readme_assistant, question: str, expected: list[str]) -> None:
    answer = readme_assistant.ask(question)
    assert not answer.abstained
    shown = f"{answer.text}\n{answer.notice or ''}"
    for text in expected:
        assert text in shown, f"{question!r}: {text!r} not in {shown!r}"


def test_readme_pasted_block(readme_assistant) -> None:
    answer = readme_assistant.ask(PASTED)
    assert answer.rewritten == "Năm 2021 huyện kết nạp bao nhiêu đảng viên?"
    assert "192/187 đảng viên" in answer.text


def test_readme_abstains_with_reason(readme_assistant) -> None:
    answer = readme_assistant.ask("Có bao nhiêu đảng viên được kết nạp là nữ?")
    assert answer.abstained
    assert "không nói đến «nữ»" in (answer.notice or "")

