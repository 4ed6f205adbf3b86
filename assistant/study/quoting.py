"""Sentences of a passage that can be quoted verbatim: each one a substring of ``passage.text``."""

from __future__ import annotations

from assistant.instructions import is_instruction
from assistant.study.pack import Citation, Quote
from ingest.passage import Passage
from ingest.sentences import LEADING_BULLET, sentence_spans

SKIPPED_KINDS = ("header", "signature", "footnote")   # never main content of a pack


def quotable_sentences(passage: Passage) -> list[str]:
    """The sentences of the passage as written (a leading "-"/"+" bullet cut off), each a verbatim substring
    of passage.text, without instructions to an automatic reader: [sentence, …] in reading order."""
    found = []
    for begin, end in sentence_spans(passage.text):
        sentence = passage.text[begin:end]
        bullet = LEADING_BULLET.match(sentence)
        if bullet:
            sentence = sentence[bullet.end():]
        if sentence and not is_instruction(sentence):
            found.append(sentence)
    return found


def quote(sentence: str, passage: Passage) -> Quote:
    """A Quote of a sentence of the passage (it must be a verbatim substring of passage.text)."""
    assert sentence in passage.text, "a quotation must be verbatim"
    return Quote(sentence, Citation(passage))
