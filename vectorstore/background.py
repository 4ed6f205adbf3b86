"""Vectors in the background: a thread that gives waiting passages their vectors while the app serves.

A committed document is listed and found by keywords at once (vectorstore.library); this thread then
calls ``Library.embed_waiting`` until nothing waits. It is woken after each commit of this process
and looks every POLL_SECONDS for work another process left (a command-line import with
``--background``, or one killed before it finished). One process embeds at a time (the library's
``embed.lock``), so several app instances never embed the same passages twice over.
"""

from __future__ import annotations

import logging
import threading

POLL_SECONDS = 5.0

log = logging.getLogger(__name__)


def progress_text(done: int, total: int) -> str:
    """«Đang lập chỉ mục ngữ nghĩa: 1.240/6.846 đoạn» ("" when every passage has its vector)."""
    if done >= total:
        return ""
    return f"Đang lập chỉ mục ngữ nghĩa: {done:,}/{total:,} đoạn".replace(",", ".")


class BackgroundEmbedder:
    """A daemon thread running ``library.embed_waiting()`` whenever passages wait for vectors."""

    def __init__(self, library, poll_seconds: float = POLL_SECONDS):
        self.library = library
        self.poll_seconds = poll_seconds
        self.error = ""  # the last failure (Vietnamese), shown with the progress; cleared by a success
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vectors", daemon=True)

    def start(self) -> BackgroundEmbedder:
        self._thread.start()
        return self

    def wake(self) -> None:
        """Look for waiting passages now (call after a commit)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the batch in progress (at most one batch of WRITE_BATCH passages)."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.library.refresh()
                self.library.embed_waiting(stop=self._stop.is_set)
                self.error = ""
            except Exception as exc:  # keep serving: the passages stay waiting and are tried again
                log.exception("background embedding failed")
                self.error = f"Lỗi khi lập chỉ mục ngữ nghĩa ({exc}); sẽ thử lại."
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
