"""Benchmark at scale: a library of generated documents grown to 100,000 passages through the real code path.

    .venv/bin/python benchmarks/scale.py --passages 5000                      # a quick run (temporary DATA_DIR)
    .venv/bin/python benchmarks/scale.py --passages 100000 --data /tmp/scale100k --keep --json out.json

The documents are generated in memory from real sentences reshuffled (seeded): those of the bundled
sample report and, if the folder exists, of ../shared/real-docs (read by path, never copied; --real-docs
"" to leave them out). Templates: reports of a xã, a huyện and a chi bộ (each a unit of its own, with its
figures), kế hoạch, nghị quyết (Điều / Khoản / Điểm) and hướng dẫn. They are parsed by the real parser
(ingest.loader.parse_document) and committed with Library.add(docs, embed=False) in groups of about
--group passages: «keyword-searchable» throughput is passages / (generate + parse + commit).

Vectors of the bulk: the real model embeds 15–25 passages/s on 2 cores (100,000 passages: 1–2 hours),
so the bulk goes through the real Library.embed_waiting path (Chroma upsert, marking, reuse) with a
STAND-IN embedder of the real one's name and dimension: a passage's vector is the normalised mean of the
real model's vectors of its sentences (each distinct sentence embedded once by the real model, cached;
--standin-cache keeps them for the next run).
Dense retrieval over the bulk is therefore approximate; the sample report (indexed first) has real
vectors. The real model's own cost is measured on real samples: per checkpoint a group of
--real-group passages, and at the end --overhead-passages passages, each timed through
Library.embed_waiting and bare Embedder.embed_passages on the same texts (the overhead %).

At each checkpoint (10 %, 50 %, 100 % of --passages by default) a few more groups are timed: commit,
refresh of a second Library (another process's view), stand-in embedding, real embedding, and the first
question after a change (the assistant's derived caches). At the end: opening the library, p50/p95 of
bm25_search, dense_search and Assistant.ask (real model for queries; the first question after the load
apart), peak RSS; then app.py on a free port with that DATA_DIR: seconds to a served page and to the first
answer, and the app's memory after --app-questions questions. Prints a table, writes --json.

Goals (2-core machine): keyword-searchable ≥ 200 passages/s; embedding within 10 % of the model's own
speed; p95 answer ≤ 150 ms at 100k passages; cold start to a served page ≤ 5 s with an existing index;
app RSS ≤ 1.5 GB at 100k; the seconds per added group flat from 10k to 100k.
"""

from __future__ import annotations

import argparse
import cProfile
import faulthandler
import gc
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SAMPLES = ROOT / "samples"
REAL_DOCS = ROOT.parent / "shared" / "real-docs"
CONVERTED_MODELS = Path("/tmp/so/models")
QUESTION_FILES = [ROOT / "tests" / "data" / "dev-qa.jsonl", ROOT / "tests" / "data" / "holdout-qa.jsonl"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]

HUYEN = ["Tây Sơn", "Hoài Nhơn", "Phù Cát", "Phù Mỹ", "An Lão", "Vĩnh Thạnh", "Vân Canh", "Tuy Phước",
         "Hoài Ân", "Đức Phổ", "Mộ Đức", "Tư Nghĩa", "Sơn Tịnh", "Bình Sơn", "Trà Bồng", "Nghĩa Hành",
         "Ba Tơ", "Minh Long", "Sơn Hà", "Lý Sơn"]
XA = ["Bình Tân", "Bình Thành", "Bình Hòa", "Tây Giang", "Tây Thuận", "Tây Xuân", "Tây Bình", "Tây Vinh",
      "Vĩnh An", "Bình Nghi", "Tây An", "Tây Phú", "Bình Thuận", "Hoài Hảo", "Hoài Thanh", "Hoài Sơn",
      "Cát Hanh", "Cát Lâm", "Cát Tài", "Mỹ Châu", "Mỹ Lộc", "Mỹ Thắng", "An Hòa", "An Tân", "Vĩnh Hảo",
      "Canh Hiệp", "Phước Hưng", "Phước Lộc", "Ân Hảo", "Ân Tường", "Phổ Văn", "Đức Lân", "Nghĩa Lâm",
      "Tịnh Hà", "Bình Chánh", "Trà Phú", "Hành Thiện", "Ba Điền", "Long Hiệp", "Sơn Linh"]
CHI_BO = ["thôn Hòa Hiệp", "thôn Phú Lạc", "thôn Kiên Long", "khối phố 1", "khối phố 3", "Trường THCS Nguyễn Huệ",
          "Trường Tiểu học số 2", "Trạm Y tế", "Công an xã", "Quân sự xã", "thôn An Định", "thôn Thuận Hạnh",
          "Hợp tác xã Nông nghiệp", "Ngân hàng Chính sách xã hội", "Trường Mầm non Hoa Sen", "Điện lực"]
UNIT_NAMES = re.compile("|".join(sorted((re.escape(n) for n in HUYEN + XA + CHI_BO), key=len, reverse=True)),
                        re.IGNORECASE)  # folded in the stand-in's sentence keys
TOPICS = ["công tác xây dựng Đảng", "công tác kiểm tra, giám sát", "công tác phát triển đảng viên",
          "công tác dân vận", "chuyển đổi số", "công tác tuyên giáo", "thực hiện Chỉ thị 05-CT/TW",
          "công tác cán bộ", "sinh hoạt chi bộ", "phòng, chống tham nhũng, tiêu cực"]


# ---- the sentences -------------------------------------------------------------------------


def sentence_pool(real_docs: Path | None, limit: int, seed: int) -> tuple[list[str], list[str], int]:
    """Real sentences (from the parsed passages of the sample and, if given, the real documents) and
    section headings; at most `limit` sentences (a seeded sample), which bounds the stand-in's model work."""
    from ingest.loader import load_document
    from ingest.sentences import split_sentences

    files = sorted(SAMPLES.glob("*.md"))
    if real_docs and real_docs.is_dir():
        files += sorted(p for p in real_docs.glob("*.md") if p.name != "SOURCE.md")
    sentences, headings = set(), set()
    for path in files:
        doc = load_document(path)
        sentences.update(s for p in doc.passages if p.kind != "footnote" for s in split_sentences(p.text)
                         if 6 <= len(s.split()) <= 70 and s.endswith(".") and s[0].isupper()
                         and split_sentences(s) == [s])
        headings.update(part.strip() for p in doc.passages for part in p.section.split("›"))
    headings = {heading_text(h) for h in headings if 2 <= len(h.split()) <= 14}
    sentences, headings = sorted(sentences), sorted(h for h in headings if h)
    rng = random.Random(seed)
    if len(headings) > limit // 5:
        headings = sorted(rng.sample(headings, limit // 5))
    if len(sentences) > limit:
        sentences = sorted(rng.sample(sentences, limit))
    return sentences, headings, len(files)


def heading_text(text: str) -> str:
    """A heading without its own number ("II. KẾT QUẢ …" → "KẾT QUẢ …"), up to its first ";"."""
    words = text.split(";")[0].replace("*", "").split()
    while words and (words[0].rstrip(".)") in ROMAN or words[0].rstrip(".)").replace(".", "").isdigit()
                     or words[0] in ("Điều", "Chương", "Mục")):
        words = words[1:]
    return " ".join(words).rstrip(".:")


def sentence_case(text: str) -> str:
    if text.isupper():
        text = text[0] + text[1:].lower()
    return text[:1].upper() + text[1:]


# ---- the documents -------------------------------------------------------------------------


class Corpus:
    """Documents generated from the sentences by several templates, numbered from 1."""

    def __init__(self, sentences: list[str], headings: list[str], seed: int):
        self.sentences, self.headings = sentences, headings
        self.rng = random.Random(seed)
        self.count = 0
        self.units: list[tuple[str, str]] = []  # (kind, name) of the reports generated

    def paragraph(self, low: int = 45, high: int = 110) -> str:
        out, words, wanted = [], 0, self.rng.randint(low, high)
        while words < wanted:
            sentence = self.rng.choice(self.sentences)
            out.append(sentence)
            words += len(sentence.split())
        return " ".join(out)

    def heading(self) -> str:
        return sentence_case(self.rng.choice(self.headings))

    def header(self, issuer: str, number: str, place: str, kind: str, about: str) -> list[str]:
        year = self.rng.randint(2019, 2025)
        day, month = self.rng.randint(1, 28), self.rng.randint(1, 12)
        return [issuer, "", "ĐẢNG CỘNG SẢN VIỆT NAM", "", f"Số {number}", "",
                f"{place}, ngày {day} tháng {month} năm {year}", "", f"# {kind}", "", f"## {about}", ""]

    def sections(self, count: int, first: int = 0) -> list[str]:
        lines = []
        for section in range(first, first + count):
            lines += [f"## {ROMAN[section]}. {self.heading().upper()}", ""]
            for sub in range(1, self.rng.randint(1, 3) + 1):
                lines += [f"### {sub}. {self.heading()}", ""]
                for _ in range(self.rng.randint(1, 3)):
                    lines += [self.paragraph(), ""]
        return lines

    def report(self, n: int) -> str:
        r = self.rng
        tier = r.choice(["xã", "huyện", "chi bộ"])
        huyen = r.choice(HUYEN)
        if tier == "xã":
            name = r.choice(XA)
            issuer = f"ĐẢNG BỘ HUYỆN {huyen.upper()}\n\nĐẢNG ỦY XÃ {name.upper()}"
            place, unit = name, f"Đảng bộ xã {name}"
            code = "BC/ĐU"
        elif tier == "huyện":
            name = huyen
            issuer, place, unit = f"TỈNH ỦY BÌNH ĐỊNH\n\nHUYỆN ỦY {name.upper()}", name, f"Đảng bộ huyện {name}"
            code = "BC/HU"
        else:
            name = f"{r.choice(CHI_BO)} xã {r.choice(XA)}"
            issuer = f"ĐẢNG ỦY XÃ {r.choice(XA).upper()}\n\nCHI BỘ {name.upper()}"
            place, unit = r.choice(XA), f"Chi bộ {name}"
            code = "BC/CB"
        self.units.append((tier, unit))
        topic = r.choice(TOPICS)
        members, cells = r.randint(20, 5000), r.randint(3, 120)
        admitted, target = r.randint(2, 200), r.randint(2, 200)
        lines = self.header(issuer, f"{n}-{code}", place, "BÁO CÁO", f"Kết quả {topic} năm {r.randint(2019, 2025)}")
        lines += [f"Thực hiện Kế hoạch số {r.randint(1, 300)}-KH/TU của Ban Thường vụ Tỉnh ủy, {unit} báo cáo "
                  "kết quả thực hiện như sau:", ""]
        lines += ["## I. ĐẶC ĐIỂM, TÌNH HÌNH", "",
                  f"{unit} hiện có {cells} chi bộ trực thuộc với {members} đảng viên. Trong năm, {unit} kết nạp "
                  f"{admitted} đảng viên mới, đạt {round(100 * admitted / target)}% chỉ tiêu.", "",
                  self.paragraph(), ""]
        lines += self.sections(r.randint(1, 4), first=1)
        lines += ["Nơi nhận:", "- Ban Thường vụ Huyện ủy;", "- Lưu Văn phòng.", ""]
        return "\n".join(lines)

    def plan(self, n: int) -> str:
        r = self.rng
        huyen = r.choice(HUYEN)
        topic = r.choice(TOPICS)
        lines = self.header(f"HUYỆN ỦY {huyen.upper()}", f"{n}-KH/HU", huyen, "KẾ HOẠCH", f"Thực hiện {topic}")
        lines += [f"Thực hiện Nghị quyết số {r.randint(1, 60)}-NQ/TW của Bộ Chính trị, Ban Thường vụ Huyện ủy "
                  f"{huyen} xây dựng Kế hoạch thực hiện như sau:", ""]
        lines += ["## I. MỤC ĐÍCH, YÊU CẦU", ""]
        for i in range(1, r.randint(2, 4) + 1):
            lines += [f"{i}. {self.paragraph(25, 60)}", ""]
        lines += ["## II. NHIỆM VỤ VÀ GIẢI PHÁP", ""]
        for i in range(1, r.randint(2, 5) + 1):
            lines += [f"### {i}. {self.heading()}", ""]
            for _ in range(r.randint(2, 4)):
                lines += [f"- {self.paragraph(20, 50)}", ""]
        lines += ["## III. TỔ CHỨC THỰC HIỆN", "", self.paragraph(), ""]
        return "\n".join(lines)

    def resolution(self, n: int) -> str:
        r = self.rng
        xa = r.choice(XA)
        lines = self.header(f"ĐẢNG ỦY XÃ {xa.upper()}", f"{n}-NQ/ĐU", xa, "NGHỊ QUYẾT",
                            f"Về {r.choice(TOPICS)} giai đoạn 2021 - 2025")
        lines += ["- Căn cứ Điều lệ Đảng;", "", f"- Căn cứ Quy định số {r.randint(1, 300)}-QĐ/TW của Ban Chấp hành "
                  "Trung ương;", ""]
        for article in range(1, r.randint(3, 8) + 1):
            lines += [f"Điều {article}. {self.heading()}", ""]
            for clause in range(1, r.randint(1, 4) + 1):
                lines += [f"{clause}. {self.paragraph(20, 55)}", ""]
                if r.random() < 0.3:
                    for point in "abc"[: r.randint(2, 3)]:
                        lines += [f"{point}) {self.paragraph(12, 30)}", ""]
        return "\n".join(lines)

    def guide(self, n: int) -> str:
        r = self.rng
        huyen = r.choice(HUYEN)
        lines = self.header(f"BAN TỔ CHỨC HUYỆN ỦY {huyen.upper()}", f"{n}-HD/BTCHU", huyen, "HƯỚNG DẪN",
                            f"Một số nội dung về {r.choice(TOPICS)}")
        for section in range(r.randint(2, 4)):
            lines += [f"## {ROMAN[section]}. {self.heading().upper()}", ""]
            for i in range(1, r.randint(2, 4) + 1):
                lines += [f"{i}. {self.paragraph(20, 60)}", ""]
                for point in "abcd"[: r.randint(0, 3)]:
                    lines += [f"{point}) {self.paragraph(10, 30)}", ""]
        return "\n".join(lines)

    def next_text(self) -> tuple[str, str]:
        self.count += 1
        template = self.rng.choices([self.report, self.plan, self.resolution, self.guide], [4, 2, 2, 2])[0]
        return f"gen-{self.count:06d}", template(self.count)


def generate(corpus: Corpus, passages: int, watch: Stopwatch) -> list:
    """Documents of about `passages` passages in all, parsed (timed as generate / parse)."""
    from ingest.loader import content_hash, parse_document

    docs, total = [], 0
    while total < passages:
        started = time.perf_counter()
        doc_id, text = corpus.next_text()
        watch.seconds["generate"] += time.perf_counter() - started
        started = time.perf_counter()
        doc = parse_document(text, doc_id, source_path=f"/scale-generated/{doc_id}.md", content_hash=content_hash(text))
        watch.seconds["parse"] += time.perf_counter() - started
        docs.append(doc)
        total += len(doc.passages)
    return docs


# ---- the stand-in embedder -----------------------------------------------------------------

POOL_WORDS = 5    # words that tie a piece of text to the source sentence it begins or ends with
SHORT_WORDS = 14  # pieces this short (template lines) are embedded as they are, up to OWN_BUDGET of them;
OWN_BUDGET = 300  # past it, a piece tied to no source sentence takes the vector of one (by its hash)


def fold(text: str) -> str:
    """A sentence's key: digits and the generated unit names folded."""
    return re.sub(r"\d+", "0", UNIT_NAMES.sub("X", text))


class StandInEmbedder:
    """The real embedder's name and dimension; a passage's vector is the normalised mean of the real model's
    vectors of its sentences, each distinct sentence embedded once (cached). Digits and unit names are folded,
    and a piece of text that is no source sentence (two joined by the splitter, one cut by the chunker) takes
    the vectors of those it begins or ends with: the model's work stays bounded (about 700 sentences) however
    many passages are made. Questions: the real model."""

    def __init__(self, real):
        from ingest.sentences import split_sentences

        self.real, self.name, self.dim = real, real.name, real.dim
        self._split = split_sentences
        self.cache: dict[str, np.ndarray] = {}
        self.model_s = 0.0
        self.calls_s = 0.0
        self.pool: set[str] = set()
        self.prefix: dict[str, str] = {}
        self.suffix: dict[str, str] = {}
        self.pool_list: list[str] = []
        self.own: set[str] = set()  # other pieces embedded as they are (template lines), at most OWN_BUDGET

    def load(self, path: Path) -> None:
        """Sentence vectors of an earlier run (same model): not embedded again."""
        if path.exists():
            data = np.load(path)
            self.cache.update(zip(json.loads(str(data["keys"])), data["vectors"], strict=True))
            log(f"stand-in: {len(self.cache)} sentence vectors from {path}")

    def save(self, path: Path) -> None:
        keys = list(self.cache)
        np.savez(path, keys=json.dumps(keys, ensure_ascii=False), vectors=np.stack([self.cache[k] for k in keys]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)

    def set_pool(self, sentences: list[str], headings: list[str]) -> None:
        """The source sentences: a longer piece of text that is none of them (the sentence splitter joined two,
        the chunker cut one) is given the vectors of the source sentences it begins or ends with."""
        for sentence in sentences:
            key = fold(sentence)
            words = key.split()
            self.pool.add(key)
            self.prefix.setdefault(" ".join(words[:POOL_WORDS]), key)
            self.suffix.setdefault(" ".join(words[-POOL_WORDS:]), key)
        self.pool.update(fold(h) for h in headings)
        self.pool.update(fold(h.upper()) for h in headings)
        self.pool_list = sorted(self.pool)

    def _keys(self, text: str) -> list[str]:
        keys = []
        for line in filter(None, re.split(r"\n| › ", text)):  # headings one by one, not their pairs
            for key in map(fold, self._split(line) or [line]):
                words = key.split()
                if key in self.cache or key in self.pool or key in self.own:
                    keys.append(key)
                    continue
                found = [k for k in (self.prefix.get(" ".join(words[:POOL_WORDS])),
                                     self.suffix.get(" ".join(words[-POOL_WORDS:]))) if k]
                if not found and len(self.own) < OWN_BUDGET and len(words) <= SHORT_WORDS:
                    self.own.add(key)
                    found = [key]
                keys += found or [self.pool_list[zlib.crc32(key.encode()) % len(self.pool_list)]]
        return keys or [text]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        keys = [self._keys(t) for t in texts]
        missing = list(dict.fromkeys(k for ks in keys for k in ks if k not in self.cache))
        for start in range(0, len(missing), 256):
            part = missing[start : start + 256]
            began = time.perf_counter()
            self.cache.update(zip(part, self.real.embed_passages(part), strict=True))
            self.model_s += time.perf_counter() - began
            log(f"stand-in: {len(self.cache)} sentences embedded by the model ({self.model_s:.0f} s)")
        out = np.stack([np.mean([self.cache[k] for k in ks], axis=0) for ks in keys]).astype(np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        self.calls_s += time.perf_counter() - started
        return out


# ---- timing --------------------------------------------------------------------------------


class Stopwatch:
    """Seconds spent in chosen functions, by label (a wrapper around each)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.active = True  # off: calls are not counted (the checkpoints' extra groups)

    def wrap(self, owner: object, name: str, label: str) -> None:
        """Time `owner.name` (an instance: that object's calls only)."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                if self.active:
                    self.seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "max_ms": round(max(ms), 1)}


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KB on Linux


def proc_status_mb(pid: int | str = "self") -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("VmHWM", "VmRSS"):
            out[key] = round(int(line.split()[1]) / 1024)
    return out


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load_average()} rss {proc_status_mb().get('VmRSS')} MB] {message}",
          file=sys.stderr, flush=True)


# ---- questions -----------------------------------------------------------------------------


def question_set(corpus: Corpus, count: int, seed: int) -> list[str]:
    """The dev and holdout questions (about the sample report, in the library) and questions about the
    generated units."""
    questions = [json.loads(line)["question"] for f in QUESTION_FILES if f.exists()
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    forms = ["{u} có bao nhiêu đảng viên?", "{u} kết nạp bao nhiêu đảng viên mới?",
             "{u} có bao nhiêu chi bộ trực thuộc?", "Kết quả {t} của {u}?"]
    for _ in range(count):
        _, unit = rng.choice(corpus.units)
        questions.append(rng.choice(forms).format(u=unit, t=rng.choice(TOPICS)))
    return questions


# ---- the app -------------------------------------------------------------------------------


def app_run(data_dir: Path, questions: list[str], timeout_s: float = 600) -> dict:
    """app.py on a free port with this DATA_DIR: seconds to a served page and to the first answer, then the
    app's memory (VmHWM, VmRSS) after the questions (the app is killed before returning)."""
    from cold_start import ask, first_answer, served

    with served(data_dir, timeout_s) as (proc, url, started, page_s):
        result: dict = {"page_s": page_s}
        result["first_answer_s"], _ = first_answer(url, questions[0], started, timeout_s)
        result["after_first_answer_mb"] = proc_status_mb(proc.pid)
        seconds = []
        for question in questions[1:]:
            took, _ = timed(ask, url, question, timeout_s)
            seconds.append(took)
        result["http_answer"] = latency(seconds)
        result["questions"] = len(questions)
        result["after_questions_mb"] = proc_status_mb(proc.pid)
    return result


# ---- the run -------------------------------------------------------------------------------


def profile_top(fn, lines: int = 18) -> tuple[float, str]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(fn)
    took = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    text = "\n".join(line for line in out.getvalue().splitlines() if line.strip())
    return took, text


def embedding_overhead(library, real, standin) -> dict:
    """The passages waiting for a vector embedded by the real model through Library.embed_waiting, one batch
    (WRITE_BATCH) at a time, each batch's texts first embedded by the bare model (Embedder.embed_passages):
    interleaved, so a change of the machine's load between the two weighs on both alike."""
    from vectorstore.library import WRITE_BATCH

    bare_s = lib_s = 0.0
    passages = 0
    library.embedder = real
    try:
        while batch := library.store.waiting(WRITE_BATCH):  # the batch embed_waiting takes next
            texts = list(dict.fromkeys(p.embed_text for p, _ in batch))
            bare_s += timed(real.embed_passages, texts)[0]
            once = iter([False])  # embed_waiting asks stop() before each batch: one batch, then stop
            took, done = timed(library.embed_waiting, stop=lambda once=once: next(once, True))
            lib_s += took
            passages += done
    finally:
        library.embedder = standin
    return {"passages": passages, "bare_model_s": round(bare_s, 1), "library_s": round(lib_s, 1),
            "bare_passages_per_s": round(passages / bare_s, 1), "library_passages_per_s": round(passages / lib_s, 1),
            "overhead_pct": round(100 * (lib_s - bare_s) / bare_s, 1)}


def checkpoint(args, state: dict, target: int) -> dict:
    """Timed groups at this size: commit, a second Library's refresh, stand-in and real embedding, and the
    first question after the change."""
    library, second, real, standin, assistant, corpus = (state[k] for k in
                                                       ("library", "second", "real", "standin", "assistant", "corpus"))
    probe_watch = Stopwatch()
    second.refresh()  # catch up the bulk (untimed)
    assistant.ask("Có bao nhiêu chi bộ cơ sở?")  # derived caches current (untimed)
    rows = []
    for _ in range(args.probes):
        docs = generate(corpus, args.group, probe_watch)
        commit_s, _ = timed(library.add, docs, embed=False)
        refresh_s, _ = timed(second.refresh)
        standin_s, _ = timed(library.embed_waiting)
        first_ask_s, _ = timed(assistant.ask, "Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?")
        next_ask_s, _ = timed(assistant.ask, "Năm 2021 huyện kết nạp bao nhiêu đảng viên?")
        n = sum(len({p.id for p in d.passages}) for d in docs)
        rows.append({"passages": n, "commit_s": commit_s, "refresh_s": refresh_s, "standin_embed_s": standin_s,
                     "first_ask_after_commit_s": first_ask_s, "next_ask_s": next_ask_s})
    docs = generate(corpus, args.real_group, probe_watch)
    library.add(docs, embed=False)
    real_embed = embedding_overhead(library, real, standin)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    out = {
        "at_passages": len(library), "target": target,
        "group_passages": round(med["passages"]),
        "commit_s": round(med["commit_s"], 3),
        "commit_passages_per_s": round(med["passages"] / med["commit_s"]),
        "refresh_second_library_s": round(med["refresh_s"], 3),
        "standin_embed_s": round(med["standin_embed_s"], 3),
        "real_embed_passages": real_embed["passages"],
        "real_embed_library_per_s": real_embed["library_passages_per_s"],
        "real_embed_bare_per_s": real_embed["bare_passages_per_s"],
        "real_embed_overhead_pct": real_embed["overhead_pct"],
        "first_ask_after_commit_ms": round(1000 * med["first_ask_after_commit_s"]),
        "next_ask_ms": round(1000 * med["next_ask_s"]),
        "rss_mb": proc_status_mb(),
        "load": load_average(),
    }
    if args.profile and target == args.checkpoints[-1]:
        docs = generate(corpus, args.real_group, probe_watch)
        library.add(docs, embed=False)
        library.embed_waiting()
        took, text = profile_top(lambda: assistant.ask("Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?"))
        out["profile_first_ask_after_commit"] = {"seconds": round(took, 2), "top": text}
        print(text, file=sys.stderr)
        took, text = profile_top(lambda: (library.add(generate(corpus, args.group, probe_watch), embed=False),
                                          second.refresh()))
        out["profile_commit_and_refresh"] = {"seconds": round(took, 2), "top": text}
        print(text, file=sys.stderr)
    log(f"checkpoint {target}: {json.dumps({k: v for k, v in out.items() if not k.startswith('profile')})}")
    return out


def build(args, data_dir: Path) -> dict:
    import config
    from assistant.pipeline import Assistant
    from vectorstore.embedder import load_embedder
    from vectorstore.indexer import index_files
    from vectorstore.library import Library

    settings = config.load()
    result: dict = {"data_dir": str(data_dir), "cpus": len(os.sched_getaffinity(0)), "load_start": load_average()}
    real_docs = Path(args.real_docs) if args.real_docs else None
    sentences, headings, files = sentence_pool(real_docs, args.max_sentences, args.seed)
    result["sentences"] = {"files": files, "sentences": len(sentences), "headings": len(headings),
                           "real_docs": str(real_docs) if real_docs and real_docs.is_dir() else ""}
    corpus = Corpus(sentences, headings, args.seed)

    started = time.perf_counter()
    real = load_embedder(settings)
    library = Library(settings, real)
    result["load_model_and_open_s"] = round(time.perf_counter() - started, 2)
    result["embedder"] = {"name": real.name, "backend": settings.embedding_backend}
    index_files(library, [SAMPLES], show_progress=False)  # the sample report, real vectors
    standin = StandInEmbedder(real)
    standin.set_pool(sentences, headings)
    if args.standin_cache:
        standin.load(args.standin_cache)
    library.embedder = standin
    second = Library(settings, standin)  # another process's view of the same DATA_DIR
    assistant = Assistant(settings, library)
    state = {"library": library, "second": second, "real": real, "standin": standin, "assistant": assistant,
             "corpus": corpus}

    watch = Stopwatch()
    watch.wrap(library.store, "put", "commit: SQLite write")
    watch.wrap(library, "_catch_up", "commit: re-read + tokenise + index")
    watch.wrap(library._bm25, "save", "commit: BM25 snapshot")
    groups, checkpoints = [], []
    pending = list(args.checkpoints)
    bulk_embed_s = 0.0
    while pending:
        docs = generate(corpus, args.group, watch)
        before = len(library)
        add_s, _ = timed(library.add, docs, embed=False)
        watch.seconds["commit (Library.add, all of it)"] += add_s
        embed_s, _ = timed(library.embed_waiting)
        bulk_embed_s += embed_s
        groups.append((before, len(library) - before, round(add_s, 3), round(embed_s, 3)))
        if len(groups) % 20 == 0:
            log(f"{len(library)} passages, last group {groups[-1]}")
        if len(library) >= pending[0]:
            watch.active = False
            checkpoints.append(checkpoint(args, state, pending.pop(0)))
            watch.active = True
    bulk_passages = sum(g[1] for g in groups)
    if args.standin_cache:
        standin.save(args.standin_cache)
    s = watch.seconds
    searchable_s = s["generate"] + s["parse"] + s["commit (Library.add, all of it)"]
    result["bulk"] = {
        "documents": corpus.count, "passages": bulk_passages, "groups": len(groups),
        "keyword_searchable_passages_per_s": round(bulk_passages / searchable_s),
        "stages_s": {k: round(v, 1) for k, v in sorted(s.items())},
        "stages_passages_per_s": {k: round(bulk_passages / v) for k, v in sorted(s.items()) if v},
        "standin_embed_s": round(bulk_embed_s, 1),
        "standin_model_s": round(standin.model_s, 1),
        "standin_sentences_embedded": len(standin.cache),
        "standin_chroma_and_marking_s": round(bulk_embed_s - standin.calls_s, 1),
        "standin_vectors_passages_per_s": round(bulk_passages / bulk_embed_s),
        "note": "bulk vectors by a stand-in embedder: normalised mean of real model vectors of the passage's "
                "sentences (each distinct sentence embedded once), written through Library.embed_waiting",
    }
    result["groups_by_size"] = group_windows(groups, args.checkpoints, args.group)
    result["checkpoints"] = checkpoints
    result["groups"] = groups

    # the model's own speed against the library's, on a larger real sample
    docs = generate(corpus, args.overhead_passages, Stopwatch())
    library.add(docs, embed=False)
    library.embed_waiting()  # nothing left from the stand-in
    docs = generate(corpus, args.overhead_passages, Stopwatch())
    library.add(docs, embed=False)
    log("overhead sample: bare model and Library.embed_waiting, interleaved")
    result["embedding_overhead"] = embedding_overhead(library, real, standin)
    log(f"overhead: {result['embedding_overhead']}")
    result["passages"] = len(library)
    result["peak_rss_build_mb"] = peak_rss_mb()
    unit_questions = question_set(corpus, args.questions, args.seed)
    del state, second, assistant, library
    gc.collect()

    # a fresh process's view: open, first question, then latencies
    open_s, library = timed(Library, settings, real)
    assistant = Assistant(settings, library)
    first_s, _ = timed(assistant.ask, unit_questions[0])
    bm25_s, dense_s, ask_s = [], [], []
    for question in unit_questions[1:]:
        bm25_s.append(timed(library.bm25_search, question, 10)[0])
        dense_s.append(timed(library.dense_search, question, 10)[0])
        ask_s.append(timed(assistant.ask, question)[0])
    result["latency"] = {
        "open_library_s": round(open_s, 2), "first_ask_after_load_s": round(first_s, 2),
        "bm25_search": latency(bm25_s), "dense_search": latency(dense_s), "ask": latency(ask_s),
        "passages": len(library), "load": load_average(),
    }
    if args.profile:
        took, text = profile_top(lambda: [assistant.ask(q) for q in unit_questions[1:21]])
        result["latency"]["profile_20_asks"] = {"seconds": round(took, 2), "top": text}
    log(f"latency: {json.dumps({k: v for k, v in result['latency'].items() if not k.startswith('profile')})}")
    result["peak_rss_mb"] = peak_rss_mb()
    result["app_questions"] = unit_questions[: args.app_questions + 1]
    return result


def group_windows(groups: list[tuple], checkpoints: list[int], group: int) -> list[dict]:
    """The bulk's groups around each checkpoint (the 10 before it): median seconds per group of `group` passages."""
    out = []
    for target in checkpoints:
        near = [g for g in groups if g[0] < target][-10:]
        if near:
            out.append({"at_passages": target, "groups": len(near),
                        "commit_s_per_group": round(statistics.median(g[2] / g[1] * group for g in near), 3),
                        "standin_embed_s_per_group": round(statistics.median(g[3] / g[1] * group for g in near), 3)})
    return out


def table(result: dict) -> str:
    bulk, lat, over = result["bulk"], result["latency"], result["embedding_overhead"]
    rows = [
        ("embedding model (EMBEDDING_BACKEND)", f"{result['embedder']['name']} ({result['embedder']['backend']})"),
        ("passages in the library", f"{result['passages']:,}"),
        ("documents generated (bulk)", f"{bulk['documents']:,}"),
        ("keyword-searchable ingest (generate+parse+commit)",
         f"{bulk['keyword_searchable_passages_per_s']} passages/s"),
    ]
    rows += [(f"  stage {k}", f"{v} s ({bulk['stages_passages_per_s'].get(k, '-')} passages/s)")
             for k, v in bulk["stages_s"].items()]
    rows += [("bulk vectors (STAND-IN embedder via embed_waiting)",
              f"{bulk['standin_embed_s']} s, {bulk['standin_vectors_passages_per_s']} passages/s "
              f"(real model on {bulk['standin_sentences_embedded']} sentences: {bulk['standin_model_s']} s)"),
             ("real embedding: bare model / Library.embed_waiting",
              f"{over['bare_passages_per_s']} / {over['library_passages_per_s']} passages/s "
              f"({over['passages']} passages, overhead {over['overhead_pct']} %)")]
    for c in result["checkpoints"]:
        rows.append((f"at {c['at_passages']:,}: commit / refresh(2nd) / stand-in embed per group",
                     f"{c['commit_s']} / {c['refresh_second_library_s']} / {c['standin_embed_s']} s "
                     f"({c['group_passages']} passages)"))
        rows.append((f"at {c['at_passages']:,}: real embed bare / library",
                     f"{c['real_embed_bare_per_s']} / {c['real_embed_library_per_s']} passages/s "
                     f"({c['real_embed_overhead_pct']} %)"))
        rows.append((f"at {c['at_passages']:,}: first ask after a commit / next ask",
                     f"{c['first_ask_after_commit_ms']} / {c['next_ask_ms']} ms"))
    rows += [("open library (fresh view)", f"{lat['open_library_s']} s"),
             ("first question after load", f"{lat['first_ask_after_load_s']} s")]
    rows += [(f"{k} p50 / p95 / max",
              f"{lat[k]['p50_ms']} / {lat[k]['p95_ms']} / {lat[k]['max_ms']} ms ({lat[k]['n']})")
             for k in ("bm25_search", "dense_search", "ask")]
    rows.append(("benchmark peak RSS (two Library views + model)", f"{result['peak_rss_mb']} MB"))
    app = result.get("app")
    if app:
        rows += [("app: served page / first answer", f"{app['page_s']} / {app['first_answer_s']} s"),
                 ("app: HTTP answer p50 / p95", f"{app['http_answer']['p50_ms']} / {app['http_answer']['p95_ms']} ms"),
                 (f"app memory after {app['questions']} questions (VmHWM / VmRSS)",
                  f"{app['after_questions_mb']['VmHWM']} / {app['after_questions_mb']['VmRSS']} MB")]
    rows.append(("load average start / end", f"{result['load_start']} / {result.get('load_end', '')}"))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{a.ljust(width)}  {b}" for a, b in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=100_000, help="passages to grow the library to")
    parser.add_argument("--group", type=int, default=500, help="passages per committed group (default 500)")
    parser.add_argument("--checkpoints", type=int, nargs="*", help="sizes timed in detail (10/50/100 %%)")
    parser.add_argument("--probes", type=int, default=3, help="timed groups per checkpoint (median)")
    parser.add_argument("--real-group", type=int, default=100, help="passages the real model embeds per checkpoint")
    parser.add_argument("--overhead-passages", type=int, default=1000,
                        help="passages embedded by the model and by the library at the end (overhead %%)")
    parser.add_argument("--questions", type=int, default=60, help="generated questions (and dev/holdout)")
    parser.add_argument("--app-questions", type=int, default=20, help="questions asked of the app (0: no app)")
    parser.add_argument("--data", type=Path, help="DATA_DIR to build in (must not exist; default a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep --data afterwards")
    parser.add_argument("--models", type=Path, help="a converted models dir to copy (/tmp/so/models)")
    parser.add_argument("--real-docs", default=str(REAL_DOCS) if REAL_DOCS.is_dir() else "",
                        help="real .md documents whose sentences are used too")
    parser.add_argument("--max-sentences", type=int, default=600, help="sentences drawn from")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--standin-cache", type=Path, help="a .npz of sentence vectors kept across runs")
    parser.add_argument("--profile", action="store_true", help="cProfile the slow spots")
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1)
    default = {max(args.group, args.passages // 10), args.passages // 2, args.passages}
    args.checkpoints = sorted(args.checkpoints or default)

    tmp = None
    if args.data:
        if args.data.exists() and any(args.data.iterdir()):
            parser.error(f"{args.data} exists and is not empty: give a new folder")
        data_dir = args.data.resolve()
    else:
        tmp = tempfile.mkdtemp(prefix="scale-")
        data_dir = Path(tmp) / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    models = args.models or (CONVERTED_MODELS if CONVERTED_MODELS.is_dir() else None)
    if models:
        shutil.copytree(models, data_dir / "models", symlinks=True)
    os.environ["DATA_DIR"] = str(data_dir)
    try:
        started = time.perf_counter()
        result = build(args, data_dir)
        questions = result.pop("app_questions")
        if args.app_questions:
            log("app")
            result["app"] = app_run(data_dir, questions)
            log(f"app: {result['app']}")
        result["total_s"] = round(time.perf_counter() - started)
        result["load_end"] = load_average()
        print(table(result))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif args.data and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
