"""Party and state abbreviations (glossary in abbreviations.tsv) expanded in questions."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

GLOSSARY = Path(__file__).with_name("abbreviations.tsv")


@cache
def glossary() -> dict[str, str]:
    """Abbreviation -> full form, from the data file."""
    entries = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            abbr, full = line.split("\t")
            entries[abbr.strip()] = full.strip()
    return entries


@cache
def _pattern() -> re.Pattern[str]:
    keys = sorted(glossary(), key=len, reverse=True)
    return re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, keys)) + r")(?![\w/-])")


def expand(question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question with each abbreviation written out as "full form (ABBR)", and what was expanded.

    Only whole words written in capitals as in the glossary count: "KH" in "KH/HU" is part of a
    document number and is left alone."""
    applied: list[tuple[str, str]] = []

    def replace(m: re.Match[str]) -> str:
        abbr = m.group(1)
        if (abbr, glossary()[abbr]) not in applied:
            applied.append((abbr, glossary()[abbr]))
        return f"{glossary()[abbr]} ({abbr})"

    return _pattern().sub(replace, question), applied
