"""Cold start of the app: seconds from `python app.py` to the first served page and to the first answer.

    .venv/bin/python benchmarks/cold_start.py --data-dir /tmp/cold/data            # page, then first answer
    .venv/bin/python benchmarks/cold_start.py --data-dir /tmp/cold/data --page-only

DATA_DIR should hold an existing index (and the converted model in models/), as on every start after the
first: start the app once with that DATA_DIR to build them. The app runs on a free port and is killed at
the end; one JSON line is printed. With --page-only the script exits as soon as the page is served, so a
whole-process timer (/usr/bin/time, hyperfine) around it measures the time to a served page.

The script itself imports nothing heavy (plain urllib, Gradio's HTTP API) so it does not compete with the
app for the CPU while it starts. Timing goals live here, not in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Có bao nhiêu chi bộ cơ sở?"
LOADING_WORDS = "đang tải"  # a reply saying the app is still loading: ask again
POLL_S = 0.05


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _page_served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def ask(url: str, question: str, timeout_s: float = 300) -> str:
    """One question through Gradio's HTTP API (/gradio_api/call/hoi); the reply's Markdown."""
    request = urllib.request.Request(
        f"{url}gradio_api/call/hoi", data=json.dumps({"data": [question]}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/hoi/{event_id}", timeout=timeout_s) as response:
        event = ""
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line.split(":", 1)[1])
                if event == "error":
                    raise RuntimeError(f"the app answered with an error: {data}")
                return data[0]
    raise RuntimeError("the app closed the answer stream without a reply")


@contextlib.contextmanager
def served(data_dir: Path, timeout_s: float = 300) -> Iterator[tuple[subprocess.Popen, str, float, float]]:
    """app.py started on a free port with DATA_DIR=data_dir, once its page is served: (the process, its URL,
    the perf_counter when it was started, seconds to the served page). The app is killed on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while not _page_served(url):
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with status {proc.returncode} before serving the page")
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError("the page was not served in time")
            time.sleep(POLL_S)
        yield proc, url, started, round(time.perf_counter() - started, 2)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def first_answer(url: str, question: str, started: float, timeout_s: float = 300) -> tuple[float, str]:
    """Ask until the reply is not a «loading» notice: (seconds since `started`, the reply)."""
    while True:
        reply = ask(url, question, timeout_s)
        if LOADING_WORDS not in reply.lower():
            return round(time.perf_counter() - started, 2), reply
        if time.perf_counter() - started > timeout_s:
            raise RuntimeError("no answer in time")
        time.sleep(0.2)


def cold_start(data_dir: Path, page_only: bool = False, question: str = QUESTION,
               timeout_s: float = 300) -> dict:
    """Start app.py on a free port with DATA_DIR=data_dir; the seconds to a served page (and to the first
    answer that is not a «loading» notice); the app is killed before returning."""
    with served(data_dir, timeout_s) as (_, url, started, page_s):
        result: dict = {"page_s": page_s}
        if not page_only:
            result["first_answer_s"], reply = first_answer(url, question, started, timeout_s)
            result["answer"] = reply[:80]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DATA_DIR", ROOT / "data")),
                        help="a DATA_DIR with an existing index (default: $DATA_DIR or ./data)")
    parser.add_argument("--page-only", action="store_true", help="exit once the page is served")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if not (args.data_dir / "models").is_dir():
        print(f"{args.data_dir} has no models/: start the app once with this DATA_DIR first", file=sys.stderr)
    print(json.dumps(cold_start(args.data_dir.resolve(), args.page_only, args.question, args.timeout),
                     ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
