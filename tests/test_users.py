"""User accounts (assistant.users) and their command line (python -m assistant users …)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import unicodedata

import pytest

import config
from assistant import users


def test_add_then_verify_gives_the_role_and_a_wrong_password_gives_none(tmp_path):
    users.add(tmp_path, "lan", "mat-khau-dai", "editor")
    users.add(tmp_path, "minh", "mat-khau-khac", "reader")
    assert users.verify(tmp_path, "lan", "mat-khau-dai") == "editor"
    assert users.verify(tmp_path, "minh", "mat-khau-khac") == "reader"
    assert users.verify(tmp_path, "lan", "mat-khau-khac") is None
    assert users.verify(tmp_path, "ai-do", "mat-khau-dai") is None
    assert users.verify(tmp_path, "lan", "") is None
    assert users.list_users(tmp_path) == [("lan", "editor"), ("minh", "reader")]


def test_the_file_is_private_and_holds_no_password_in_clear(tmp_path):
    users.add(tmp_path, "lan", "mat-khau-dai", "editor")
    path = users.users_file(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "mat-khau-dai" not in text and "$2b$" in text


def test_names_are_nfc_and_case_insensitive_and_passwords_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Thủy")
    users.add(tmp_path, decomposed, unicodedata.normalize("NFD", "mật khẩu Việt"), "reader")
    assert users.list_users(tmp_path) == [("thủy", "reader")]
    assert users.verify(tmp_path, "THỦY", "mật khẩu Việt") == "reader"
    assert users.role(tmp_path, " Thủy ") == "reader"


@pytest.mark.parametrize(("name", "password", "message"), [
    ("", "mat-khau-dai", "không được để trống"),
    ("lan nguyen", "mat-khau-dai", "không hợp lệ"),
    ("../lan", "mat-khau-dai", "không hợp lệ"),
    ("x" * 40, "mat-khau-dai", "dài quá"),
    ("lan", "ngan", "ít nhất 8 ký tự"),
    ("lan", "ệ" * 30, "dài quá 72 byte"),
])
def test_bad_names_and_passwords_are_refused_in_vietnamese(tmp_path, name, password, message):
    with pytest.raises(users.UserError, match=message):
        users.add(tmp_path, name, password)
    assert not users.has_users(tmp_path)


def test_a_taken_name_an_unknown_role_and_an_unknown_user_are_refused(tmp_path):
    users.add(tmp_path, "lan", "mat-khau-dai", "editor")
    with pytest.raises(users.UserError, match="đã có"):
        users.add(tmp_path, "LAN", "mat-khau-khac", "reader")
    with pytest.raises(users.UserError, match="Vai trò"):
        users.add(tmp_path, "minh", "mat-khau-khac", "admin")
    for change in (lambda: users.remove(tmp_path, "minh"), lambda: users.set_password(tmp_path, "minh", "x" * 9)):
        with pytest.raises(users.UserError, match="Không có người dùng «minh»"):
            change()
    assert users.verify(tmp_path, "lan", "mat-khau-dai") == "editor"


def test_new_password_role_change_and_removal(tmp_path):
    users.add(tmp_path, "lan", "mat-khau-dai", "reader")
    users.set_password(tmp_path, "lan", "mat-khau-moi")
    assert users.verify(tmp_path, "lan", "mat-khau-dai") is None
    assert users.verify(tmp_path, "lan", "mat-khau-moi") == "reader"
    users.set_role(tmp_path, "lan", "editor")
    assert users.role(tmp_path, "lan") == "editor"
    users.remove(tmp_path, "lan")
    assert not users.has_users(tmp_path) and users.role(tmp_path, "lan") is None


def run_cli(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """python -m assistant users … with DATA_DIR set."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", "users", *args], input=stdin, capture_output=True, text=True,
        cwd=config.ROOT, env={**os.environ, "DATA_DIR": str(data_dir)}, timeout=60,
    )


def test_command_line_adds_lists_changes_and_removes_users(tmp_path):
    added = run_cli(tmp_path, "add", "lan", "--role", "editor", "--password-stdin", stdin="mat-khau-dai\n")
    assert added.returncode == 0, added.stderr
    assert "Đã thêm người dùng «lan» (biên tập viên)" in added.stdout and "yêu cầu đăng nhập" in added.stdout
    assert run_cli(tmp_path, "add", "minh", "--password-stdin", stdin="mat-khau-khac\n").returncode == 0
    listed = run_cli(tmp_path, "list")
    assert listed.stdout.splitlines() == ["lan\teditor (biên tập viên)", "minh\treader (người đọc)"]
    assert users.verify(tmp_path, "lan", "mat-khau-dai") == "editor"

    again = run_cli(tmp_path, "add", "lan", "--password-stdin", stdin="mat-khau-dai\n")
    assert again.returncode == 1 and "đã có" in again.stderr
    short = run_cli(tmp_path, "passwd", "minh", "--password-stdin", stdin="ngan\n")
    assert short.returncode == 1 and "ít nhất 8 ký tự" in short.stderr
    assert run_cli(tmp_path, "passwd", "minh", "--password-stdin", stdin="mat-khau-moi\n").returncode == 0
    assert users.verify(tmp_path, "minh", "mat-khau-moi") == "reader"
    assert run_cli(tmp_path, "role", "minh", "editor").returncode == 0
    removed = run_cli(tmp_path, "remove", "lan")
    assert removed.returncode == 0 and "Đã xóa người dùng «lan»" in removed.stdout
    assert users.list_users(tmp_path) == [("minh", "editor")]
    missing = run_cli(tmp_path, "remove", "lan")
    assert missing.returncode == 1 and "Không có người dùng «lan»" in missing.stderr


def test_password_typed_twice_must_match(tmp_path, monkeypatch, capsys):
    from assistant.__main__ import main

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    typed = iter(["mat-khau-dai", "mat-khau-dau"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert main(["users", "add", "lan"]) == 1
    assert "không khớp" in capsys.readouterr().err and not users.has_users(tmp_path)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "mat-khau-dai")
    assert main(["users", "add", "lan"]) == 0
    assert users.verify(tmp_path, "lan", "mat-khau-dai") == "reader"
