"""A shared deployment: one `chroma run` server holds the vectors, two real app processes and the command line
share it and one DATA_DIR (registry, BM25, uploads), and each sees what the others changed."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import config
from tests.conftest import _free_port, _wait_until_serving
from vectorstore.chroma_client import DATABASE_FILE, database_name, open_client
from vectorstore.library import Library

FIRST = ("BÁO CÁO\nkết quả sinh hoạt của Chi bộ Thôn Đồng Sen\n\nI. TÌNH HÌNH\n"
         "Chi bộ Thôn Đồng Sen có 23 đảng viên, sinh hoạt định kỳ vào ngày mùng 3 hằng tháng.\n")
SECOND = ("BÁO CÁO\nkết quả sinh hoạt của Chi bộ Thôn Bến Lội\n\nI. TÌNH HÌNH\n"
          "Chi bộ Thôn Bến Lội có 41 đảng viên, sinh hoạt định kỳ vào ngày mùng 7 hằng tháng.\n")
ASK_FIRST = "Chi bộ Thôn Đồng Sen có bao nhiêu đảng viên?"
ASK_SECOND = "Chi bộ Thôn Bến Lội có bao nhiêu đảng viên?"
EMBEDDER_NAME = config.DEFAULT_EMBEDDING_MODEL  # the apps' model: the same collection name on the server


@dataclasses.dataclass
class NamedOnly:
    """An embedder that only has a name: enough to open a library that embeds nothing."""

    name: str

    def embed_query(self, text: str):
        raise AssertionError("not used")

    def embed_passages(self, texts: list[str]):
        raise AssertionError("not used")


def chroma_command() -> str:
    """The `chroma` command of this environment (installed with the chromadb package)."""
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma") or "chroma"


def wait_for_heartbeat(port: int, proc: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    _wait_until_serving(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, log, timeout_s, what="chroma run")


@contextlib.contextmanager
def running(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Terminate the process (this test started it) when the block ends."""
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory) -> Iterator[int]:
    """`chroma run --path … --host 127.0.0.1 --port FREE` in a temporary directory; yields its port."""
    root = tmp_path_factory.mktemp("chroma-server")
    port, log = _free_port(), root / "chroma.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [chroma_command(), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=out, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    with running(proc):
        wait_for_heartbeat(port, proc, log)
        yield port


@pytest.fixture(scope="module")
def shared(chroma_server, e5_data_dir, tmp_path_factory):
    """Two app processes (different PORTs) over one DATA_DIR and the Chroma server: (url A, url B, env)."""
    root = tmp_path_factory.mktemp("shared")
    data_dir, samples = root / "data", root / "samples"
    data_dir.mkdir()
    samples.mkdir()  # no bundled sample: a fast start, and the library holds only what the test adds
    (data_dir / "models").symlink_to(e5_data_dir / "models")
    env = {**os.environ, "DATA_DIR": str(data_dir), "SAMPLES_DIR": str(samples), "HOST": "127.0.0.1",
           "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)}
    with contextlib.ExitStack() as stack:
        apps = []
        for name in ("a", "b"):  # both start at once: they load the model side by side
            port, log = _free_port(), root / f"app-{name}.log"
            with open(log, "w") as out:
                proc = subprocess.Popen([sys.executable, str(config.ROOT / "app.py")], cwd=config.ROOT,
                                        env={**env, "PORT": str(port)}, stdout=out, stderr=out)
            stack.enter_context(running(proc))
            apps.append((f"http://127.0.0.1:{port}/", proc, log))
        for url, proc, log in apps:
            _wait_until_serving(url, proc, log)
        yield apps[0][0], apps[1][0], env


def listed_titles(client) -> list[str]:
    """The titles in the app's document table (a delete without a chosen document changes nothing)."""
    _, table, _ = client.predict(None, api_name="/xoa")
    return [row[0] for row in table["data"] if row and row[0]]


def server_client(port: int, data_dir: Path):
    """A plain chromadb.HttpClient on the database of DATA_DIR (named in DATA_DIR/chroma-database)."""
    import chromadb

    database = (data_dir / DATABASE_FILE).read_text(encoding="utf-8").strip()
    return chromadb.HttpClient(host="127.0.0.1", port=port, database=database,
                               settings=chromadb.Settings(anonymized_telemetry=False))


def server_count(port: int, data_dir: Path, timeout_s: float = 120) -> int:
    """How many vectors the server's passages collections of DATA_DIR hold, once they hold any (embedding may
    run in the background)."""
    client = server_client(port, data_dir)
    deadline = time.monotonic() + timeout_s
    while True:
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
        count = sum(client.get_collection(n).count() for n in names if n.startswith("passages-"))
        if count or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def test_two_app_instances_and_the_command_line_share_one_chroma_server(shared, chroma_server, tmp_path):
    from gradio_client import Client, handle_file

    url_a, url_b, env = shared
    app_a, app_b = Client(url_a, verbose=False), Client(url_b, verbose=False)
    data_dir = Path(env["DATA_DIR"])

    first = tmp_path / "bao-cao-thon-dong-sen.txt"
    first.write_text(FIRST, encoding="utf-8")
    outcome, _, _ = app_a.predict([handle_file(str(first))], api_name="/nap")
    assert outcome["data"][0][1] == "thêm mới", outcome
    reply, sources = app_b.predict(ASK_FIRST, api_name="/hoi")  # B sees what A added
    assert "23 đảng viên" in reply and "Đồng Sen" in sources

    second = tmp_path / "bao-cao-thon-ben-loi.txt"
    second.write_text(SECOND, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ingest", str(second)], cwd=config.ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for app in (app_a, app_b):
        reply, _ = app.predict(ASK_SECOND, api_name="/hoi")
        assert "41 đảng viên" in reply

    check = subprocess.run([sys.executable, "-m", "vectorstore.chroma_client", "--wait", "10"], cwd=config.ROOT,
                           env=env, capture_output=True, text=True, timeout=120)  # a systemd unit's ExecStartPre=
    assert check.returncode == 0 and "đang chạy" in check.stdout, check.stderr
    vectors = server_count(chroma_server, data_dir)
    assert vectors > 0  # the vectors are on the server …
    assert not (data_dir / "chroma").exists()  # … and no embedded Chroma was opened in DATA_DIR

    # A process started with another DATA_DIR (a forgotten DATA_DIR=) gets a database of its own on the
    # server: opening its empty library repairs its own collection, never deletes this library's vectors.
    other = dataclasses.replace(config.load(), data_dir=tmp_path / "other", chroma_host="127.0.0.1",
                                chroma_port=chroma_server)
    assert database_name(other.data_dir) != database_name(data_dir) == database_name(data_dir)
    assert Library(other, NamedOnly(EMBEDDER_NAME)).documents() == []
    assert server_count(chroma_server, data_dir, timeout_s=0) == vectors

    message, _, _ = app_b.predict(first.stem, api_name="/xoa")
    assert message.startswith("Đã xóa"), message
    reply, sources = app_a.predict(ASK_FIRST, api_name="/hoi")  # A sees what B deleted
    assert "23 đảng viên" not in reply and "23 đảng viên" not in sources
    titles = listed_titles(app_a)
    assert not any("Đồng Sen" in t for t in titles) and any("Bến Lội" in t for t in titles), titles
    reply, _ = app_a.predict(ASK_SECOND, api_name="/hoi")
    assert "41 đảng viên" in reply


def test_a_server_that_does_not_answer_is_a_clear_error(tmp_path, e5_data_dir):
    settings = dataclasses.replace(config.load(), data_dir=tmp_path / "data", chroma_host="127.0.0.1",
                                   chroma_port=_free_port())  # nothing listens there
    with pytest.raises(RuntimeError, match="Không kết nối được máy chủ Chroma tại 127.0.0.1"):
        open_client(settings)
    assert not (tmp_path / "data" / "chroma").exists()

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "models").symlink_to(e5_data_dir / "models")
    report = tmp_path / "bao-cao.txt"
    report.write_text(FIRST, encoding="utf-8")
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "CHROMA_HOST": "127.0.0.1",
           "CHROMA_PORT": str(settings.chroma_port)}
    done = subprocess.run([sys.executable, "-m", "ingest", str(report)], cwd=config.ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "Không kết nối được máy chủ Chroma" in done.stderr, done.stderr

    started = time.monotonic()
    check = subprocess.run([sys.executable, "-m", "vectorstore.chroma_client", "--wait", "2"], cwd=config.ROOT,
                           env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and "Không kết nối được máy chủ Chroma" in check.stderr, check.stderr
    assert time.monotonic() - started < 60


def test_a_data_dir_keeps_its_vectors_in_one_place(tmp_path):
    base = dataclasses.replace(config.load(), chroma_port=_free_port())  # no server is needed: refused before
    on_server = tmp_path / "on-server"
    database_name(on_server)  # what the first connection to a server writes
    with pytest.raises(RuntimeError, match="dùng máy chủ Chroma .* CHROMA_HOST đang để trống"):
        open_client(dataclasses.replace(base, data_dir=on_server, chroma_host=""))  # a CLI run without CHROMA_HOST
    assert not (on_server / "chroma").exists()
    check = subprocess.run([sys.executable, "-m", "vectorstore.chroma_client"], cwd=config.ROOT, capture_output=True,
                           text=True, timeout=120, env={**os.environ, "DATA_DIR": str(on_server), "CHROMA_HOST": ""})
    assert check.returncode == 1 and "CHROMA_HOST đang để trống" in check.stderr, check.stderr

    embedded = tmp_path / "embedded"
    (embedded / "chroma").mkdir(parents=True)  # vectors in embedded Chroma
    with pytest.raises(RuntimeError, match="đang lưu vectơ trong Chroma nhúng"):
        open_client(dataclasses.replace(base, data_dir=embedded, chroma_host="127.0.0.1"))
    assert not (embedded / DATABASE_FILE).exists()
