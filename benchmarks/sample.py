"""Benchmark on the bundled sample: index build, question latency, app cold start, app memory.

    .venv/bin/python benchmarks/sample.py

Uses a fresh temporary DATA_DIR (so the model conversion is included in the first figure)
and prints one JSON object. Timing goals live here, not in the tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "dev-qa.jsonl"


def _timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_cold_start(env: dict) -> dict:
    """Seconds from `python app.py` to the first answer, and the app's peak RSS after the dev set."""
    from gradio_client import Client

    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env={**env, "PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                client.predict("Có bao nhiêu chi bộ cơ sở?", api_name="/hoi")
                break
            except Exception:
                if proc.poll() is not None or time.perf_counter() - started > 300:
                    raise
                time.sleep(0.25)
        first_answer_s = time.perf_counter() - started
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
            client.predict(json.loads(line)["question"], api_name="/hoi")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
        return {"app_first_answer_s": round(first_answer_s, 1), "app_peak_rss_mb": round(peak_kb / 1024)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir}
        result = {"index_sample_from_scratch_s": round(_timed(["-m", "ingest", "samples"], env), 1)}
        out = subprocess.run([sys.executable, "-m", "assistant.eval", "--questions", str(QUESTIONS)],
                             cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
        result["dev_set"] = json.loads(out)
        result.update(app_cold_start(env))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
