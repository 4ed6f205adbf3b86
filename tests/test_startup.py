"""Cold start: the page is served first, the assistant loads in the background (assistant.startup), and a
question asked meanwhile waits for it or is told, in Vietnamese, to try again — never an error. Timing goals
live in benchmarks/cold_start.py, not here."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

import config
from assistant.startup import BUSY, FAILED, LOADING, NotReady, Startup
from tests.conftest import serve_app

QUESTION = "Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?"


def test_a_startup_reports_loading_then_gives_its_value_built_once():
    release, calls = threading.Event(), []

    def build():
        calls.append(1)
        release.wait(10)
        return "trợ lý"

    startup = Startup(build).start()
    startup.start()
    assert startup.state == "loading" and startup.status() == LOADING
    with pytest.raises(NotReady, match=BUSY):
        startup.get(wait=0.05)
    release.set()
    assert startup.get(wait=10) == "trợ lý"
    assert startup.state == "ready" and startup.status() == ""
    assert calls == [1]


def test_a_failed_startup_says_why_in_vietnamese():
    def build():
        raise RuntimeError("Không tải được mô hình nhúng 'x'")

    startup = Startup(build).start()
    assert startup.wait(10)
    assert startup.state == "failed"
    assert startup.status() == FAILED.format(error="Không tải được mô hình nhúng 'x'")
    with pytest.raises(NotReady, match="Không tải được mô hình nhúng"):
        startup.get()


def test_importing_the_app_loads_neither_torch_nor_chroma():
    code = ("import sys, app; print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', "
            "'chromadb') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_question_during_loading_gets_the_waiting_message_then_an_answer(assistant, monkeypatch):
    import app

    monkeypatch.setattr(app, "LOADING_WAIT_S", 0.05)
    release = threading.Event()
    startup = Startup(lambda: release.wait(10) and assistant).start()
    functions = {fn.api_name: fn.fn for fn in app.build_ui(startup, settings=assistant.settings).fns.values()}
    assert functions["trang_thai"]() == LOADING
    assert functions["hoi"](QUESTION) == (BUSY, "")
    assert functions["van_ban"]("Kết luận 21") == ([], BUSY)
    assert functions["soan_bai"](["x"], "", 1)[0] == BUSY
    release.set()
    startup.wait(10)
    reply, sources = functions["hoi"](QUESTION)
    assert "58" in reply and "[1]" in sources
    assert functions["trang_thai"]() == ""


def test_the_real_app_serves_its_page_then_answers(sample_library, sample_settings, tmp_path):
    """python app.py over an existing index: the page is served (loading or already ready), a question asked
    at once gets the waiting message or the answer, and once loaded it is answered."""
    from gradio_client import Client

    with serve_app(sample_settings, tmp_path) as url:
        client = Client(url, verbose=False)
        assert client.predict(api_name="/trang_thai") in (LOADING, "")
        first, _ = client.predict(QUESTION, api_name="/hoi")
        assert first == BUSY or "58" in first
        deadline = time.monotonic() + 120
        while client.predict(api_name="/trang_thai") == LOADING and time.monotonic() < deadline:
            time.sleep(0.5)
        reply, sources = client.predict(QUESTION, api_name="/hoi")
        assert "58" in reply and "<mark>" in sources
    log = (tmp_path / "app.log").read_text()
    assert "Traceback" not in log and "Sẵn sàng: đã tải mô hình và thư viện" in log


def test_a_model_that_cannot_load_is_reported_on_the_page(sample_library, sample_settings, tmp_path):
    from gradio_client import Client

    with serve_app(sample_settings, tmp_path, EMBEDDING_MODEL=str(tmp_path / "khong-co-mo-hinh")) as url:
        client = Client(url, verbose=False)
        reply, sources = client.predict(QUESTION, api_name="/hoi")
        assert reply.startswith("Không khởi động được trợ lý: Không tải được mô hình nhúng") and sources == ""
        assert "EMBEDDING_MODEL" in client.predict(api_name="/trang_thai")
    assert "Không khởi động được trợ lý: Không tải được mô hình nhúng" in (tmp_path / "app.log").read_text()


@pytest.mark.browser
def test_the_page_says_it_is_loading_until_the_assistant_is_ready(sample_library, sample_settings, tmp_path):
    """In a browser: the page shows «Đang tải…» (or nothing, once loaded), the notice goes away once the
    assistant is ready, and a question typed then is answered with its sources."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, FLAGS

    gone = "!document.querySelector('#status') || document.querySelector('#status').offsetParent === null"
    with serve_app(sample_settings, tmp_path) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="load")
        page.wait_for_selector("#question textarea", timeout=60_000)
        shown = page.evaluate("(() => { const s = document.querySelector('#status');"
                              " return s && s.offsetParent !== null ? s.innerText : ''; })()")
        assert not shown or LOADING in shown  # read at once: the notice may go away at any moment
        page.wait_for_function(gone, timeout=120_000)
        page.fill("#question textarea", "Có bao nhiêu chi bộ cơ sở?")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('#sources') && "
                               "document.querySelector('#sources').innerText.includes('40 chi bộ')", timeout=60_000)
        assert BUSY not in page.inner_text("#chat")
        browser.close()
