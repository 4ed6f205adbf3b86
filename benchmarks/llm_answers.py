"""What the configured language model writes for a few questions, how verification judges each sentence,
and the time verification adds.

    LLM_BASE_URL=http://127.0.0.1:8080/v1 LLM_MODEL=… python benchmarks/llm_answers.py [--questions F] [--n 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import config  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from vectorstore.indexer import ensure_samples_indexed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=config.ROOT / "tests" / "data" / "dev-qa.jsonl")
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()
    settings = config.load()
    if not settings.llm_enabled:
        print("Cần đặt LLM_BASE_URL.", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    ensure_samples_indexed(assistant.library)
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if i.get("kind") != "unanswerable"][: args.n]
    generation, checking = [], []
    for item in items:
        answer = assistant.ask(item["question"])
        print(f"\n## {item['question']}\nchế độ: {answer.mode}; sinh {answer.generation_ms:.0f} ms; "
              f"kiểm chứng {answer.verification_ms:.2f} ms")
        print(f"mô hình viết: {answer.model_text!r}")
        if answer.verification is not None:
            generation.append(answer.generation_ms)
            checking.append(answer.verification_ms)
            for s in answer.verification.sentences:
                verdict = "bỏ qua" if not s.checked else ("đạt" if s.verified else f"KHÔNG ĐẠT: {s.reason}")
                print(f"  - [{verdict}] {s.text}")
        print(f"trả lời cho người dùng: {answer.text[:300]!r}")
        if answer.notice:
            print(f"thông báo: {answer.notice}")
    if checking:
        print(f"\nsinh trung vị {statistics.median(generation):.0f} ms; kiểm chứng trung vị "
              f"{statistics.median(checking):.2f} ms, tối đa {max(checking):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
