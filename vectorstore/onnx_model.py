"""Export the converted e5 model to ONNX (and OpenVINO IR) once, offline, and run it without torch.

Built from the sentence-transformers directory that :mod:`vectorstore.e5_convert` writes:

* ``onnx``: the encoder exported with ``torch.onnx.export`` (TorchScript exporter, eager attention),
  then fused by ONNX Runtime's BERT optimizer (``onnxruntime.transformers.optimizer``), float32;
* ``onnx-int8``: that optimised graph with its matrix weights quantised to int8 (dynamic QInt8);
* ``openvino``: the plain export converted to OpenVINO IR (float32 weights); run either in float32
  (``openvino``) or with OpenVINO's bfloat16 inference (``openvino-bf16``; float32 on a CPU without
  native bfloat16, where emulating it would be slower).

Each variant is its own directory in ``settings.models_dir``, written into a temporary sibling and
renamed into place (absent or complete, never half-written). The graph outputs the last hidden
state; mean pooling over the attention mask and L2 normalisation are done here, as the
sentence-transformers modules of the model directory do, with the same ``query: `` / ``passage: ``
prompts (read from the directory's ``config_sentence_transformers.json``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

BUILD_VERSION = 1
MARKER_FILE = "onnx-build.json"
OPSET = 17
MAX_LENGTH = 512  # tokens, as sentence-transformers truncates (max_seq_length of the model directory)
COPIED_FILES = ("tokenizer.json", "config.json", "config_sentence_transformers.json", "sentence_bert_config.json")
# openvino-bf16 computes in bfloat16: its weights are stored in float16 (half the disk, and the process's
# memory falls from about 680 to 235 MB; vectors as close to torch's: min cosine 0.99999 on 300 passages)
VARIANT_DIRS = {"onnx": "onnx-fp32", "onnx-int8": "onnx-int8", "openvino": "openvino", "openvino-bf16": "openvino-fp16"}


def variant_dir(e5_dir: Path, backend: str) -> Path:
    """Where the files of one backend live: a sibling of the converted model directory."""
    return Path(e5_dir).parent / f"{Path(e5_dir).name}-{VARIANT_DIRS[backend]}"


def is_complete(target: Path, kind: str) -> bool:
    try:
        marker = json.loads((Path(target) / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("build_version") == BUILD_VERSION and marker.get("kind") == kind


def build_variant(e5_dir: Path, backend: str) -> Path:
    """Build (once) the files of ``backend`` beside ``e5_dir``; returns their directory.

    Raises ``RuntimeError`` with a Vietnamese message when the export fails.
    """
    kind = VARIANT_DIRS[backend]
    target = variant_dir(e5_dir, backend)
    if is_complete(target, kind):
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        fp32 = variant_dir(e5_dir, "onnx")
        with tempfile.TemporaryDirectory(prefix="export-", dir=target.parent) as work:
            raw = Path(work) / "raw.onnx"
            if kind == "onnx-int8" and is_complete(fp32, VARIANT_DIRS["onnx"]):
                _quantize(fp32 / "model.onnx", tmp / "model.onnx")  # the same fused graph: no new export
            elif kind.startswith("openvino"):
                export_onnx(Path(e5_dir), raw)
                _to_openvino(raw, tmp / "model.xml", half=kind == "openvino-fp16")
            else:
                export_onnx(Path(e5_dir), raw)
                fused = tmp / "model.onnx" if kind == "onnx-fp32" else Path(work) / "fused.onnx"
                _optimize(Path(e5_dir), raw, fused)
                if kind == "onnx-int8":
                    _quantize(fused, tmp / "model.onnx")
        for name in COPIED_FILES:
            shutil.copyfile(Path(e5_dir) / name, tmp / name)
        tmp.chmod(0o755)
        for path in tmp.iterdir():
            path.chmod(0o644)
        marker = {"kind": kind, "build_version": BUILD_VERSION, "source": str(e5_dir), "opset": OPSET}
        (tmp / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")  # last: complete
        if target.exists() and not is_complete(target, kind):
            shutil.rmtree(target)
        try:
            os.rename(tmp, target)
        except OSError:
            if not is_complete(target, kind):  # lost a race against another builder: keep theirs
                raise
    except Exception as exc:
        raise RuntimeError(
            f"Không tạo được bản '{backend}' của mô hình nhúng từ {e5_dir}: {exc}. "
            "Hãy dùng EMBEDDING_BACKEND=torch hoặc kiểm tra các gói onnx, onnxruntime, openvino."
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def export_onnx(e5_dir: Path, out: Path) -> None:
    """The BERT encoder of ``e5_dir`` as ONNX: (input_ids, attention_mask) -> last_hidden_state."""
    import torch
    from transformers import BertModel

    model = BertModel.from_pretrained(str(e5_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 1000, 2000, 3000, 2], [0, 1000, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    with torch.no_grad():
        torch.onnx.export(
            Encoder(),
            (ids, mask),
            str(out),
            dynamo=False,
            opset_version=OPSET,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "last_hidden_state": {0: "batch", 1: "tokens"},
            },
        )


def _optimize(e5_dir: Path, raw: Path, out: Path) -> None:
    from onnxruntime.transformers import optimizer

    cfg = json.loads((e5_dir / "config.json").read_text(encoding="utf-8"))
    fused = optimizer.optimize_model(
        str(raw), model_type="bert", num_heads=cfg["num_attention_heads"], hidden_size=cfg["hidden_size"]
    )
    fused.save_model_to_file(str(out))


def _quantize(fused: Path, out: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The fused Attention nodes are a contrib op shape inference cannot type: their outputs are float32.
    quantize_dynamic(str(fused), str(out), weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def _to_openvino(raw: Path, out: Path, half: bool = False) -> None:
    import openvino as ov

    ov.save_model(ov.Core().read_model(str(raw)), str(out), compress_to_fp16=half)


# ------------------------------------------------------------------------------ running


class EncoderRunner:
    """The slice of sentence-transformers' interface the Embedder uses, over an exported graph."""

    def __init__(self, model_dir: Path, run: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        st = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        sbert = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        prompts = st.get("prompts") or {}
        # sentence-transformers: encode_query uses "query", encode_document the first of these.
        self._query_prompt = prompts.get("query", "")
        self._document_prompt = next((prompts[n] for n in ("document", "passage", "corpus") if n in prompts), "")
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(sbert.get("max_seq_length", MAX_LENGTH)))
        self._tokenizer.no_padding()
        self._pad_id = int(cfg.get("pad_token_id", 1))
        self._dim = int(cfg["hidden_size"])
        self._run = run

    def get_embedding_dimension(self) -> int:
        return self._dim

    def encode_query(self, texts: list[str], batch_size: int = 8, **_: object) -> np.ndarray:
        return self._encode([self._query_prompt + t for t in texts], batch_size)

    def encode_document(self, texts: list[str], batch_size: int = 8, **_: object) -> np.ndarray:
        return self._encode([self._document_prompt + t for t in texts], batch_size)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # similar lengths together
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.full((len(idx), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = np.asarray(self._run(ids, mask), dtype=np.float32)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
        return out


def onnx_runner(model_dir: Path, threads: int) -> EncoderRunner:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(Path(model_dir) / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]

    return EncoderRunner(model_dir, run)


def openvino_runner(model_dir: Path, threads: int, precision: str = "f32") -> EncoderRunner:
    import openvino as ov

    core = ov.Core()
    if precision == "bf16" and not native_bf16(core):
        precision = "f32"  # emulated bfloat16 is slower than float32: same vectors as ``openvino`` then
    compiled = core.compile_model(
        str(Path(model_dir) / "model.xml"),
        "CPU",
        {"INFERENCE_PRECISION_HINT": precision, "INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"},
    )
    request = compiled.create_infer_request()

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return request.infer({"input_ids": ids, "attention_mask": mask})[compiled.output(0)]

    return EncoderRunner(model_dir, run)


def native_bf16(core) -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512_BF16 or AMX), as OpenVINO would use it."""
    if "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return True  # not Linux: trust OpenVINO's own report
    return "avx512_bf16" in flags or "amx_bf16" in flags
