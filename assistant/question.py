"""Which words of a question only shape it (question and function words), and the question normalised.
What a question asks for (a number, a date, a list …) is assistant.kinds."""

from __future__ import annotations

import unicodedata

from vectorstore.tokenize import fold_accents

# Question words and function words: they say how to answer, not what about.
STOPWORDS = set(
    "ai bao giờ nhiêu nào gì là có không của các và được những thế như sao ở tại trong từ đến với cho "
    "về đã sẽ thì mà hay hoặc này đó kia một vì để khi ra vào lên xuống hiện nay nơi tới mình "
    "chúng ta trên dưới sau trước hơn nữa còn mọi cần gồm phần trăm muốn đang thường nhắc coi xin hãy biết "
    "vui lòng mấy đâu rồi nhé ạ buổi cuộc".split()
)
_FOLDED_STOPWORDS = {fold_accents(w) for w in STOPWORDS}
# Generic verbs: content words, but a question may use them where the answering passage uses another verb
# («tuổi nghỉ hưu dùng để tính …» / «… theo Nghị định số 135/2020/NĐ-CP»): never alone a sign that the
# documents do not answer (assistant.relevance.missing_rare).
SOFT_WORDS = set("dùng làm đưa giữ mở lập gửi nhận tính bàn nói hỏi nêu ghi xem đặt lấy".split())


def normalize_question(text: str) -> str:
    """NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_stopword(word: str) -> bool:
    """A function word; a word typed without diacritics is compared without them."""
    folded = fold_accents(word)
    return word in STOPWORDS if folded != word else folded in _FOLDED_STOPWORDS


def is_soft(word: str) -> bool:
    """A generic verb (SOFT_WORDS); a word typed without diacritics is compared without them."""
    folded = fold_accents(word)
    return word in SOFT_WORDS if folded != word else folded in {fold_accents(w) for w in SOFT_WORDS}
