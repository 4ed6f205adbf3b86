"""Searchable at once, complete soon after: documents are answered by keywords before their vectors
exist, a background thread completes the vectors, and a process killed while embedding resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import config
from assistant.pipeline import Assistant
from tests.test_crash import DOCUMENTS, _write_corpus
from vectorstore.background import BackgroundEmbedder, progress_text
from vectorstore.library import Library
from vectorstore.store import committed_documents


def _data_dir(tmp_path: Path, sample_settings: config.Settings) -> tuple[Path, config.Settings]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "models").symlink_to(sample_settings.models_dir)
    return data_dir, config.Settings(**{**sample_settings.__dict__, "data_dir": data_dir})


def _ingest(folder: Path, data_dir: Path, *flags: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", *flags, str(folder)], cwd=config.ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir), **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def _vector_counts(data_dir: Path) -> tuple[int, int]:
    """(Passages with a vector, all passages) as committed on disk."""
    for path in data_dir.glob("indexes/*/library.sqlite"):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
        try:
            done, total = db.execute("SELECT COALESCE(SUM(embedded), 0), COUNT(*) FROM passages").fetchone()
            return done, total
        except sqlite3.Error:
            return 0, 0
        finally:
            db.close()
    return 0, 0


def _own_fact(number: int) -> str:
    return f"{100 + number} đảng viên"


def test_progress_is_written_the_vietnamese_way():
    assert progress_text(1240, 6846) == "Đang lập chỉ mục ngữ nghĩa: 1.240/6.846 đoạn"
    assert progress_text(10, 10) == ""


def test_a_folder_imported_in_the_background_is_answered_by_keywords_at_once(sample_settings, embedder, tmp_path):
    folder = tmp_path / "docs"
    _write_corpus(folder)
    data_dir, settings = _data_dir(tmp_path, sample_settings)
    out, err = _ingest(folder, data_dir, "--background").communicate(timeout=600)
    assert "đang chờ lập chỉ mục ngữ nghĩa" in out, out + err

    library = Library(settings, embedder)
    assert len(library.documents()) == DOCUMENTS
    assert library.vector_progress() == (0, len(library))
    assistant = Assistant(settings, library)
    answer = assistant.ask("Chi bộ Thôn Thử Nghiệm số 7 có bao nhiêu đảng viên?")
    assert not answer.abstained and _own_fact(7) in answer.text
    assert "Đang lập chỉ mục ngữ nghĩa: 0/" in answer.notice and "từ khóa" in answer.notice

    worker = BackgroundEmbedder(library, poll_seconds=0.2).start()
    try:
        deadline = time.monotonic() + 600
        while library.vector_progress()[0] < len(library) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.stop(timeout=120)
    assert library.vector_progress() == (len(library), len(library))
    answer = assistant.ask("Chi bộ Thôn Thử Nghiệm số 7 có bao nhiêu đảng viên?")
    assert _own_fact(7) in answer.text and "lập chỉ mục ngữ nghĩa" not in answer.notice
    dense = [library.passage(pid).text for pid, _ in library.dense_search("Chi bộ Thôn Thử Nghiệm số 7", 5)]
    assert dense


def test_a_process_killed_while_embedding_resumes_without_loss_or_doubles(sample_settings, embedder, tmp_path):
    folder = tmp_path / "docs"
    _write_corpus(folder)
    data_dir, settings = _data_dir(tmp_path, sample_settings)
    proc = _ingest(folder, data_dir, INGEST_BATCH="100000")  # one commit, then the embedding
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        done, total = _vector_counts(data_dir)
        if total and 0 < done < total:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done, total = _vector_counts(data_dir)
    assert 0 < done < total, "the kill should land in the middle of the embedding"
    assert len(committed_documents(data_dir)) == DOCUMENTS

    library = Library(settings, embedder)
    assert sum(d["passages"] for d in library.documents()) == len(library) == total
    assert library.vector_progress() == (done, total)
    hits = library.bm25_search("Chi bộ Thôn Thử Nghiệm số 11 có 111 đảng viên", 1)
    assert "111 đảng viên" in library.passage(hits[0][0]).text

    rerun = _ingest(folder, data_dir)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err
    assert "không đổi 24" in out
    library = Library(settings, embedder)
    records = library._collection.get(include=["metadatas"])["metadatas"]
    assert len(records) == len({m["pid"] for m in records}) == len(library) == total
    assert library.vector_progress() == (total, total)
    assert len(library.documents()) == DOCUMENTS


def test_the_app_answers_an_imported_folder_by_keywords_while_it_embeds_it(sample_settings, sample_library, tmp_path):
    from gradio_client import Client, handle_file

    from tests.conftest import serve_app

    folder = tmp_path / "docs"
    _write_corpus(folder)
    (tmp_path / "app").mkdir()
    with serve_app(sample_settings, tmp_path / "app") as url:
        client = Client(url, verbose=False)
        outcome, _, _ = client.predict([handle_file(str(f)) for f in sorted(folder.iterdir())], api_name="/nap")
        assert [row[1] for row in outcome["data"]] == ["thêm mới"] * DOCUMENTS
        done, total = _vector_counts(tmp_path / "app" / "data")
        assert done < total, "the upload returns before its vectors are computed"
        reply, _ = client.predict("Chi bộ Thôn Thử Nghiệm số 5 có bao nhiêu đảng viên?", api_name="/hoi")
        assert _own_fact(5) in reply
        assert "Đang lập chỉ mục ngữ nghĩa" in reply and "từ khóa" in reply

        deadline = time.monotonic() + 900
        while _vector_counts(tmp_path / "app" / "data")[0] < total and time.monotonic() < deadline:
            time.sleep(1)
        assert _vector_counts(tmp_path / "app" / "data") == (total, total)
        reply, _ = client.predict("Chi bộ Thôn Thử Nghiệm số 5 có bao nhiêu đảng viên?", api_name="/hoi")
        assert _own_fact(5) in reply and "Đang lập chỉ mục ngữ nghĩa" not in reply


@pytest.mark.browser
def test_the_page_shows_the_embedding_progress_after_an_upload_until_it_is_done(sample_settings, sample_library,
                                                                                tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_app
    from tests.test_browser import CHROMIUM, FLAGS

    folder = tmp_path / "docs"
    _write_corpus(folder)
    (tmp_path / "app").mkdir()
    with serve_app(sample_settings, tmp_path / "app") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="load")
        page.wait_for_selector("#question textarea", timeout=60_000)
        page.get_by_role("tab", name="Tài liệu").click()
        page.set_input_files("#upload input[type=file]", [str(f) for f in sorted(folder.iterdir())])
        page.click("#import")
        page.wait_for_function(
            "document.querySelector('#vectors') && /Đang lập chỉ mục ngữ nghĩa: [0-9.]+\\/[0-9.]+ đoạn/"
            ".test(document.querySelector('#vectors').innerText)", timeout=120_000,
        )
        assert "từ khóa" in page.inner_text("#vectors")
        assert page.inner_text("#outcome").count("thêm mới") == DOCUMENTS
        page.wait_for_selector("#vectors", state="hidden", timeout=600_000)  # every passage has its vector
        done, total = _vector_counts(tmp_path / "app" / "data")
        assert done == total
        browser.close()
