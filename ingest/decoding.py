"""Bytes of a text file as normalised text: the encoding detected, line breaks made "\\n", NFC.

Order of attempts (:func:`decode_text`); each step is tried only when the earlier ones do not apply:

1. A byte order mark: UTF-32 (LE/BE, checked first: its LE mark begins with the UTF-16 LE one), UTF-16 (LE/BE),
   UTF-8.
2. No mark, but at least a quarter of the bytes are zero: UTF-16 without a mark (ASCII letters, digits and
   spaces are half zero bytes in UTF-16); the zeros on odd positions mean little-endian, on even big-endian.
3. Any other zero byte: binary.
4. UTF-8.  Its rules are strict enough that 8-bit Vietnamese text almost never passes them, so UTF-8 is tried
   before any 8-bit guess and a UTF-8 file is never read as something else.
5. An 8-bit Vietnamese encoding, chosen by how many words become Vietnamese syllables
   (ingest.legacy_encoding.detect_8bit): Windows-1258, TCVN3 or VNI.  Anything else, Latin-1 French included,
   is refused.

Invisible format characters (zero-width spaces and joiners, bidi controls, BOMs inside the text, soft hyphens)
are removed (:func:`strip_invisible`) before the check that the text is printable.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ingest.legacy_encoding import decode_8bit, detect_8bit, detect_legacy

# Invisible format characters that text pasted from web pages or Word carries: zero-width space, non-joiner,
# joiner, left-to-right / right-to-left marks (U+200B-U+200F); bidi embeddings and overrides (U+202A-U+202E);
# word joiner and invisible operators (U+2060-U+2064); bidi isolates (U+2066-U+2069); the zero-width no-break
# space, i.e. a BOM not at the start (U+FEFF).  Source: Unicode's General Punctuation block, category Cf.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SOFT_HYPHEN = "\u00ad"


def strip_invisible(text: str) -> str:
    """``text`` without invisible format characters: U+200B-U+200F, U+202A-U+202E, U+2060-U+2064,
    U+2066-U+2069, U+FEFF and the soft hyphen U+00AD.  Newlines, tabs and every other character are kept.

    Exception: in TCVN3 text the soft hyphen's code point is the letter "ư" (ingest.legacy_encoding), so when
    the text (without the other invisible characters) is detected as TCVN3 the soft hyphens are kept.
    Works on any str; never raises."""
    text = _INVISIBLE.sub("", text)
    if _SOFT_HYPHEN in text and detect_legacy(text) != "tcvn3":
        text = text.replace(_SOFT_HYPHEN, "")
    return text


def _is_text(char: str) -> bool:
    """Printable, a line break or tab, a space of any width (the no-break space U+00A0 is not "printable"), or
    the soft hyphen that :func:`strip_invisible` keeps as the TCVN3 letter "ư"."""
    return (
        char.isprintable() or char in "\t\n\r\f\v\u00ad" or unicodedata.category(char) in ("Zs", "Zl", "Zp")
    )


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 LE or BE, by where the zero bytes are (the high byte of an ASCII character is zero)."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    return "utf-16-le" if odd >= even else "utf-16-be"


def decode_text(data: bytes, name: str = "") -> str:
    """Bytes of a text file as str, in the order of attempts above; invisible format characters removed.

    Windows-1258 text comes back NFC-normalised Unicode; TCVN3/VNI text comes back as its Latin-1 code points,
    for ingest.legacy_encoding.fix_legacy to convert.  Line breaks are left as they are (see :func:`normalise`).
    Raises a Vietnamese ValueError for binary data (zero bytes, or more than 1% of characters neither printable
    nor a space or line break) and for bytes in no supported encoding."""
    binary = ValueError(f"Tệp {name} không phải văn bản (nội dung nhị phân)")
    unreadable = f"Không đọc được tệp {name} (mã hóa không phải UTF-8 hay UTF-16)"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data.count(0) >= len(data) // 4:
        encoding = _utf16_without_bom(data)
    elif b"\x00" in data:
        raise binary
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        legacy = detect_8bit(data) if encoding == "utf-8-sig" else None
        if legacy is None:
            raise ValueError(unreadable) from error
        text = decode_8bit(data, legacy)
    text = strip_invisible(text)
    if text.endswith("\x1a"):  # Ctrl-Z: the end-of-file mark of DOS-era text files
        text = text[:-1]
    if sum(not _is_text(c) for c in text) > len(text) // 100:
        raise binary
    return text


def normalise(data: bytes, name: str = "") -> str:
    """The normalised source of ``data`` (see ingest.loader): :func:`decode_text`, CRLF and CR made "\\n", NFC.
    Raises the ValueError of :func:`decode_text`."""
    text = decode_text(data, name).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
