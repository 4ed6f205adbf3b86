"""The study pack as Markdown: the five parts in order, each with its «Nguồn» list (issue #11).

Quotations are kept verbatim, in italics within «…», followed by [n]: the number of their
citation in the «Nguồn» list that closes the part. The quiz's answer key («Đáp án») comes last.
"""

from __future__ import annotations

import re

from assistant.study.pack import PARTS, Citation, OutlinePoint, StudyPack

_MARKER = re.compile(r"(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+")

LETTERS = "ABCD"
EMPTY = {
    0: "Không có ý chính nào trong các văn bản đã chọn.",
    1: "Không có số liệu nào trong các văn bản đã chọn.",
    2: "Các văn bản đã chọn không dẫn văn bản nào khác.",
    3: "Không có câu hỏi thảo luận nào.",
    4: "Không có câu hỏi trắc nghiệm nào.",
}


class Sources:
    """The numbered «Nguồn» list of one part: each citation once, numbered in order of first use.

    `number(citation) -> int` gives (and on first use assigns) its number; `labels` the list in
    number order."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, citation: Citation) -> int:
        label = citation.label
        if label not in self._numbers:
            self.labels.append(label)
            self._numbers[label] = len(self.labels)
        return self._numbers[label]


def part_heading(index: int) -> str:
    """«1. Đề cương» … «5. Câu hỏi trắc nghiệm» for index 0–4 of PARTS."""
    return f"{index + 1}. {PARTS[index]}"


def point_heading(point: OutlinePoint) -> str:
    """«2.1. Công tác lãnh đạo…»: the outline's number, then the heading without the marker it is
    written with in the document («1.», «II.», «a)»), so a point is not numbered twice."""
    heading = _MARKER.sub("", point.heading, count=1) if _MARKER.match(point.heading) else point.heading
    return f"{point.number}. {heading or point.heading}"


def option_line(index: int, option: str) -> str:
    """«A. option» for index 0–3."""
    return f"{LETTERS[index]}. {option}"


def _cell(text: str) -> str:
    """A table cell: one line, pipes escaped (the only change made to a quotation in a table)."""
    return " ".join(text.split()).replace("|", "\\|")


def _quoted(text: str) -> str:
    return f"*«{text}»*"


def _sources_block(sources: Sources) -> list[str]:
    if not sources.labels:
        return []
    return ["", "**Nguồn**", ""] + [f"{n}. {label}" for n, label in enumerate(sources.labels, 1)]


def pack_markdown(pack: StudyPack) -> str:
    """The whole pack as one Markdown string: `# title`, then `## 1. Đề cương` … `## 5. Câu hỏi
    trắc nghiệm`, each part ending with its numbered «Nguồn» list, then `### Đáp án` last."""
    lines = [f"# {pack.title}"]
    if pack.topic:
        lines += ["", f"Chủ đề: {pack.topic}"]

    # 1. Đề cương: the points numbered like the outline, their key sentences quoted
    sources = Sources()
    lines += ["", f"## {part_heading(0)}"]
    for point in pack.outline:
        lines += ["", f"### {point_heading(point)}"]
        if point.quotes:
            lines.append("")
            lines += [f"- {_quoted(q.text)} [{sources.number(q.citation)}]" for q in point.quotes]
    if not pack.outline:
        lines += ["", EMPTY[0]]
    lines += _sources_block(sources)

    # 2. Số liệu chính: a table
    sources = Sources()
    lines += ["", f"## {part_heading(1)}", ""]
    if pack.figures:
        lines += ["| Số liệu | Đo cái gì | Câu | Nguồn |", "|---|---|---|---|"]
        for f in pack.figures:
            lines.append(f"| {_cell(f.value)} | {_cell(f.measures)} | {_quoted(_cell(f.quote.text))} "
                         f"| [{sources.number(f.quote.citation)}] |")
    else:
        lines.append(EMPTY[1])
    lines += _sources_block(sources)

    # 3. Văn bản liên quan: a table; the source is the passage that cites the document
    sources = Sources()
    lines += ["", f"## {part_heading(2)}", ""]
    if pack.related:
        lines += ["| Loại | Số hiệu | Ngày | Trích yếu | Toàn văn trong thư viện | Nguồn |",
                  "|---|---|---|---|---|---|"]
        for r in pack.related:
            lines.append(f"| {_cell(r.kind)} | {_cell(r.number)} | {_cell(r.date)} | {_cell(r.subject)} "
                         f"| {'Có' if r.in_library else 'Không'} | [{sources.number(r.citation)}] |")
    else:
        lines.append(EMPTY[2])
    lines += _sources_block(sources)

    # 4. Câu hỏi thảo luận: numbered, each tied to its outline point
    sources = Sources()
    lines += ["", f"## {part_heading(3)}", ""]
    for i, q in enumerate(pack.discussion, 1):
        lines.append(f"{i}. {q.text} (ý {q.point} của đề cương) [{sources.number(q.citation)}]")
    if not pack.discussion:
        lines.append(EMPTY[3])
    lines += _sources_block(sources)

    # 5. Câu hỏi trắc nghiệm: the questions, then the answer key with the quoted sentences last
    sources = Sources()
    lines += ["", f"## {part_heading(4)}"]
    for i, item in enumerate(pack.quiz, 1):
        lines += ["", f"**Câu {i}.** {item.stem}", ""]
        lines += [f"- {option_line(j, option)}" for j, option in enumerate(item.options)]
    if pack.quiz:
        lines += ["", "### Đáp án", ""]
        for i, item in enumerate(pack.quiz, 1):
            lines.append(f"{i}. {option_line(item.answer, item.options[item.answer])} — "
                         f"{_quoted(item.quote.text)} [{sources.number(item.quote.citation)}]")
    else:
        lines += ["", EMPTY[4]]
    lines += _sources_block(sources)
    return "\n".join(lines) + "\n"
