"""«Câu hỏi thảo luận»: open questions, one per main point of the outline, from editable templates
(prompts/study_discussion.txt: one template a line, placeholders {chu_de} and {y_chinh})."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from assistant.study.pack import DiscussionQuestion, OutlinePoint

TEMPLATES = Path(__file__).resolve().parents[2] / "prompts" / "study_discussion.txt"
MIN_QUESTIONS = 5
MAX_QUESTIONS = 10
_NUMBERING = re.compile(r"^\s*(?:(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+\S+|[IVXL]+|\d+(?:\.\d+)*|[a-zđ])\s*[.):-]\s*")


def load_templates(path: Path = TEMPLATES) -> list[str]:
    """The templates of the file (NFC), one a line, blank lines and «#» comments left out: [template, …]."""
    lines = unicodedata.normalize("NFC", Path(path).read_text(encoding="utf-8")).splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def topic_of(heading: str) -> str:
    """A heading as a topic inside a sentence: numbering cut («II.», «2.1.», «Điều 5.» is kept as it names the
    article), an all-caps heading lower-cased, the first letter lower-cased unless it starts a proper name
    («Đảng», «Huyện ủy» are kept): «II. KẾT QUẢ THỰC HIỆN» → «kết quả thực hiện»."""
    if heading.startswith(("Điều", "ĐIỀU")):  # «Điều 1. Phông lưu trữ …» reads as written
        return heading.strip().rstrip(" .:;")
    text = _NUMBERING.sub("", heading).strip()
    if text.isupper():
        text = text.lower()
    first = text.split(" ", 1)[0]
    if len(text.split()) > 1 and first[:1].isupper() and not text.split()[1][:1].isupper():
        text = text[:1].lower() + text[1:]
    return text.rstrip(" .:;")


def _fill(template: str, point: OutlinePoint) -> str:
    key = (point.quotes[0].text if point.quotes else point.heading).rstrip(" .;:")
    values = {"chu_de": topic_of(point.heading), "y_chinh": key}
    return template.format_map(values)


def _spread(items: list, count: int) -> list:
    """`count` items spread evenly over the list, in order."""
    if len(items) <= count:
        return items
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)] if count > 1 else items[:1]


def discussion(points: list[OutlinePoint], templates: list[str]) -> list[DiscussionQuestion]:
    """Open questions for the points that quote something, one per point (at most MAX_QUESTIONS, spread over the
    outline), templates used in turn; with fewer than MIN_QUESTIONS points, points take further templates until
    there are MIN_QUESTIONS questions (or templates run out): [DiscussionQuestion(text, point number, citation of
    the point's key sentence), …]."""
    quoted = _spread([p for p in points if p.quotes], MAX_QUESTIONS)
    if not quoted or not templates:
        return []
    rounds = max(1, min(len(templates), -(-MIN_QUESTIONS // len(quoted))))
    questions = []
    turn = 0
    for round_ in range(rounds):
        for point in quoted:
            if round_ and len(questions) >= MIN_QUESTIONS:
                break
            template = templates[turn % len(templates)]
            turn += 1
            questions.append(DiscussionQuestion(_fill(template, point), point.number, point.quotes[0].citation))
    return questions[:MAX_QUESTIONS]
