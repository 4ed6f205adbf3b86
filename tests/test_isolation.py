"""Parsing in a child process with a time limit (ingest.isolation), and inputs that used to take
superlinear time (one long paragraph, a sentence without punctuation). Real subprocesses; no timing
is asserted here (benchmarks/parse_speed.py measures speed)."""

from __future__ import annotations

import json
import random
import re
import threading
import time
from pathlib import Path

import pytest

import config
from ingest import isolation
from ingest.chunking import MAX_WORDS
from ingest.isolation import load_documents_limited
from ingest.loader import load_documents, parse_document
from ingest.markdown import STAR_EMPHASIS, UNDERSCORE_EMPHASIS, emphasis_spans

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
SENTENCE = "Chi bộ Thôn Thử Nghiệm tổ chức sinh hoạt chuyên đề về công tác phát triển đảng viên năm 2024. "


def _long_paragraph(path, sentences: int):
    path.write_text(SENTENCE * sentences, encoding="utf-8")
    return path


def test_a_file_gives_the_documents_load_documents_gives(tmp_path):
    corpus = tmp_path / "kho.jsonl"
    records = [{"id": "a", "title": "Một", "text": "Chi bộ có 27 đảng viên."},
               {"id": "b", "title": "Hai", "text": SENTENCE * 40}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    for path in (SAMPLE, corpus):
        assert load_documents_limited(path, 60) == load_documents(path)


def test_a_relative_path_is_read_from_the_working_folder_and_kept_as_given(tmp_path, monkeypatch):
    _long_paragraph(tmp_path / "tuong-doi.txt", 3)
    monkeypatch.chdir(tmp_path)
    documents = load_documents_limited(Path("tuong-doi.txt"), 60)
    assert documents == load_documents(Path("tuong-doi.txt"))
    assert documents[0].source_path == "tuong-doi.txt"


def test_a_parse_over_the_time_limit_is_stopped_with_a_vietnamese_reason(tmp_path):
    slow = _long_paragraph(tmp_path / "dai.txt", 20_000)     # 2 MB: seconds of work, not 0.01 s
    with pytest.raises(ValueError, match=re.escape("Tệp dai.txt xử lý quá lâu (quá 0,01 giây); hãy chia nhỏ tệp")):
        load_documents_limited(slow, 0.01)
    assert load_documents_limited(SAMPLE, 60) == load_documents(SAMPLE)   # a new worker takes over


@pytest.mark.parametrize("name, data", [
    ("rong.txt", b""),
    ("anh.txt", bytes(range(256)) * 4),
    ("bang.xlsx", b"PK"),
    ("kho.jsonl", b'{"id": "a", "text": "x"}\n{khong phai json\n'),
])
def test_the_vietnamese_error_of_a_bad_file_crosses_the_process_boundary(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValueError) as in_process:
        load_documents(path)
    with pytest.raises(ValueError) as in_child:
        load_documents_limited(path, 60)
    assert str(in_child.value) == str(in_process.value)
    if name == "rong.txt":
        assert str(in_child.value) == "Tệp rỗng: rong.txt"


def test_an_os_error_keeps_its_class_and_message(tmp_path):
    missing = tmp_path / "khong-co.txt"
    with pytest.raises(FileNotFoundError) as in_process:
        load_documents(missing)
    with pytest.raises(FileNotFoundError) as in_child:
        load_documents_limited(missing, 60)
    assert str(in_child.value) == str(in_process.value)


def test_a_worker_that_dies_while_parsing_gives_a_vietnamese_reason(tmp_path):
    big = _long_paragraph(tmp_path / "lon.txt", 30_000)
    outcome: list[BaseException] = []

    def parse() -> None:
        try:
            load_documents_limited(big, 600)
        except BaseException as err:  # noqa: BLE001 (handed to the test thread)
            outcome.append(err)

    isolation._retire()
    thread = threading.Thread(target=parse)
    thread.start()
    while isolation._worker is None:
        time.sleep(0.01)
    time.sleep(0.3)                                  # the request is sent: the worker is parsing
    isolation._worker.process.kill()
    thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], ValueError)
    assert str(outcome[0]).startswith("Không xử lý được tệp lon.txt (tiến trình đọc tệp dừng đột ngột")
    assert load_documents_limited(SAMPLE, 60) == load_documents(SAMPLE)


def test_a_worker_killed_while_idle_is_replaced():
    load_documents_limited(SAMPLE, 60)
    isolation._worker.process.kill()
    isolation._worker.process.wait()
    assert load_documents_limited(SAMPLE, 60) == load_documents(SAMPLE)


def test_calls_from_several_threads_take_turns(tmp_path):
    paths = [SAMPLE, _long_paragraph(tmp_path / "a.txt", 50), _long_paragraph(tmp_path / "b.txt", 80)]
    results: dict[int, list] = {}
    threads = [threading.Thread(target=lambda i=i, p=p: results.__setitem__(i, load_documents_limited(p, 60)))
               for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(len(paths))] == [load_documents(p) for p in paths]


# --- Inputs that used to take superlinear time ------------------------------------------

def test_a_long_sentence_without_punctuation_is_cut_into_bounded_passages():
    words = ("chi bộ thôn thử nghiệm tổ chức sinh hoạt chuyên đề về phát triển đảng viên " * 400).split()
    doc = parse_document(" ".join(words), "x")
    assert len(doc.passages) > 1
    assert all(len(p.text.split()) <= MAX_WORDS for p in doc.passages)
    assert " ".join(p.text for p in doc.passages).split() == words


def test_a_long_paragraph_is_cut_at_sentence_ends_into_bounded_passages():
    doc = parse_document(SENTENCE * 300, "x")
    assert len(doc.passages) > 1
    assert all(len(p.text.split()) <= MAX_WORDS and p.text.endswith("2024.") for p in doc.passages)


def test_emphasis_is_found_as_the_emphasis_regexes_find_it():
    pieces = ["a", " ", "*", "**", "***", "_", "__", "x_y", "đ", "\n", ".", "\u00a0"]
    rnd = random.Random(4)
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        for mark, pattern in (("*", STAR_EMPHASIS), ("_", UNDERSCORE_EMPHASIS)):
            expected = [m.span(g) for m in pattern.finditer(text) for g in (1, 3)]
            assert emphasis_spans(text, mark) == expected, text
