"""The check every answer test makes: what the answer quotes is word for word in the passage it cites."""

from __future__ import annotations

import re

QUOTE = re.compile(r"“(.+?)” \[(\d+)\]", re.DOTALL)


def assert_grounded(answer) -> None:
    """Every “quote” [n] of the answer is an exact substring of the passage its marker n cites."""
    by_marker = {s.n: s.passage.text for s in answer.sources}
    quotes = QUOTE.findall(answer.text)
    assert quotes, answer.text
    for quote, n in quotes:
        assert int(n) in by_marker, answer.text
        assert quote in by_marker[int(n)], (quote, by_marker[int(n)])
