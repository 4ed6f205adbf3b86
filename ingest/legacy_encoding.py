"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC, VNI-Windows, Windows-1258) -> Unicode, with detection.

Older government files were typed with ".VnTime" (TCVN3, also called ABC) or "VNI-Times" (VNI) fonts: the
stored characters are Latin-1 code points that the font draws as Vietnamese letters. Once such a file is read
as text we get mojibake like ``"§¶ng"`` (TCVN3) or ``"Ñaûng"`` (VNI) for ``"Đảng"``.

- TCVN3 is one code point per letter.  The standard TCVN3 (VN3) table has all 67 lowercase letters but only
  the seven *toneless* uppercase letters Ă Â Ê Ô Ơ Ư Đ.  Uppercase letters *with a tone* were typed with the
  separate ".VnTimeH" fonts, which draw the lowercase code points as capitals, so the text alone cannot tell
  "Bé" (Bộ) from "BÉ" (BỘ).  :func:`to_unicode` converts them as lowercase, except that a word whose ASCII
  letters are all capitals (at least two of them, e.g. "B¸O C¸O") is upper-cased whole ("BÁO CÁO").
- VNI writes a base letter followed by mark characters (``"aù"`` = á, ``"eä"`` = ệ) plus a few single
  characters (``"ô"`` = ơ, ``"ö"`` = ư, ``"ñ"`` = đ, ``"í ì æ ó ò"`` = í ì ỉ ĩ ị, ``"î"`` = ỵ).  It covers
  all 134 letters, lower and upper case.  Marks are matched in the case of their base letter.

- Windows-1258 (CP1258, "Vietnamese" in Windows' code pages) is a real code page, not a font trick: the bytes
  decode with Python's ``cp1258`` codec.  It holds ă â ê ô ơ ư đ and a few toned letters (à á è é…) but writes
  most tones as a *combining* mark after the letter (bytes CC D2 DE EC F2 = U+0300 U+0309 U+0303 U+0301 U+0323),
  so the decoded text must be NFC-normalised.  Its bytes A0-FF are Latin-1 except 14 (Ă Ì Ð Ò Õ Ý Þ ã ì ð ò õ
  ý þ become Ă, grave, Đ, hook, Ơ, Ư, tilde, ă, acute, đ, dot below, ơ, ư, ₫).

Detection (:func:`detect_legacy`) converts every word that holds a legacy code point and counts how many
become valid Vietnamese syllables; see the thresholds below.  :func:`detect_8bit` does the same for the bytes of
a file that is not UTF-8, with Windows-1258 as a third candidate.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Combining marks used to build the target letters (NFC composes them into the precomposed letters).
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)  # huyền, hỏi, ngã, sắc, nặng
_TONE_SET = frozenset(_TONES)


def _letter(base: str, tone: str = "") -> str:
    return unicodedata.normalize("NFC", base + tone)


# --- TCVN3 ----------------------------------------------------------------------------------------------------
# For each lowercase vowel: the TCVN3 code points of its huyền, hỏi, ngã, sắc, nặng forms (in that order).
_TCVN3_TONED = {
    "a": "µ¶·¸¹",
    "ă": "»¼½¾Æ",
    "â": "ÇÈÉÊË",
    "e": "ÌÎÏÐÑ",
    "ê": "ÒÓÔÕÖ",
    "i": "×ØÜÝÞ",
    "o": "ßáâãä",
    "ô": "åæçèé",
    "ơ": "êëìíî",
    "u": "ïñòóô",
    "ư": "õö÷øù",
    "y": "úûüýþ",
}
# Toneless letters outside ASCII; \xad (soft hyphen) is ư.
_TCVN3_BARE = {
    "ă": "¨", "â": "©", "ê": "ª", "ô": "«", "ơ": "¬", "ư": "\xad", "đ": "®",
    "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§",
}

TCVN3_TO_UNICODE: dict[str, str] = {code: letter for letter, code in _TCVN3_BARE.items()}
for _vowel, _codes in _TCVN3_TONED.items():
    for _tone, _code in zip(_TONES, _codes, strict=True):
        TCVN3_TO_UNICODE[_code] = _letter(_vowel, _tone)

# --- VNI ------------------------------------------------------------------------------------------------------
# Tone marks after a plain vowel (and after ơ "ô" / ư "ö"): huyền, hỏi, ngã, sắc, nặng.
_VNI_TONE_MARKS = "øûõùï"
# Circumflex (â ê ô) with no tone, then combined with huyền, hỏi, ngã, sắc, nặng.
_VNI_CIRCUMFLEX, _VNI_CIRCUMFLEX_TONED = "â", "àåãáä"
# Breve (ă) with no tone, then combined with huyền, hỏi, ngã, sắc, nặng.
_VNI_BREVE, _VNI_BREVE_TONED = "ê", "èúüéë"
# Letters VNI writes as one character: ơ, ư, đ, i with each tone, ỵ.
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}
_VNI_I_TONED = "ìæóíò"


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(seq: str, letter: str) -> None:
        for s, t in ((seq, letter), (seq.upper(), letter.upper())):
            if s in table:
                raise AssertionError(f"duplicate VNI sequence {s!r}")
            table[s] = t

    for base in "aeouy":
        for tone, mark in zip(_TONES, _VNI_TONE_MARKS, strict=True):
            if base == "y" and tone == _DOT:
                continue  # ỵ is the single character "î"
            add(base + mark, _letter(base, tone))
    for base in "aeo":  # â ê ô
        add(base + _VNI_CIRCUMFLEX, _letter(base, "\u0302"))
        for tone, mark in zip(_TONES, _VNI_CIRCUMFLEX_TONED, strict=True):
            add(base + mark, _letter(base + "\u0302", tone))
    add("a" + _VNI_BREVE, "ă")
    for tone, mark in zip(_TONES, _VNI_BREVE_TONED, strict=True):
        add("a" + mark, _letter("ă", tone))
    for letter, code in _VNI_SINGLE.items():
        add(code, letter)
    for tone, code in zip(_TONES, _VNI_I_TONED, strict=True):
        add(code, _letter("i", tone))
    for horn in "ơư":
        for tone, mark in zip(_TONES, _VNI_TONE_MARKS, strict=True):
            add(_VNI_SINGLE[horn] + mark, _letter(horn, tone))
    return table


VNI_TO_UNICODE: dict[str, str] = _build_vni()

TABLES: dict[str, dict[str, str]] = {"tcvn3": TCVN3_TO_UNICODE, "vni": VNI_TO_UNICODE}

_TCVN3_TRANS = str.maketrans(TCVN3_TO_UNICODE)
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
# The non-ASCII characters that occur in each encoding's sequences ("typical legacy code points").
_LEGACY_CHARS = {name: frozenset(c for k in table for c in k if ord(c) > 127) for name, table in TABLES.items()}


def to_unicode(text: str, encoding: str) -> str:
    """Convert TCVN3 (``"tcvn3"``) or VNI (``"vni"``) text to NFC Unicode."""
    if encoding == "tcvn3":
        out = text.translate(_TCVN3_TRANS)
        # .VnTimeH headings: "B¸O C¸O" -> "BáO CáO" -> "BÁO CÁO" (a word with >= 2 ASCII capitals and no
        # ASCII lowercase letter is treated as all capitals).
        out = _WORD.sub(lambda m: _upper_if_caps(text[m.start() : m.end()], m.group(0)), out)
    elif encoding == "vni":
        out = _VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected 'tcvn3' or 'vni'")
    return unicodedata.normalize("NFC", out)


def _upper_if_caps(original: str, converted: str) -> str:
    ascii_letters = [c for c in original if c.isascii() and c.isalpha()]
    if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters) and original != converted:
        return converted.upper()
    return converted


# --- Vietnamese syllable check -----------------------------------------------------------------------------------
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_ALL_CODAS = " c ch m n ng nh p t"  # "" first: open syllable
# Toneless vowel nucleus -> the codas it takes ("" = open syllable).  Deliberately a little generous.
_RHYME_CODAS = {
    **dict.fromkeys("ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu oai oay oeo uây uôi uya uyu ươi ươu "
                    "yêu uơ y".split(), " "),
    "a": _ALL_CODAS, "oa": _ALL_CODAS,
    "ă": "c m n ng p t", "â": "c m n ng p t", "oă": "c m n ng t", "uâ": "n ng t", "oo": "c ng",
    "iê": "c m n ng p t", "yê": "m n ng t", "uô": "c m n ng t", "ươ": "c m n ng p t", "uyê": "n t",
    "e": " c m n ng p t", "ê": " ch m n nh p t", "i": " ch m n nh p t", "o": " c m n ng p t",
    "ô": " c m n ng p t", "ơ": " m n p t", "u": " c m n ng p t", "ư": " c m n ng t",
    "oe": " n t", "uê": " ch nh n", "uy": " ch n nh p t",
}
_RHYMES = sorted(
    (nucleus + coda for nucleus, codas in _RHYME_CODAS.items() for coda in codas.split(" ")),
    key=len, reverse=True,
)
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:{'|'.join(_RHYMES)})")


def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` (any case) is a well-formed Vietnamese syllable: onset, vowel nucleus, coda, one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_SET]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_SET))
    if _SYLLABLE.fullmatch(bare) is None:
        return False
    # Syllables ending in a stop (c ch p t) only take sắc or nặng.
    return not (bare.endswith(("c", "ch", "p", "t")) and tones and tones[0] not in (_ACUTE, _DOT))


# --- Detection ---------------------------------------------------------------------------------------------------
# A "word" is a run of characters other than whitespace, ASCII digits, ASCII punctuation and General Punctuation
# (“ ” – …).  TCVN3 code points such as "§", "«", "¸" and the soft hyphen are symbols in Unicode but letters here.
_WORD = re.compile(r"[^\s0-9!-/:-@\[-`{-~\u2010-\u206f]+")
_VIET_UNICODE = re.compile(r"[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")

MIN_VALID_WORDS = 2  # at least this many words must convert to valid syllables
MIN_VALID_RATIO = 0.6  # ... and this share of the words holding a legacy code point
MIN_LEGACY_WORD_SHARE = 0.08  # words holding a legacy code point / all words (Vietnamese: ~0.3-0.6)


def _score(words: list[str], encoding: str) -> tuple[int, int]:
    """(words holding a legacy code point of ``encoding``, those that convert into valid syllables)."""
    chars = _LEGACY_CHARS[encoding]
    candidates = valid = 0
    for word, count in Counter(words).items():  # each distinct word converted once: long texts repeat words
        if not any(c in chars for c in word):
            continue
        candidates += count
        converted = to_unicode(word, encoding)
        if converted != word and is_vietnamese_syllable(converted):
            valid += count
    return candidates, valid


def detect_legacy(text: str) -> str | None:
    """``"tcvn3"``, ``"vni"`` or ``None`` (Unicode or non-Vietnamese text).

    An encoding is accepted when at least :data:`MIN_VALID_WORDS` words and :data:`MIN_VALID_RATIO` of the
    words holding one of its legacy code points become valid Vietnamese syllables after conversion, those words
    make up at least :data:`MIN_LEGACY_WORD_SHARE` of all words, and the valid words outnumber twice the words
    already written with Vietnamese Unicode letters (ă đ ơ ư ạ…ỹ).  If both encodings qualify, the one with
    more valid words wins (ties: ``None``).
    """
    words = _WORD.findall(text)
    if not words:
        return None
    already_unicode = sum(1 for w in words if _VIET_UNICODE.search(w))
    best: tuple[int, str] | None = None
    tie = False
    for encoding in TABLES:
        candidates, valid = _score(words, encoding)
        if (
            valid >= MIN_VALID_WORDS
            and valid >= MIN_VALID_RATIO * candidates
            and candidates >= MIN_LEGACY_WORD_SHARE * len(words)
            and valid > 2 * already_unicode
        ):
            if best is None or valid > best[0]:
                best, tie = (valid, encoding), False
            elif valid == best[0]:
                tie = True
    return None if best is None or tie else best[1]


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Detect a legacy encoding and convert; returns (text, encoding) or (text unchanged, None)."""
    encoding = detect_legacy(text)
    if encoding is None:
        return text, None
    return to_unicode(text, encoding), encoding


# --- Windows-1258 and choosing among 8-bit encodings -------------------------------------------------------------
# C1 bytes 0x80-0x9F as Windows-1252 draws them (“ ” – … •): TCVN3/VNI files were typed on Windows with the
# Windows-1252 code page, so their quotes and dashes are these bytes.  The five bytes Windows-1252 leaves
# undefined (81 8D 8F 90 9D) stay Latin-1 control characters.
_C1_AS_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_C1_TRANS = str.maketrans({chr(b): c for b, c in _C1_AS_CP1252.items()})


def decode_8bit(data: bytes, encoding: str) -> str:
    """The bytes of an 8-bit file as text.  ``"cp1258"``: decoded with the codec (undefined bytes are an error,
    ``UnicodeDecodeError``) and NFC-normalised.  ``"tcvn3"`` / ``"vni"``: the font's code points as Latin-1
    characters (Windows-1252 for bytes 0x80-0x9F), *not yet converted*; :func:`to_unicode` converts them."""
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    if encoding in TABLES:
        return data.decode("latin-1").translate(_C1_TRANS)
    raise ValueError(f"unknown 8-bit encoding {encoding!r}; expected 'cp1258', 'tcvn3' or 'vni'")


def _cp1258_valid_words(text: str) -> int:
    """How many words of ``text`` (decoded as Windows-1258, NFC) are valid Vietnamese syllables, if the text
    reads as Vietnamese; else 0.  The rule of :func:`detect_legacy`, with the words holding a non-ASCII letter as
    the candidates, and at least :data:`MIN_VALID_WORDS` valid words holding a letter only Vietnamese uses
    (ă đ ơ ư ạ…ỹ): Latin-1 French or English text decodes to the same letters (é è à ç) and has none."""
    words = _WORD.findall(text)
    candidates = [w for w in words if not w.isascii()]
    valid = [w for w in candidates if is_vietnamese_syllable(w)]
    vietnamese = sum(1 for w in valid if _VIET_UNICODE.search(w))
    if (
        len(valid) >= MIN_VALID_WORDS
        and len(valid) >= MIN_VALID_RATIO * len(candidates)
        and len(candidates) >= MIN_LEGACY_WORD_SHARE * len(words)
        and vietnamese >= MIN_VALID_WORDS
    ):
        return len(valid)
    return 0


def detect_8bit(data: bytes) -> str | None:
    """``"cp1258"``, ``"tcvn3"``, ``"vni"`` or ``None``: the Vietnamese 8-bit encoding of ``data``, the bytes of a
    file that did not decode as UTF-8 or UTF-16 (a UTF-8 file must be tried first: its bytes are never tested
    here).

    TCVN3/VNI: :func:`detect_legacy` on the bytes read as Latin-1.  Windows-1258: the bytes decode with the
    ``cp1258`` codec and pass :func:`_cp1258_valid_words`.  Each encoding, read the wrong way, turns most
    Vietnamese words into non-syllables ("Việt" in Windows-1258 reads "Viêòt" in Latin-1; TCVN3 "ViÖt" stays
    "ViÖt" in Windows-1258), so at most one qualifies on real text; if two do, the one with more valid words
    wins, and a tie is ``None``.
    """
    latin = decode_8bit(data, "tcvn3")
    scores: dict[str, int] = {}
    legacy = detect_legacy(latin)
    if legacy is not None:
        scores[legacy] = _score(_WORD.findall(latin), legacy)[1]
    try:
        windows = decode_8bit(data, "cp1258")
    except UnicodeDecodeError:
        windows = ""
    if valid := _cp1258_valid_words(windows):
        scores["cp1258"] = valid
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
