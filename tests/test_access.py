"""Access control on an office server: accounts made with the command line, the real app behind its login,
and the roles enforced by the API (gradio_client), not only by the page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import config
from tests.conftest import _free_port, _wait_until_serving, serve_app
from vectorstore.store import committed_documents

EDITOR = ("lan", "mat-khau-bien-tap")
READER = ("minh", "mat-khau-chi-doc")
REPORT = ("BÁO CÁO\nkết quả sinh hoạt của Chi bộ Thôn Văn Thử\n\nI. TÌNH HÌNH\n"
          "Chi bộ Thôn Văn Thử có {n} đảng viên, sinh hoạt định kỳ vào ngày mùng 5 hằng tháng.\n")


def add_user(data_dir: Path, name: str, password: str, role: str) -> None:
    """python -m assistant users add NAME --role ROLE --password-stdin, as an administrator would."""
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "users", "add", name, "--role", role, "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, cwd=config.ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)}, timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def office(sample_library, sample_settings, tmp_path_factory):
    """The real app over its own copy of the sample library, with an editor and a reader: (url, DATA_DIR)."""
    app_dir = tmp_path_factory.mktemp("office")
    data_dir = app_dir / "data"
    data_dir.mkdir()
    for part in sample_settings.data_dir.iterdir():
        if part.name == "models":
            (data_dir / "models").symlink_to(part)
        elif part.is_dir():
            shutil.copytree(part, data_dir / part.name)
    add_user(data_dir, *EDITOR, "editor")
    add_user(data_dir, *READER, "reader")
    port, log = _free_port(), app_dir / "app.log"
    # uploads embed before they return (BACKGROUND_EMBEDDING=0): the queue test needs uploads that take a while
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1", "BACKGROUND_EMBEDDING": "0"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, str(config.ROOT / "app.py")], cwd=config.ROOT, env=env,
                                stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, proc, log)
        yield url, data_dir
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def client(url: str, account: tuple[str, str]):
    """A gradio_client logged in with the account."""
    from gradio_client import Client

    return Client(url, auth=account, verbose=False)


def registry(data_dir: Path) -> dict:
    """The library's documents as the app left them on disk (doc_id -> entry)."""
    return committed_documents(data_dir)


def test_a_reader_can_ask_but_the_api_refuses_every_change(office, sample_library, tmp_path):
    from gradio_client import handle_file

    url, data_dir = office
    reader = client(url, READER)
    before = registry(data_dir)
    sample_id = sample_library.documents()[0]["doc_id"]
    report = tmp_path / "bao-cao-thon-van-thu.txt"
    report.write_text(REPORT.format(n=27), encoding="utf-8")

    outcome, table, _ = reader.predict([handle_file(str(report))], api_name="/nap")
    assert outcome["data"][0][1] == "bị từ chối" and "chỉ có quyền đọc" in outcome["data"][0][3]
    updated, _, _ = reader.predict(sample_id, handle_file(str(report)), api_name="/cap_nhat")
    assert "chỉ có quyền đọc" in updated["data"][0][3]
    message, _, _ = reader.predict(sample_id, api_name="/xoa")
    assert message.startswith("Tài khoản «minh» chỉ có quyền đọc")
    assert reader.predict(api_name="/nhat_ky")["data"] in ([], [[]], [["", "", "", "", ""]])

    assert registry(data_dir) == before
    assert not (data_dir / "audit.jsonl").exists()
    reply, _ = reader.predict("Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?", api_name="/hoi")
    assert "58" in reply


def test_an_editor_adds_updates_and_deletes_and_the_audit_log_says_who(office, tmp_path):
    from gradio_client import handle_file

    url, data_dir = office
    editor = client(url, EDITOR)
    report = tmp_path / "bao-cao-thon-van-thu.txt"
    report.write_text(REPORT.format(n=27), encoding="utf-8")
    outcome, _, _ = editor.predict([handle_file(str(report))], api_name="/nap")
    assert outcome["data"][0][1] == "thêm mới"
    doc_id = next(d for d, entry in registry(data_dir).items() if entry["title"].endswith("Thôn Văn Thử"))
    reply, _ = editor.predict("Chi bộ Thôn Văn Thử có bao nhiêu đảng viên?", api_name="/hoi")
    assert "27 đảng viên" in reply

    newer = tmp_path / "ban-moi.txt"
    newer.write_text(REPORT.format(n=31), encoding="utf-8")
    updated, _, _ = editor.predict(doc_id, handle_file(str(newer)), api_name="/cap_nhat")
    assert updated["data"][0][1] == "cập nhật"
    reply, _ = editor.predict("Chi bộ Thôn Văn Thử có bao nhiêu đảng viên?", api_name="/hoi")
    assert "31 đảng viên" in reply and "27 đảng viên" not in reply

    message, _, _ = editor.predict(doc_id, api_name="/xoa")
    assert message.startswith("Đã xóa")
    assert doc_id not in registry(data_dir)

    log = editor.predict(api_name="/nhat_ky")["data"]
    assert [row[1:3] for row in log[:3]] == [["lan", "xóa"], ["lan", "cập nhật"], ["lan", "thêm mới"]]
    assert all("Thôn Văn Thử" in row[3] for row in log[:3])
    assert [row[4] for row in log[:3]] == ["ban-moi.txt", "ban-moi.txt", "bao-cao-thon-van-thu.txt"]


def test_editing_a_document_that_is_not_listed_changes_nothing(office, tmp_path):
    from gradio_client import handle_file

    url, data_dir = office
    editor = client(url, EDITOR)
    before = registry(data_dir)
    report = tmp_path / "bao-cao.txt"
    report.write_text(REPORT.format(n=12), encoding="utf-8")
    updated, _, _ = editor.predict("khong-co-tai-lieu-nay", handle_file(str(report)), api_name="/cap_nhat")
    assert updated["data"][0][1] == "bị từ chối" and "Hãy chọn một tài liệu" in updated["data"][0][3]
    message, _, _ = editor.predict("khong-co-tai-lieu-nay", api_name="/xoa")
    assert message.startswith("Hãy chọn một tài liệu")
    assert registry(data_dir) == before


def test_a_wrong_password_or_no_login_gets_nothing(office):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    url, _ = office
    for account in (("lan", "sai-mat-khau"), ("khong-ai", "mat-khau-bien-tap"), ("minh", "")):
        with pytest.raises((AuthenticationError, ValueError)):
            Client(url, auth=account, verbose=False)
    with pytest.raises(Exception):  # noqa: B017 - the login page, not the app, is all there is
        Client(url, verbose=False)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + "gradio_api/info", timeout=10)
    assert refused.value.code == 401


def test_library_changes_have_their_own_queue_apart_from_questions(assistant):
    from app import LIBRARY_QUEUE, build_ui

    functions = {fn.api_name: fn for fn in build_ui(assistant, login=True).fns.values()}
    for name in ("nap", "cap_nhat", "xoa"):
        assert functions[name].concurrency_id == LIBRARY_QUEUE and functions[name].concurrency_limit == 1
    assert functions["hoi"].concurrency_id != LIBRARY_QUEUE
    assert functions["hoi"].concurrency_limit == "default"  # the queue's default limit stays for questions


def test_an_open_host_without_accounts_refuses_to_start(tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "HOST": "0.0.0.0", "PORT": str(_free_port())}
    env.pop("ALLOW_ANONYMOUS", None)
    done = subprocess.run([sys.executable, str(config.ROOT / "app.py")], cwd=config.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Không khởi động: HOST=0.0.0.0" in done.stderr and "ALLOW_ANONYMOUS=1" in done.stderr
    assert "python -m assistant users add" in done.stderr


def test_an_open_host_with_allow_anonymous_starts_with_a_warning(sample_library, sample_settings, tmp_path):
    from gradio_client import Client

    with serve_app(sample_settings, tmp_path, HOST="0.0.0.0", ALLOW_ANONYMOUS="1") as url:
        reply, _ = Client(url, verbose=False).predict("Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?",
                                                      api_name="/hoi")
        assert "58" in reply
    assert "Cảnh báo: HOST=0.0.0.0" in (tmp_path / "app.log").read_text()


@pytest.mark.browser
def test_the_page_shows_editing_and_the_audit_log_to_editors_only(office, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, FLAGS

    url, _ = office
    seen = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, password in (READER, EDITOR):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="load")
            page.get_by_label("username").fill(name)
            page.get_by_label("password").fill(password)
            page.keyboard.press("Enter")
            page.wait_for_selector("#question textarea", timeout=60_000)
            page.wait_for_function("document.querySelector('#account') && "
                                   f"document.querySelector('#account').innerText.includes('{name}')", timeout=30_000)
            page.get_by_role("tab", name="Tài liệu").click()
            page.wait_for_selector("#docs", timeout=30_000)
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
            parts = ("upload", "update", "audit", "reader-note", "logout")
            seen[name] = {part: page.locator(f"#{part}").is_visible() for part in parts}
            page.close()
        browser.close()
    assert seen["minh"] == {"upload": False, "update": False, "audit": False, "reader-note": True, "logout": True}
    assert seen["lan"] == {"upload": True, "update": True, "audit": True, "reader-note": False, "logout": True}


def long_report(path: Path, name: str, paragraphs: int) -> Path:
    """A report of many distinct paragraphs: indexing it takes a while."""
    lines = [f"BÁO CÁO\nkết quả kiểm tra của {name}\n"]
    lines += [f"{i}. Đoàn kiểm tra làm việc với chi bộ thứ {i} của {name} về việc thực hiện nhiệm vụ năm {1990 + i}; "
              f"chi bộ có {i + 7} đảng viên, đã kết nạp {i % 5 + 1} quần chúng ưu tú, hoàn thành {i % 9 + 2} "
              f"chỉ tiêu về xây dựng tổ chức cơ sở đảng và sinh hoạt chi bộ định kỳ." for i in range(paragraphs)]
    path.write_text("\n\n".join(lines), encoding="utf-8")
    return path


def test_library_changes_run_one_at_a_time_while_other_users_are_served(office, tmp_path):
    """Uploads, updates and deletes share one queue of their own («thu-vien», one at a time): a second upload
    waits for the first, and other users' requests do not wait for either. (A cited-document search: a
    question also needs the embedding model, which an upload keeps busy until it is done.)"""
    from gradio_client import handle_file
    from gradio_client.utils import Status

    url, _ = office
    editor, readers = client(url, EDITOR), [client(url, READER) for _ in range(2)]
    files = [handle_file(str(long_report(tmp_path / f"{n}.txt", n, 400))) for n in ("xã Nam Thử", "xã Bắc Thử")]
    uploads = [editor.submit([files[0]], api_name="/nap")]
    deadline = time.monotonic() + 60
    while uploads[0].status().code not in (Status.PROCESSING, Status.PROGRESS) and time.monotonic() < deadline:
        time.sleep(0.1)
    uploads.append(editor.submit([files[1]], api_name="/nap"))
    time.sleep(1)
    assert uploads[1].status().code == Status.IN_QUEUE  # waits for the first upload to end
    searches = [reader.submit("Kết luận 21", api_name="/van_ban") for reader in readers]
    found = [s.result(timeout=60)[0] for s in searches]
    assert all(table["data"][0][0] == "21-KL/TW" for table in found)
    assert not uploads[0].done(), "the searches were answered while the first upload was still running"
    assert [u.result(timeout=300)[0]["data"][0][1] for u in uploads] == ["thêm mới", "thêm mới"]
