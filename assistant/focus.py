"""The question in a pasted block: a user pastes notes and asks at the end («… Đoạn trên chỉ để tham
khảo. Câu hỏi của tôi là: … bao nhiêu đảng viên?»); only the question sentence is answered, the rest
must not steer retrieval.

Rule: input of at most FOCUS_MIN_CHARS characters, or of one sentence, is the question as it is.
Longer input is cut into sentences (ingest.sentences, plus a cut after each "?", "." and "!"); the question is the
last interrogative sentence — one ending with "?" or holding a question word (bao nhiêu, mấy, nào,
gì, ai, khi nào, ở đâu, như thế nào, có … không, là gì), with or without diacritics — else the last
sentence. A lead such as «Câu hỏi của tôi là:» / «Xin hỏi:» before the question is dropped.
"""

from __future__ import annotations

import re

from ingest.sentences import split_sentences
from vectorstore.tokenize import fold_accents

FOCUS_MIN_CHARS = 300   # shorter input is taken whole: it is a question, maybe with a little context

_QUESTION_WORDS = re.compile(
    r"\b(?:bao nhieu|bao lau|bao gio|may|nao|gi|ai|khi nao|o dau|the nao|ra sao|la gi|co phai|hay khong"
    r"|co khong|duoc khong)\b"
)
_LEAD = re.compile(
    r"^.{0,60}?\b(?:cau hoi(?: cua (?:toi|em|chung toi))?(?: la| nhu sau)?|xin hoi|cho (?:toi|em) hoi|hoi)\s*:\s*",
    re.IGNORECASE,
)


def is_interrogative(sentence: str) -> bool:
    """Whether a sentence asks something: it ends with "?" or holds a question word."""
    return sentence.rstrip().endswith("?") or bool(_QUESTION_WORDS.search(fold_accents(sentence.lower())))


def _sentences(text: str) -> list[str]:
    """Sentences, cut after every «?», and after «.» / «!» even when the next one starts in lower case (a
    question typed without capitals after the notes)."""
    pieces = re.split(r"(?<=[?.!])\s+", text)
    return [s for piece in pieces for s in split_sentences(piece)]


def question_sentence(text: str) -> str:
    """The sentence of ``text`` that is the question (see the module docstring); ``text`` itself when short."""
    if len(text) <= FOCUS_MIN_CHARS:
        return text
    sentences = _sentences(text)
    if len(sentences) <= 1:
        return text
    asked = next((s for s in reversed(sentences) if is_interrogative(s)), sentences[-1])
    folded = fold_accents(asked)
    lead = _LEAD.match(folded)
    if lead and lead.end() < len(asked):
        asked = asked[lead.end():]
        asked = asked[:1].upper() + asked[1:]
    return asked
