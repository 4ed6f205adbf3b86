"""Which document («văn bản nào», «theo yêu cầu của», «thay thế», «căn cứ», «hướng dẫn thực hiện»): the
clause that names a document by its number, as written."""

from __future__ import annotations

import re

from ingest.docnumbers import find_doc_numbers

NAME = "document"
_ASKS = re.compile(
    r"\bvan ban (?:\w+ )?nao\b|(?<!nhung )(?<!cac )\b(?:ke hoach|quyet dinh|chi thi|nghi quyet|ket luan|quy dinh"
    r"|huong dan|chuong trinh|cong van|nghi dinh|luat|thong tu) (?:so )?nao\b|\bso hieu\b|\btheo yeu cau cua\b"
    r"|\bthay the\b.*\b(?:nao|gi)\b"
)


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def bonus(unit: str, question: str) -> float:
    return 1.0 if find_doc_numbers(unit) else 0.0
