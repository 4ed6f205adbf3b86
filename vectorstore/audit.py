"""The library's audit log: who added, updated or deleted which document, and when.

One JSON object a line in DATA_DIR/audit.jsonl, only ever appended to (each line is written
with a single O_APPEND write, so lines of processes writing at once never interleave):
{"time": "2026-12-01T08:30:00+07:00", "user": "lan", "action": "added", "doc_id": "…",
"title": "…", "source": "…"}. Actions are the statuses of vectorstore.library.IngestResult
that change the library (added, replaced) and "deleted".
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from pathlib import Path

FILE_NAME = "audit.jsonl"
CHANGES = ("added", "replaced", "deleted")


def command_line_user() -> str:
    """The name recorded for changes made from the command line: "cli:<login name>"."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def append(data_dir: Path, user: str, action: str, doc_id: str, title: str, source: str = "") -> None:
    """Add one line to the log (creating DATA_DIR/audit.jsonl if needed)."""
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"), "user": user or "ẩn danh",
        "action": action, "doc_id": doc_id, "title": title, "source": source,
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(data_dir / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def entries(data_dir: Path, limit: int = 200) -> list[dict]:
    """The last `limit` entries, newest first; a damaged line (a crash mid-write) is skipped."""
    try:
        lines = (data_dir / FILE_NAME).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in reversed(lines):
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:
            continue
        if len(found) >= limit:
            break
    return found
