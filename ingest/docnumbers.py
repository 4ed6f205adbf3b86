"""Vietnamese document numbers ("21-KL/TW", "130/NĐ-CP", "130/2020/NĐ-CP") and their canonical keys."""

from __future__ import annotations

import re

_L = r"[A-Za-zĐđ]"
_NUMBER = re.compile(
    rf"(?<![\w/.,])(\d{{1,5}})\s*(?:"
    rf"-\s*({_L}{{1,7}})\s*/\s*({_L}{{1,10}})"                       # party style: 21-KL/TW
    rf"|/\s*(?:\d{{4}}\s*/\s*)?({_L}{{1,7}})\s*-\s*({_L}{{1,10}})"    # state style: 130/NĐ-CP, 130/2020/NĐ-CP
    rf")(?![\w])"
)


def _fold_code(code: str) -> str:
    return code.upper().replace("Đ", "D").replace("đ", "D")


def find_doc_numbers(text: str) -> list[tuple[str, str]]:
    """Every document number in the text as (canonical key, text as written), in order."""
    found = []
    for m in _NUMBER.finditer(text):
        number = str(int(m.group(1)))
        if m.group(2):
            key = f"{number}-{_fold_code(m.group(2))}/{_fold_code(m.group(3))}"
        else:
            key = f"{number}/{_fold_code(m.group(4))}-{_fold_code(m.group(5))}"
        found.append((key, m.group(0)))
    return found


def doc_number_keys(text: str) -> list[str]:
    """The distinct canonical keys of the document numbers in the text."""
    return list(dict.fromkeys(key for key, _ in find_doc_numbers(text)))
