"""The Chroma client of a library: embedded in DATA_DIR (the default) or a shared `chroma run` server.

With CHROMA_HOST set, every app instance and command-line run talks to one server over HTTP, so
one process holds the vector index and all see the same vectors. Without it, Chroma runs inside
the process on ``DATA_DIR/chroma`` (Chroma caches that index per process: a library reopens the
client to see another process's writes, see vectorstore.library).
"""

from __future__ import annotations

import config


def open_client(settings: config.Settings):
    """A Chroma client for the settings: ``chromadb.HttpClient`` when ``settings.chroma_host`` is set,
    else a ``PersistentClient`` on ``settings.chroma_dir``. Telemetry is off either way.

    Raises RuntimeError (Vietnamese) when the server does not answer."""
    import chromadb  # imported here: it is slow and only the library needs it

    chroma_settings = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_host:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    try:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    except Exception as exc:  # chromadb raises ValueError/ConnectionError variants when it cannot connect
        raise RuntimeError(
            f"Không kết nối được máy chủ Chroma {settings.chroma_host}:{settings.chroma_port} ({exc}). "
            "Hãy kiểm tra CHROMA_HOST/CHROMA_PORT và máy chủ `chroma run`."
        ) from exc


def is_shared(settings: config.Settings) -> bool:
    """Whether the vectors live on a server (one index for all processes) rather than in this process."""
    return bool(settings.chroma_host)
