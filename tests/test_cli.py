"""The command lines, run as a user runs them, against a DATA_DIR of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import config

SAMPLE = config.ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, *args], cwd=config.ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_ask_prints_the_answer_and_its_sources(sample_settings, sample_library):
    out = _run(["-m", "assistant", "ask", "Có bao nhiêu chi bộ cơ sở?"], sample_settings.data_dir)
    assert out.returncode == 0, out.stderr
    assert "40 chi bộ cơ sở" in out.stdout and "Nguồn:" in out.stdout and "[1]" in out.stdout


def test_ask_with_an_empty_question_says_so(sample_settings, sample_library):
    out = _run(["-m", "assistant", "ask", "  "], sample_settings.data_dir)
    assert out.returncode == 2 and "Vui lòng nhập câu hỏi." in out.stderr


def test_ingest_reports_added_then_unchanged_and_rejects_bad_files(sample_settings, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "models").symlink_to(sample_settings.models_dir)  # reuse the converted model
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bao-cao.md").write_bytes(SAMPLE.read_bytes())
    (folder / "rong.txt").write_bytes(b"")
    first = _run(["-m", "ingest", str(folder)], data_dir)
    assert "thêm mới" in first.stdout and "bị từ chối" in first.stdout and "Tệp rỗng" in first.stdout
    assert first.returncode == 1
    second = _run(["-m", "ingest", str(folder / "bao-cao.md")], data_dir)
    assert second.returncode == 0 and "không đổi" in second.stdout

    # another file with the same name is a document of its own; --replace updates a listed one
    other = tmp_path / "xa-khac" / "bao-cao.md"
    other.parent.mkdir()
    other.write_text("BÁO CÁO\nkết quả năm 2023 của Chi bộ Thôn Thử Nghiệm\n\nI. TÌNH HÌNH\n"
                     "Chi bộ Thôn Thử Nghiệm có 27 đảng viên.\n", encoding="utf-8")
    third = _run(["-m", "ingest", str(other)], data_dir)
    assert third.returncode == 0 and "thêm mới" in third.stdout and "bao-cao-2" in third.stdout
    other.write_text(other.read_text(encoding="utf-8").replace("27", "29"), encoding="utf-8")
    fourth = _run(["-m", "ingest", "--replace", "bao-cao", str(other)], data_dir)
    assert fourth.returncode == 0 and "cập nhật" in fourth.stdout
    wrong = _run(["-m", "ingest", "--replace", "bao-cao", str(folder)], data_dir)
    assert wrong.returncode == 2 and "đúng một tệp" in wrong.stderr


def test_eval_prints_metrics_and_writes_details(sample_settings, sample_library, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "Có bao nhiêu chi bộ cơ sở?", "gold": ["40 chi bộ cơ sở"],
                    "answer": ["40"], "kind": "fact"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "b", "question": "Giá vàng hôm nay là bao nhiêu?", "gold": [], "answer": [],
                      "kind": "unanswerable"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    details = tmp_path / "details.jsonl"
    out = _run(["-m", "assistant.eval", "--questions", str(questions), "--k", "5", "--details", str(details)],
               sample_settings.data_dir)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["n"] == 2 and summary["recall@5"] == 1.0 and summary["abstain_accuracy"] == 1.0
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["citations"] and not rows[0]["abstained"] and rows[1]["abstained"]
    assert len(rows[0]["passages"]) == 5
