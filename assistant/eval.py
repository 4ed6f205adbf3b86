"""Evaluation harness: run a question set through the same path the app uses and print metrics.

    python -m assistant.eval --questions tests/data/dev-qa.jsonl [--k 10] [--details OUT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

import numpy as np

from assistant.answer import Answer
from assistant.pipeline import Assistant


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_hit(item: dict, text: str, source_id: str) -> bool:
    """A passage answers the item: it contains a gold substring, or its source record is listed."""
    if "relevant_ids" in item:
        return source_id in item["relevant_ids"]
    return any(_norm(g) in _norm(text) for g in item.get("gold", []))


def answerable(item: dict) -> bool:
    return item.get("kind") != "unanswerable" and bool(item.get("gold") or item.get("relevant_ids"))


def details_row(item: dict, answer: Answer) -> dict:
    """One line of --details output."""
    passages = [
        {"text": h.passage.text, "doc_id": h.passage.doc_id, "source_id": h.passage.source_id or h.passage.doc_id,
         "section": h.passage.section, "score": round(h.score, 6)}
        for h in answer.hits
    ]
    ranked_ids = [h.passage.id for h in answer.hits]
    citations = [ranked_ids.index(s.passage.id) for s in answer.sources if s.passage.id in ranked_ids]
    row = {"id": item.get("id"), "question": item["question"], "passages": passages, "answer": answer.text,
           "citations": citations, "abstained": answer.abstained, "latency_ms": round(answer.latency_ms, 1),
           "mode": answer.mode}
    if answer.verification is not None:
        row["model_text"] = answer.model_text
        row["verified_ratio"] = round(answer.verified_ratio, 4)
        row["verification_ms"] = round(answer.verification_ms, 2)
        row["sentences"] = [{"text": s.text, "markers": s.markers, "verified": s.verified, "checked": s.checked,
                             "reason": s.reason} for s in answer.verification.sentences]
    return row


def evaluate(assistant: Assistant, items: list[dict], k: int = 10) -> tuple[dict, list[dict]]:
    """Metrics over the items, and the per-question details."""
    rows, ranks, contains, latencies, verified = [], [], [], [], []
    abstain_ok, false_abstain = [], []
    for item in items:
        answer = assistant.ask(item["question"], k=k)
        row = details_row(item, answer)
        rows.append(row)
        latencies.append(answer.latency_ms)
        if answer.verification is not None:
            verified.append(answer.verified_ratio)
        if not answerable(item):
            abstain_ok.append(answer.abstained)
            continue
        false_abstain.append(answer.abstained)
        hits = [is_hit(item, p["text"], p["source_id"]) for p in row["passages"]]
        ranks.append(hits.index(True) + 1 if True in hits else None)
        expected = item.get("answer") or []
        contains.append(not answer.abstained and all(_norm(a) in _norm(answer.text) for a in expected))

    def recall(at: int) -> float:
        return round(sum(r is not None and r <= at for r in ranks) / max(len(ranks), 1), 4)

    summary = {
        "n": len(items),
        "recall@1": recall(1), "recall@5": recall(5), "recall@10": recall(10),
        "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / max(len(ranks), 1), 4),
        "answer_contains": round(sum(contains) / max(len(contains), 1), 4),
        "abstain_accuracy": round(sum(abstain_ok) / len(abstain_ok), 4) if abstain_ok else None,
        "false_abstain_rate": round(sum(false_abstain) / max(len(false_abstain), 1), 4),
        "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
        "latency_ms_p95": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
    }
    if assistant.mode == "llm":
        summary["verified_ratio"] = round(float(np.mean(verified)), 4) if verified else None
        summary["llm_answers"] = sum(r["mode"] == "llm" for r in rows)
        summary["fallbacks"] = sum(r["mode"] == "fallback" for r in rows)
    return summary, rows


def read_questions(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.eval", description="Đánh giá truy hồi và trả lời")
    parser.add_argument("--questions", type=Path, required=True, help="tệp JSONL câu hỏi")
    parser.add_argument("--k", type=int, default=10, help="số đoạn truy hồi cho mỗi câu hỏi")
    parser.add_argument("--details", type=Path, help="ghi chi tiết từng câu hỏi (JSONL)")
    args = parser.parse_args(argv)
    from vectorstore.indexer import ensure_samples_indexed

    assistant = Assistant()
    ensure_samples_indexed(assistant.library)
    summary, rows = evaluate(assistant, read_questions(args.questions), args.k)
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    json.dump(summary, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
