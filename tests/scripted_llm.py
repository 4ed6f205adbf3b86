"""A scripted OpenAI-compatible chat server for tests that need a deterministic model reply.

It speaks the same protocol as llama.cpp's server (POST /v1/chat/completions, streamed as server-sent events),
so the app's real LangChain ChatOpenAI client is exercised; only the text is chosen by the test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedLLM:
    """Replies with `reply(messages)`; `delay_s` pauses before each piece; `garbage` sends a broken stream."""

    def __init__(self) -> None:
        self.reply: Callable[[list[dict]], str] = lambda messages: ""
        self.delay_s = 0.0
        self.garbage = False
        self.requests: list[list[dict]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                script.requests.append(body["messages"])
                text = script.reply(body["messages"])
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if script.garbage:
                    self.wfile.write(b"data: {not json at all\n\n")
                    return
                for piece in _pieces(text):
                    time.sleep(script.delay_s)
                    self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
                self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, payload: dict) -> None:
                payload = {"id": "scripted", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                           **payload}
                self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

        return Handler


def _pieces(text: str) -> list[str]:
    """The text in small pieces, as a model streams it."""
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
