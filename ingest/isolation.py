"""Parse a file in a child process, with a time limit.

``load_documents_limited(path, timeout_s)`` runs ``ingest.loader.load_documents(path)`` in a
child process and returns its Documents. A file whose parse takes longer than ``timeout_s``
costs the caller that many seconds and no more: the child is killed. The parse never holds the
caller's GIL either, so a server keeps answering questions while a large file is read.

The child is a worker started as ``python -m ingest.isolation`` (a fresh interpreter, as the
"spawn" start method makes, so it is safe in a multi-threaded parent such as the Gradio server)
and kept for the next file: a file then costs the transfer of its path and of its Documents
(about a millisecond), not an interpreter start (about 0.1 s; benchmarks/parse_speed.py
measures both). multiprocessing's own "spawn" and "forkserver" methods are not used because
their children re-run the parent's main script (app.py imports Gradio: 2 s and 150 MB a child).
The worker is replaced after a timeout, a crash, or a file over RECYCLE_BYTES (so the memory a
large parse took is given back); calls from several threads take turns.
"""

from __future__ import annotations

import atexit
import gc
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.passage import Document

RECYCLE_BYTES = 1_000_000     # after a file this large the worker is replaced
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class _Worker:
    """A child process that parses the files whose paths it is sent, one at a time."""

    def __init__(self) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        path = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ingest.isolation", str(request_read), str(reply_write)],
                pass_fds=(request_read, reply_write), stdin=subprocess.DEVNULL, env=env,
            )
        finally:
            os.close(request_read)
            os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)

    def close(self) -> None:
        """Stop the worker (killed if it is busy) and wait for it."""
        self.requests.close()
        self.replies.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_worker: _Worker | None = None
_lock = threading.Lock()


def _retire() -> None:
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


atexit.register(_retire)


def _seconds(value: float) -> str:
    """60 → '60', 0.5 → '0,5' (a decimal comma, as Vietnamese writes it)."""
    return f"{value:g}".replace(".", ",")


def _ask(path: Path, timeout_s: float) -> tuple[str, object]:
    """Send ``path`` to the worker and wait for its reply (status, value); retire it on any trouble."""
    global _worker
    if _worker is not None and _worker.process.poll() is not None:
        _retire()                            # died while idle (killed): not this file's fault
    if _worker is None:
        _worker = _Worker()
    try:
        _worker.requests.send((str(path), os.getcwd()))
        if not _worker.replies.poll(timeout_s):
            _retire()
            raise ValueError(
                f"Tệp {path.name} xử lý quá lâu (quá {_seconds(timeout_s)} giây); "
                "hãy chia nhỏ tệp hoặc kiểm tra nội dung."
            )
        return _worker.replies.recv()
    except (EOFError, OSError):              # the worker died: killed, out of memory
        process = _worker.process
        _retire()
        raise ValueError(
            f"Không xử lý được tệp {path.name} (tiến trình đọc tệp dừng đột ngột, mã {process.returncode}; "
            "có thể do thiếu bộ nhớ)."
        ) from None


def load_documents_limited(path: Path, timeout_s: float) -> list[Document]:
    """The Documents of ``path`` (as ``ingest.loader.load_documents`` gives them), parsed in a
    child process within ``timeout_s`` seconds.

    Raises ValueError (Vietnamese) if the parse takes longer (the child is killed) or if the
    child dies (killed, out of memory); a ValueError or OSError raised by the parse is raised
    here with the same class and message.
    """
    path = Path(path)
    with _lock:
        status, value = _ask(path, timeout_s)
        try:
            large = path.stat().st_size > RECYCLE_BYTES
        except OSError:
            large = False
        if large:
            _retire()
    if status == "ok":
        return value
    if status == "error":
        raise value
    raise ValueError(f"Không xử lý được tệp {path.name} (lỗi khi đọc: {value}).")


# --- In the worker --------------------------------------------------------------------

def _reply(path: str, cwd: str) -> tuple[str, object]:
    """("ok", documents), ("error", the ValueError or OSError), or ("bug", "Type: message"); a
    relative ``path`` is read from the parent's working folder ``cwd`` and kept as given (it is
    the Documents' source_path)."""
    from ingest.loader import load_documents

    try:
        if os.getcwd() != cwd:
            os.chdir(cwd)
        return "ok", load_documents(Path(path))
    except (ValueError, OSError) as err:
        return "error", err
    except Exception as err:  # a bug: the parent refuses the file and says why
        return "bug", f"{type(err).__name__}: {err}"


def serve(request_fd: int, reply_fd: int) -> None:
    """The worker's loop: a path in, a reply out, until the parent closes its end.

    The cycle collector is off while a file is parsed and run once after: a parse makes
    millions of small objects and no cycles to speak of, and the collector's passes over
    them made a 5 MB file take three times as long."""
    requests = Connection(request_fd, writable=False)
    replies = Connection(reply_fd, readable=False)
    while True:
        try:
            path, cwd = requests.recv()
        except EOFError:
            return
        gc.disable()
        try:
            reply = _reply(path, cwd)
        finally:
            gc.enable()
        try:
            replies.send(reply)
        except Exception as err:  # a reply that cannot be pickled
            replies.send(("bug", f"{type(err).__name__}: {err}"))
        del reply
        gc.collect()


if __name__ == "__main__":
    import ingest.loader  # noqa: F401  (imported before the first request: the first file is not slower)

    serve(int(sys.argv[1]), int(sys.argv[2]))
