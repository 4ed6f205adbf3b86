"""User accounts of an office server: who may ask questions (reader) and who may change the library (editor).

Stored in DATA_DIR/users.json (mode 0600): {"users": {"lan": {"role": "editor", "password": "$2b$12$…"}}}.
Passwords are salted and hashed with bcrypt; the file never holds a password in clear. Names are
compared in Unicode NFC and without regard to case («Lan» and «lan» are one account).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import bcrypt
from filelock import FileLock

FILE_NAME = "users.json"
ROLES = ("reader", "editor")
ROLE_LABELS = {"reader": "người đọc", "editor": "biên tập viên"}
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72   # bcrypt reads no further; longer passwords are refused, never cut silently
MAX_NAME_CHARS = 32
_NAME = re.compile(r"[^\W_][\w.\-]*")  # letters (Vietnamese too) and digits, then also . _ -
ROUNDS = 12               # bcrypt cost: about 0.2 s a hash on this machine's CPU


@cache
def _dummy_hash() -> bytes:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return bcrypt.hashpw(b"khong-co-nguoi-dung-nay", bcrypt.gensalt(rounds=ROUNDS))


class UserError(ValueError):
    """A refused change to the accounts; the message is for people (Vietnamese)."""


def users_file(data_dir: Path) -> Path:
    """Where the accounts of a DATA_DIR are kept."""
    return Path(data_dir) / FILE_NAME


def canonical_name(name: str) -> str:
    """The account name as stored: NFC, no surrounding spaces, lower case."""
    return unicodedata.normalize("NFC", name or "").strip().lower()


def _checked_name(name: str) -> str:
    name = canonical_name(name)
    if not name:
        raise UserError("Tên người dùng không được để trống.")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"Tên người dùng dài quá {MAX_NAME_CHARS} ký tự: «{name}».")
    if not _NAME.fullmatch(name):
        raise UserError(
            f"Tên người dùng «{name}» không hợp lệ: chỉ dùng chữ cái, chữ số và các dấu . _ - "
            "(bắt đầu bằng chữ cái hoặc chữ số, không có khoảng trắng)."
        )
    return name


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Vai trò «{role}» không hợp lệ; chọn một trong: {', '.join(ROLES)}.")
    return role


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFC", password or "").encode("utf-8")


def _hash(password: str) -> str:
    if len(unicodedata.normalize("NFC", password or "")) < MIN_PASSWORD_CHARS:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự.")
    secret = _password_bytes(password)
    if len(secret) > MAX_PASSWORD_BYTES:
        raise UserError(f"Mật khẩu dài quá {MAX_PASSWORD_BYTES} byte (chữ có dấu tính 2–3 byte mỗi chữ).")
    return bcrypt.hashpw(secret, bcrypt.gensalt(rounds=ROUNDS)).decode("ascii")


def _read(data_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads(users_file(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise UserError(f"Không đọc được tệp người dùng {users_file(data_dir)}: {err}") from err
    return data.get("users", {})


def _write(data_dir: Path, users: dict[str, dict]) -> None:
    """Replace the file at once (a temporary file renamed over it), readable by its owner only."""
    path = users_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{FILE_NAME}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"users": users}, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(staging, 0o600)
    os.replace(staging, path)


def _lock(data_dir: Path) -> FileLock:
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return FileLock(str(users_file(data_dir)) + ".lock", mode=0o600)


def add(data_dir: Path, name: str, password: str, role: str = "reader") -> str:
    """Create an account; returns its stored name. Refused if the name is taken or invalid."""
    name, role = _checked_name(name), _checked_role(role)
    hashed = _hash(password)
    with _lock(data_dir):
        users = _read(data_dir)
        if name in users:
            raise UserError(f"Người dùng «{name}» đã có; đổi mật khẩu bằng lệnh «users passwd {name}».")
        users[name] = {"role": role, "password": hashed}
        _write(data_dir, users)
    return name


def set_password(data_dir: Path, name: str, password: str) -> None:
    """Give an existing account a new password."""
    hashed = _hash(password)
    _change(data_dir, canonical_name(name), lambda users, n: users[n].update(password=hashed))


def set_role(data_dir: Path, name: str, role: str) -> None:
    """Make an existing account a reader or an editor."""
    role = _checked_role(role)
    _change(data_dir, canonical_name(name), lambda users, n: users[n].update(role=role))


def remove(data_dir: Path, name: str) -> None:
    """Delete an account (a session already open keeps reading but can no longer change anything)."""
    _change(data_dir, canonical_name(name), lambda users, n: users.pop(n))


def _change(data_dir: Path, name: str, change) -> None:
    """Under the lock: apply change(users, name) to an existing account and write the file; UserError if
    there is no such account."""
    with _lock(data_dir):
        users = _read(data_dir)
        if name not in users:
            raise UserError(f"Không có người dùng «{name}».")
        change(users, name)
        _write(data_dir, users)


def list_users(data_dir: Path) -> list[tuple[str, str]]:
    """Every account as (name, role), sorted by name."""
    return sorted((name, user["role"]) for name, user in _read(data_dir).items())


def has_users(data_dir: Path) -> bool:
    """Whether any account exists (then the app asks everyone to log in)."""
    return bool(_read(data_dir))


def role(data_dir: Path, name: str | None) -> str | None:
    """The role of an account, or None if there is no such account."""
    user = _read(data_dir).get(canonical_name(name or ""))
    return user["role"] if user else None


def verify(data_dir: Path, name: str, password: str) -> str | None:
    """The account's role if the password is right, else None. bcrypt compares in constant time, and an
    unknown name is checked against a dummy hash so it cannot be told apart by the time taken."""
    try:
        user = _read(data_dir).get(canonical_name(name))
    except UserError:
        return None
    secret = _password_bytes(password)
    if not password or len(secret) > MAX_PASSWORD_BYTES:
        return None
    stored = user["password"].encode("ascii") if user else _dummy_hash()
    try:
        ok = bcrypt.checkpw(secret, stored)
    except ValueError:  # a damaged hash in the file
        return None
    return user["role"] if ok and user else None
