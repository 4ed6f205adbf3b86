"""How well a text covers a question: the share of the question's content words (weighted by
rarity in the library) and of its word pairs that the text contains. Used to pick the quoted
sentences and to decide that the documents do not answer a question."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.paraphrases import paraphrases
from assistant.question import is_soft, is_stopword
from vectorstore.library import Library
from vectorstore.tokenize import fold_accents, tokenize, words

UNSEEN_PAIR_WEIGHT = 2.0
RARE_WEIGHT = 4.0        # a question word this rare in the library (IDF) must be in the passage that answers


@dataclass(frozen=True)
class QuestionTerms:
    weights: dict[str, float]               # content word (as typed, lower-cased) -> rarity weight
    pairs: dict[tuple[str, str], float]     # adjacent content words, accent-folded -> weight
    paraphrases: tuple = ()                 # (phrase words as typed, folded alternatives): assistant.paraphrases


def question_terms(
    question: str, library: Library, candidates: list[str], ignore: frozenset[str] = frozenset()
) -> QuestionTerms:
    """The question's content words with IDF weights from the library, and its word pairs.

    A pair found in none of the candidate passages ("Bình Định", "lý luận") weighs more: the
    documents do not speak of it. Words in `ignore` (abbreviations written out) are left out."""
    n = len(library)
    ws = [w for w in words(question) if w not in ignore]
    weights = {
        w: math.log((n + 1) / (library.document_frequency(w) + 0.5)) for w in ws if not is_stopword(w)
    }
    pairs = {
        (fold_accents(a), fold_accents(b)) for a, b in zip(ws, ws[1:], strict=False)
        if not is_stopword(a) and not is_stopword(b)
    }
    found = tuple(paraphrases(question))
    seen = set().union(*(text_pairs(t) | _paraphrased_pairs(found, t) for t in candidates)) if candidates else set()
    return QuestionTerms(weights, {p: 1.0 if p in seen else UNSEEN_PAIR_WEIGHT for p in pairs}, found)


def _present_phrases(found, text: str) -> list[tuple[str, ...]]:
    """The question's glossary phrases that the text writes in one of their wordings."""
    if not found:
        return []
    folded = f" {' '.join(fold_accents(w) for w in words(text))} "
    return [typed for typed, alternatives in found
            if any(f" {a} " in folded for a in (*alternatives, " ".join(fold_accents(w) for w in typed)))]


def _paraphrased_pairs(found, text: str) -> set[tuple[str, str]]:
    return _phrase_pairs(_present_phrases(found, text))


def _phrase_pairs(phrases: list[tuple[str, ...]]) -> set[tuple[str, str]]:
    """The accent-folded word pairs of the phrases."""
    pairs = set()
    for typed in phrases:
        folded = [fold_accents(w) for w in typed]
        pairs |= set(zip(folded, folded[1:], strict=False))
    return pairs


def _present_tokens(terms: QuestionTerms, text: str) -> tuple[set[str], list[tuple[str, ...]]]:
    """The text's tokens, with the words of the question's glossary phrases it writes in any wording, and
    those phrases."""
    tokens = set(tokenize(text))
    phrases = _present_phrases(terms.paraphrases, text)
    for typed in phrases:
        tokens.update(typed)
    return tokens, phrases


def text_pairs(text: str) -> set[tuple[str, str]]:
    folded = [fold_accents(w) for w in words(text)]
    return set(zip(folded, folded[1:], strict=False))


def coverage(terms: QuestionTerms, text: str) -> float:
    """0..1: weighted share of the question's words in the text, averaged with the share of its pairs.

    A word typed with diacritics must match exactly; one typed without matches either way. The words of a
    glossary phrase (assistant.paraphrases) are present when the text writes the phrase in any of its wordings."""
    total = sum(terms.weights.values())
    if not total:
        return 0.0
    tokens, phrases = _present_tokens(terms, text)
    unigram = sum(w for t, w in terms.weights.items() if t in tokens) / total
    if not terms.pairs:
        return unigram
    present = text_pairs(text) | _phrase_pairs(phrases)
    pairs = sum(w for p, w in terms.pairs.items() if p in present) / sum(terms.pairs.values())
    return (unigram + pairs) / 2


def unknown_names(question: str, candidates: list[str]) -> list[str]:
    """Names in the question (two or more capitalised words, not at its start) that none of the
    candidate passages contains: "tỉnh Bình Định" when the documents never mention Bình Định."""
    if question.isupper():
        return []
    folded = [" ".join(fold_accents(w) for w in words(t)) for t in candidates]
    return [n for n in names(question) if not any(" ".join(fold_accents(w) for w in words(n)) in t for t in folded)]


def names(question: str) -> list[str]:
    """Runs of two or more capitalised words, the question's first word excepted; a word in capitals
    («TW», «BBT», «THCS») is an abbreviation or a code, not part of a name."""
    found, run = [], []
    for i, token in enumerate(re.findall(r"[\w/-]+", question)):
        if i > 0 and token[0].isupper() and token.isalpha() and not (len(token) > 1 and token.isupper()):
            run.append(token)
            continue
        if len(run) >= 2:
            found.append(" ".join(run))
        run = []
    if len(run) >= 2:
        found.append(" ".join(run))
    return found


def missing_rare(terms: QuestionTerms, texts: list[str]) -> list[str]:
    """The question's rare words (IDF weight ≥ RARE_WEIGHT: «nữ», «mét», «tái cử») that none of the texts (the
    answering passage and the other best passages) holds, rarest first. A question that names something this
    specific, which none of the passages closest to it speaks of, asks what the documents do not say («Có bao
    nhiêu đảng viên nữ?» over «… 4.663 đảng viên»). Numbers are left to the question types and the catalog
    (a document's own number stands in its header only)."""
    tokens: set[str] = set()
    for text in texts:
        tokens |= _present_tokens(terms, text)[0]
    rare = [(w, weight) for w, weight in terms.weights.items()
            if weight >= RARE_WEIGHT and w not in tokens and not is_soft(w) and not w.isdigit()]
    return [w for w, _ in sorted(rare, key=lambda r: -r[1])]
