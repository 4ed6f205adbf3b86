"""Who («Ai được bầu làm bí thư …?», «Ai là Chủ tịch …?»): the clause that names a person.

A person is named by two to four capitalised words, the first a family name, after a form of address or a
role («đồng chí Nguyễn Văn A», «ông Lê Văn B», «Bí thư Trần Thị C»); capitalised words alone may be a place
(«trường THCS Hoàng Lương»), and «đồng chí Phó Bí thư» names a post, not a person.
Questions about who signed or issued a document are answered from its header and signature
(assistant.document_facts) before this type is asked. A who-question none of whose quoted clauses names a
person is not answered by them (REQUIRED).
"""

from __future__ import annotations

import re

NAME = "person"
REQUIRED = True
_ASKS = re.compile(r"(?:^|\s)ai(?:\s|$)")
# who is named: «đồng chí Nguyễn Văn A», «ông …», or a role followed by a name («Bí thư Lê Văn B»)
_TITLE = re.compile(
    r"(?:đồng chí|đ/c|ông|bà|anh|chị|bí thư|phó bí thư|chủ tịch|phó chủ tịch|hiệu trưởng|giám đốc|trưởng ban"
    r"|phó trưởng ban|ủy viên|chi ủy viên)\s+$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# a personal name starts with a family name: «đồng chí Phó Bí thư», «Trưởng ban Ban Dân vận» name nobody
SURNAMES = set(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Lương Trịnh Mai Trương Lâm "
    "Tạ Cao Hà Tô Châu Quách Kiều Thái La Lưu Đoàn Triệu Phùng Chu Doãn Khúc Mạc Lại Thân Tăng Từ Vương Âu Nông "
    "Lò Hứa Giang Kim Quan Văn Đồng Tống Bạch Hầu Lục Đàm Ninh Thạch Nghiêm Lã Lạc Ông Phí Tôn Trình Viên Vi "
    "Mạnh Đậu Hàn Khổng Lữ Mẫn Tiêu Thành Lăng Bế Hoàng Sầm Ma Triệu Cù Diệp Đường Lê Hồng".split()
)


def _name_word(word: str) -> bool:
    """A word of a personal name: capitalised, not an abbreviation in capitals («THCS»); «A» counts."""
    return word[0].isupper() and (len(word) == 1 or not word.isupper())


def _adjacent(a: re.Match[str], b: re.Match[str]) -> bool:
    return b.start() - a.end() == 1


def names(unit: str) -> list[str]:
    """Personal names in the unit: two to four capitalised words after a form of address or a role."""
    found = []
    words = list(_WORD.finditer(unit))
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _name_word(words[j].group(0)) and (j == i or _adjacent(words[j - 1], words[j])):
            j += 1
        if (2 <= j - i <= 4 and words[i].group(0) in SURNAMES
                and _TITLE.search(unit[max(0, words[i].start() - 20):words[i].start()])):
            found.append(unit[words[i].start():words[j - 1].end()])
        i = max(j, i + 1)
    return found


def asks(folded: str) -> bool:
    return bool(_ASKS.search(folded))


def bonus(unit: str, question: str) -> float:
    return 1.0 if names(unit) else 0.0


def answered_by(unit: str, question: str) -> bool:
    """Whether the unit names a person."""
    return bool(names(unit))
