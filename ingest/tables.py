"""A table → text lines in which every data row carries its column headers (shared by the
.docx and .pdf readers).

Input: the rows of a table as lists of cell texts on the table's grid; ``None`` is a grid
position covered by a merged cell (the continuation of a cell spanning columns, or rows),
``""`` an empty cell. Whitespace inside a cell (wrapped lines) is collapsed to one space.

The rule (``render_table``):

- **Header.** The first row is a header when the table has at least one row after it,
  at least two label columns, and each of its cells is a label: not empty (a cell covered
  by a merge takes the text of the merged cell to its left), at most 12 words and 100
  characters, not a number ("214", "112,5%", "2.3"; a year such as "2023" is a label), not
  ending with ". : ; ! ?", and not part of an official letterhead ("ĐẢNG CỘNG SẢN VIỆT
  NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"); labels must
  differ from one another. The first label column may be empty (a blank top-left corner
  over row titles, with at least two labels beside it): its cells are written unlabelled.
- **Two-row header.** The second row is a header too when the first has a merged (``None``)
  or empty cell above a text of the second row ("Đảng viên" over "Tổng số" | "Nữ"), every
  text of the second row is a label, and a data row remains. A column's label is then
  "top - bottom" ("Đảng viên - Nữ"), or the one text it has (a cell merged down).
- **Index column.** A first column headed "STT", "TT", "Số TT" or "Số thứ tự" is the row
  number: it is left out of the rendered rows.
- **Rows.** Every row after the header is one line: ``"Label: value; Label: value"``, empty
  and merged-over cells left out («Đơn vị: Đảng bộ xã Bình Thành; Số đảng viên: 214; Kết
  nạp mới năm 2023: 9; Tỷ lệ so với chỉ tiêu: 112,5%»). A row whose only text is one cell
  spanning the others (a group title such as "Khối xã") is written as that text alone.
  Rows with no text are dropped; the header rows are not written (their words are in
  every row).
- **No header** (a one-column table, a layout table, a letterhead, a first row of numbers):
  one line per row, its cells joined by " | " (merged-over cells left out, empty cells
  kept), as the readers always did; empty rows dropped.

``header_labels(rows)`` gives (labels per column, number of header rows) or None; a
reader may pass the labels of a table to the next one with ``render_table(rows, labels)``
(a table continued on the next PDF page without its header).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Cell = str | None

LABEL_MAX_WORDS = 12
LABEL_MAX_CHARS = 100
NUMBER = re.compile(r"^[-+–(]?\s*\d[\d.,\s]*\s*%?\)?$")
YEAR = re.compile(r"^(?:19|20)\d\d$")
INDEX_HEADER = re.compile(r"^(?:s|s[ốo]\s*)?(?:tt|th[ứu]\s*t[ựu])\.?$", re.IGNORECASE)
LETTERHEAD = re.compile(
    r"đảng cộng sản việt nam|cộng hòa xã hội chủ nghĩa|cộng hoà xã hội chủ nghĩa|độc lập\s*[-–]\s*tự do",
    re.IGNORECASE,
)
LABEL_END = tuple(".:;!?")


def clean(cell: Cell) -> Cell:
    return None if cell is None else " ".join(cell.split())


def is_label(text: str) -> bool:
    """A text that may be a column header."""
    return (
        bool(text)
        and len(text.split()) <= LABEL_MAX_WORDS
        and len(text) <= LABEL_MAX_CHARS
        and (not NUMBER.match(text) or bool(YEAR.match(text)))
        and not text.endswith(LABEL_END)
        and not LETTERHEAD.search(text)
    )


def spread(row: Sequence[Cell]) -> list[str]:
    """A header row's texts with each merged-over (None) position given the text on its left."""
    out: list[str] = []
    for cell in row:
        out.append(out[-1] if cell is None and out else (cell or ""))
    return out


def grid(rows: Sequence[Sequence[Cell]]) -> list[list[Cell]]:
    """Rows cleaned and padded with None to the same width."""
    width = max((len(r) for r in rows), default=0)
    return [[clean(c) for c in r] + [None] * (width - len(r)) for r in rows]


def header_labels(rows: Sequence[Sequence[Cell]]) -> tuple[list[str], int] | None:
    """(a label per column, how many rows the header takes: 1 or 2), or None: no header."""
    table = grid(rows)
    if len(table) < 2:
        return None
    first = spread(table[0])
    index = bool(first) and bool(INDEX_HEADER.match(first[0]))
    columns = range(1 if index else 0, len(first))
    second = table[1]
    two_rows = len(table) > 2 and any(
        (table[0][j] is None or not table[0][j]) and second[j] for j in columns
    ) and all(is_label(second[j]) for j in columns if second[j])
    if two_rows:
        labels = []
        for j in range(len(first)):
            top = first[j]
            bottom = second[j] or ""
            labels.append(f"{top} - {bottom}" if top and bottom and top != bottom else top or bottom)
        header_rows = 2
    else:
        labels, header_rows = first, 1
    used = [labels[j] for j in columns]
    corner = used[:1] == [""] and len(used) > 2  # an empty top-left cell over the row titles
    if len(used) < 2 or not all(is_label(label) for label in used[1 if corner else 0:]):
        return None
    if len(set(used)) < len(used):
        return None
    return labels, header_rows


def plain_rows(rows: Sequence[Sequence[Cell]]) -> list[str]:
    """One line per row, cells joined by " | " (merged-over cells left out); empty rows dropped."""
    lines = []
    for row in grid(rows):
        cells = [c for c in row if c is not None]
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def labelled_row(row: Sequence[Cell], labels: Sequence[str], index: bool) -> str:
    texts = [(j, c) for j, c in enumerate(row) if c and j < len(labels) and not (index and j == 0)]
    if not texts:
        return ""
    others = [c for j, c in enumerate(row) if j != texts[0][0] and not (index and j == 0)]
    if len(texts) == 1 and len(others) > 0 and all(c is None for c in others):
        return texts[0][1]  # one cell spanning the row: a group title
    return "; ".join(f"{labels[j]}: {c}" if labels[j] else c for j, c in texts)


def render_table(rows: Sequence[Sequence[Cell]], labels: Sequence[str] | None = None) -> list[str]:
    """The lines of a table (module docstring): labelled rows, or " | " rows without a header.

    ``labels``: the column labels to use when the table has no header row of its own
    (a continuation); they are used only if the table has as many columns.
    """
    table = grid(rows)
    found = header_labels(table)
    if found is not None:
        labels, skip = found
    elif labels is not None and table and len(labels) == len(table[0]):
        skip = 0
    else:
        return plain_rows(table)
    index = bool(labels) and bool(INDEX_HEADER.match(labels[0]))
    lines = (labelled_row(row, labels, index) for row in table[skip:])
    return [line for line in lines if line]
