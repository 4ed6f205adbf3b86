"""Bytes of a text file as normalised text: the encoding detected, line breaks made "\\n", NFC."""

from __future__ import annotations

import codecs
import unicodedata

from ingest.legacy_encoding import detect_legacy


def decode_text(data: bytes, name: str = "") -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM), UTF-16 (with BOM, or plainly two
    bytes a character) or an 8-bit TCVN3/VNI file; a Vietnamese ValueError for anything else."""
    binary = ValueError(f"Tệp {name} không phải văn bản (nội dung nhị phân)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data.count(0) >= len(data) // 4:
        encoding = "utf-16-le" if data[1] == 0 else "utf-16-be"
    elif b"\x00" in data:
        raise binary
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        text = data.decode("latin-1")  # an 8-bit TCVN3/VNI file reads as Latin-1, then converts
        if encoding != "utf-8-sig" or not detect_legacy(text):
            raise ValueError(f"Không đọc được tệp {name} (mã hóa không phải UTF-8 hay UTF-16)") from error
    if sum(not c.isprintable() and c not in "\n\r\t\f" for c in text) > len(text) // 100:
        raise binary
    return text


def normalise(data: bytes, name: str = "") -> str:
    """The normalised source of ``data`` (see ingest.loader)."""
    text = decode_text(data, name).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
