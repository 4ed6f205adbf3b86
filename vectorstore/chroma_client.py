"""The Chroma client of a library: embedded in DATA_DIR (the default) or a shared `chroma run` server.

With CHROMA_HOST set, every app instance and command-line run talks to one server over HTTP, so
one process holds the vector index and all see the same vectors: a write by one process is visible
to the others' next query through the client they already have (no reopening). Without it, Chroma
runs inside the process on ``DATA_DIR/chroma`` (Chroma caches that index per process: a library
reopens the client to see another process's writes, see vectorstore.library).

The registry, the BM25 index, the uploads and the write lock stay in DATA_DIR either way, so every
process using one server must also share one DATA_DIR. On the server, each DATA_DIR has a Chroma
database of its own, named in ``DATA_DIR/chroma-database`` (written on first use): a library deletes
the vectors of the versions its registry replaced or removed, by document id, so a process started with
another DATA_DIR (a test copy, a forgotten DATA_DIR=) must never see, let alone delete, this one's.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import config

CONNECT_TIMEOUT_S = 5.0  # Chroma's own HTTP client waits forever: a server that does not answer is caught first
DATABASE_FILE = "chroma-database"  # in DATA_DIR: the name of this DATA_DIR's database on the Chroma server


def server_address(settings: config.Settings) -> tuple[str, int, bool]:
    """(host, port, ssl) of the Chroma server: CHROMA_HOST is a host name or address ("127.0.0.1",
    "chroma.local"), or a URL ("https://chroma.local:8443") whose scheme and port win over CHROMA_PORT."""
    host = settings.chroma_host.strip()
    if "://" not in host:
        return host, settings.chroma_port, False
    url = urlsplit(host)
    return url.hostname or "", url.port or settings.chroma_port, url.scheme == "https"


def _unreachable(host: str, port: int, why: str) -> RuntimeError:
    return RuntimeError(
        f"Không kết nối được máy chủ Chroma tại {host}:{port} ({why}). Hãy kiểm tra máy chủ đã chạy "
        f"(chroma run --path … --host … --port {port}) và các biến CHROMA_HOST/CHROMA_PORT; "
        "để dùng Chroma nhúng trong DATA_DIR, bỏ trống CHROMA_HOST."
    )


def open_client(settings: config.Settings):
    """A Chroma client for the settings: ``chromadb.HttpClient`` when ``settings.chroma_host`` is set
    (after checking, within CONNECT_TIMEOUT_S, that the server answers its heartbeat), else a
    ``PersistentClient`` on ``settings.chroma_dir``. Telemetry is off either way.

    Raises RuntimeError (Vietnamese) when the server cannot be reached or does not answer as Chroma."""
    import chromadb  # imported here: it is slow and only the library needs it

    chroma_settings = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    check_mode(settings)
    if not settings.chroma_host:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    host, port, ssl = server_address(settings)
    if not host:
        raise _unreachable(settings.chroma_host, port, "CHROMA_HOST không có tên máy")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise _unreachable(host, port, exc.strerror or type(exc).__name__) from exc
    database = database_name(settings.data_dir)
    try:
        admin = chromadb.AdminClient(chromadb.Settings(
            anonymized_telemetry=False, chroma_api_impl="chromadb.api.fastapi.FastAPI", chroma_server_host=host,
            chroma_server_http_port=port, chroma_server_ssl_enabled=ssl,
        ))
        _ensure_database(admin, database)
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings, database=database)
        client.heartbeat()
    except Exception as exc:  # chromadb raises ValueError / httpx errors / ChromaError variants
        raise _unreachable(host, port, f"{type(exc).__name__}: {exc}") from exc
    return client


def check_mode(settings: config.Settings) -> None:
    """Refuse (RuntimeError, Vietnamese) to put a DATA_DIR's vectors in a second place: a DATA_DIR that has
    used a Chroma server (DATA_DIR/chroma-database) is not opened with embedded Chroma (a command-line run
    without CHROMA_HOST would write vectors the app instances never see), and one whose vectors are in
    DATA_DIR/chroma is not opened on a server (whose database for it would start empty)."""
    if not settings.chroma_host and (settings.data_dir / DATABASE_FILE).exists():
        raise RuntimeError(
            f"Thư mục dữ liệu {settings.data_dir} dùng máy chủ Chroma (xem tệp {DATABASE_FILE} trong đó) nhưng "
            "CHROMA_HOST đang để trống. Hãy đặt CHROMA_HOST/CHROMA_PORT như các phiên bản ứng dụng "
            "(ví dụ nạp các biến trong /etc/tra-cuu/env) rồi chạy lại."
        )
    if settings.chroma_host and settings.chroma_dir.exists() and not (settings.data_dir / DATABASE_FILE).exists():
        raise RuntimeError(
            f"Thư mục dữ liệu {settings.data_dir} đang lưu vectơ trong Chroma nhúng ({settings.chroma_dir}); "
            "máy chủ Chroma không có các vectơ đó. Hãy bỏ trống CHROMA_HOST để dùng tiếp thư viện này, hoặc "
            "dùng một DATA_DIR mới với máy chủ Chroma và nạp lại tài liệu (python -m ingest …)."
        )


def database_name(data_dir: Path) -> str:
    """The name of DATA_DIR's database on the Chroma server, chosen once ("tra-cuu-<32 hex digits>") and
    kept in DATA_DIR/chroma-database; processes starting together agree on the first one written."""
    path = data_dir / DATABASE_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{DATABASE_FILE}.{os.getpid()}.{uuid.uuid4().hex}"
    tmp.write_text(f"tra-cuu-{uuid.uuid4().hex}\n", encoding="utf-8")
    try:
        os.link(tmp, path)  # atomic, and fails if another process wrote the name first
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: an exclusive create will do
        with contextlib.suppress(FileExistsError), open(path, "x", encoding="utf-8") as f:
            f.write(tmp.read_text(encoding="utf-8"))
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


def _ensure_database(admin, name: str) -> None:
    """Create the database on the server unless it is there (another process may create it meanwhile)."""
    from chromadb.errors import NotFoundError

    try:
        admin.get_database(name)
        return
    except NotFoundError:
        pass
    try:
        admin.create_database(name)
    except Exception as exc:  # "already exists": another process created it meanwhile
        try:
            admin.get_database(name)
        except Exception:
            raise exc from None


def is_shared(settings: config.Settings) -> bool:
    """Whether the vectors live on a server (one index for all processes) rather than in this process."""
    return bool(settings.chroma_host)


def wait_for_server(settings: config.Settings, timeout_s: float) -> None:
    """Return once the Chroma server of the settings answers (open_client succeeds); RuntimeError (Vietnamese)
    if it still does not after timeout_s seconds, or at once if the DATA_DIR refuses the server (check_mode)."""
    check_mode(settings)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            open_client(settings)
            return
        except RuntimeError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    """python -m vectorstore.chroma_client [--wait SECONDS]: check (or wait for) the Chroma server of
    CHROMA_HOST/CHROMA_PORT, e.g. before an app instance starts (ExecStartPre= of a systemd unit)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m vectorstore.chroma_client",
                                     description="Kiểm tra máy chủ Chroma của CHROMA_HOST/CHROMA_PORT")
    parser.add_argument("--wait", type=float, default=0, metavar="GIÂY", help="chờ máy chủ tối đa bấy nhiêu giây")
    args = parser.parse_args(argv)
    settings = config.load()
    try:
        if not settings.chroma_host:
            check_mode(settings)
            print("CHROMA_HOST để trống: Chroma chạy nhúng trong DATA_DIR, không có máy chủ để kiểm tra.")
            return 0
        wait_for_server(settings, args.wait)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    host, port, _ = server_address(settings)
    print(f"Máy chủ Chroma {host}:{port} đang chạy (cơ sở dữ liệu {database_name(settings.data_dir)}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
