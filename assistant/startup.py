"""Start-up in the background: something slow to build (the assistant: embedding model and library) is built
in a thread while the caller goes on (the app serves its page); users of it wait for it with a bound.

    startup = assistant_startup(settings).start()
    startup.status()          # «Đang tải mô hình và thư viện tài liệu…» while loading, "" once ready
    startup.get(wait=30)      # the Assistant, or NotReady with a Vietnamese message for the user

Importing this module imports nothing heavy: the assistant's modules (and the model) are loaded in the thread.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import config

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

T = TypeVar("T")

LOADING = "Đang tải mô hình và thư viện tài liệu…"
BUSY = "Hệ thống đang tải, vui lòng thử lại sau giây lát."
FAILED = "Không khởi động được trợ lý: {error}"


class NotReady(RuntimeError):
    """The value is still being built (BUSY) or its build failed (FAILED); the message is for the user."""


class Startup(Generic[T]):
    """Builds one value in a background thread, once, and reports its state: loading, ready or failed."""

    def __init__(self, build: Callable[[], T], on_ready: Callable[[float], None] | None = None) -> None:
        self._build = build
        self._on_ready = on_ready
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._value: T | None = None
        self.error = ""            # why the build failed (its message), "" otherwise
        self.seconds: float | None = None  # how long the build took, once done

    @classmethod
    def ready(cls, value: T) -> Startup[T]:
        """A startup whose value is already built."""
        startup = cls(lambda: value)
        startup._value, startup.seconds = value, 0.0
        startup._thread = threading.current_thread()
        startup._done.set()
        return startup

    def start(self) -> Startup[T]:
        """Start building in a daemon thread (only the first call does); returns self."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="startup", daemon=True)
                self._thread.start()
        return self

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._value = self._build()
        except BaseException as exc:  # noqa: BLE001 - any failure is reported to the users, never raised in a thread
            self.error = str(exc) or type(exc).__name__
            traceback.print_exc(file=sys.stderr)
            print(FAILED.format(error=self.error), file=sys.stderr, flush=True)
        finally:
            self.seconds = time.perf_counter() - started
            self._done.set()
        if self._on_ready and not self.error:
            self._on_ready(self.seconds)

    @property
    def state(self) -> str:
        """"loading" (also before start), "ready" or "failed"."""
        if not self._done.is_set():
            return "loading"
        return "failed" if self.error else "ready"

    def status(self) -> str:
        """What to tell the users: LOADING while loading, the FAILED message, or "" once ready."""
        return {"loading": LOADING, "failed": FAILED.format(error=self.error), "ready": ""}[self.state]

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the build is done (ready or failed), at most `timeout` seconds; whether it is done."""
        return self._done.wait(timeout)

    def get(self, wait: float = 0.0) -> T:
        """The value, waiting for it at most `wait` seconds. NotReady (BUSY) if it is still loading then,
        NotReady (FAILED) if its build failed."""
        if not self._done.wait(wait):
            raise NotReady(BUSY)
        if self.error:
            raise NotReady(FAILED.format(error=self.error))
        return self._value  # type: ignore[return-value]


def build_assistant(settings: config.Settings) -> Assistant:
    """The assistant of the settings: the embedding model (loaded once per process), the library and, on the
    very first start, the bundled sample indexed. A background thread (``assistant.background``) computes
    the vectors of passages still waiting: those a command-line import left (``--background``) and, with
    BACKGROUND_EMBEDDING (the default), the sample's and the uploads'."""
    from assistant.pipeline import Assistant
    from vectorstore.background import BackgroundEmbedder
    from vectorstore.indexer import ensure_samples_indexed

    assistant = Assistant(settings)
    ensure_samples_indexed(assistant.library, embed=not settings.background_embedding)
    assistant.background = BackgroundEmbedder(assistant.library).start()
    threading.Thread(target=assistant.warm, name="warm", daemon=True).start()
    return assistant


def assistant_startup(settings: config.Settings) -> Startup[Assistant]:
    """A Startup building the assistant of the settings (call .start()); says on stdout when it is ready."""
    def said(seconds: float) -> None:
        print(f"Sẵn sàng: đã tải mô hình và thư viện ({seconds:.1f} giây).", flush=True)

    return Startup(lambda: build_assistant(settings), on_ready=said)
