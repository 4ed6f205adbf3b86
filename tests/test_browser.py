"""The app in a real headless Chromium (Debian's, driven by Playwright): ask, read the answer and sources."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(app_url, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url, wait_until="load")
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def test_a_question_typed_in_the_browser_gets_a_cited_answer(page, tmp_path_factory):
    page.fill("#question textarea", "Có bao nhiêu chi bộ cơ sở?")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#sources') && document.querySelector('#sources').innerText.includes('40 chi bộ')",
        timeout=60_000,
    )
    chat = page.inner_text("#chat")
    assert "40" in chat and "[1]" in chat
    assert page.locator("#sources mark").count() >= 1
    page.screenshot(path=str(tmp_path_factory.mktemp("shots") / "answer.png"), full_page=True)


def test_bold_vietnamese_is_not_drawn_with_the_font_that_lacks_its_glyphs(page):
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Source Sans Pro" not in family.split(",")[0]
    assert "Segoe UI" in family or "Noto Sans" in family


def test_documents_tab_lists_the_sample_report(page):
    page.get_by_role("tab", name="Tài liệu").click()
    page.wait_for_selector("#docs", timeout=30_000)
    page.wait_for_function(
        "document.querySelector('#docs').innerText.includes('Báo cáo')", timeout=30_000
    )
    family = page.evaluate("getComputedStyle(document.querySelector('#docs th, #docs td')).fontFamily")
    assert "Plex Mono" not in family and "Segoe UI" in family  # Gradio's mono font lacks Vietnamese


def test_a_study_pack_is_built_in_its_tab_and_downloaded_as_word(page, tmp_path_factory):
    import docx

    page.get_by_role("tab", name="Soạn bài sinh hoạt").click()
    page.locator("#study-docs input").click()
    page.get_by_role("option").filter(has_text="Báo cáo").first.click()
    page.keyboard.press("Escape")
    page.click("#study-build")
    page.wait_for_function(
        "document.querySelector('#study-view') && document.querySelector('#study-view').innerText.includes('Đáp án')",
        timeout=120_000,
    )
    view = page.inner_text("#study-view")
    for part in ("Đề cương", "Số liệu chính", "Văn bản liên quan", "Câu hỏi thảo luận", "Câu hỏi trắc nghiệm"):
        assert part in view
    with page.expect_download(timeout=60_000) as download:
        page.locator("#study-docx a").first.click()
    path = tmp_path_factory.mktemp("download") / "bai.docx"
    download.value.save_as(path)
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("Heading")]
    assert any("Đề cương" in h for h in headings) and any("Câu hỏi trắc nghiệm" in h for h in headings)
