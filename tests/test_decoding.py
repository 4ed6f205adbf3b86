"""Text file decoding: Windows-1258, invisible characters, UTF-16/UTF-32 and CRLF, binary data refused."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from ingest.decoding import decode_text, normalise, strip_invisible
from ingest.legacy_encoding import TCVN3_TO_UNICODE, VNI_TO_UNICODE, detect_8bit
from ingest.loader import load_document

TEXT = (
    "I. TÌNH HÌNH CHUNG\n"
    "Chi bộ thôn Thử Nghiệm có 27 đảng viên, sinh hoạt định kỳ vào ngày mùng 5 hằng tháng.\n"
    "Năm 2022, Đảng ủy xã đã lãnh đạo thực hiện tốt Nghị quyết, kết nạp được 3 đảng viên mới; "
    "công tác kiểm tra, giám sát được tăng cường và củng cố niềm tin của nhân dân.\n"
)
TONES = "\u0300\u0301\u0303\u0309\u0323"  # the combining tone marks Windows-1258 has


def to_cp1258(text: str, *, all_decomposed: bool = False) -> bytes:
    """``text`` as Windows writes it in code page 1258: a letter the code page has (â, à, ơ…) as its byte, any
    other as its toneless base letter then the combining tone mark; ``all_decomposed``: every tone combining."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if not all_decomposed:
            try:
                out.append(char.encode("cp1258"))
                continue
            except UnicodeEncodeError:
                pass
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


def passages_text(path: Path) -> str:
    return "\n".join(p.text for p in load_document(path).passages)


# --- Windows-1258 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("all_decomposed", [False, True])
def test_a_cp1258_file_reads_as_nfc_unicode(tmp_path: Path, all_decomposed: bool) -> None:
    data = to_cp1258(TEXT.replace("\n", "\r\n"), all_decomposed=all_decomposed)
    assert b"\xf2" in data and b"\xec" in data  # dot below and acute as combining bytes, as Windows writes them
    path = tmp_path / "cu.txt"
    path.write_bytes(data)
    assert detect_8bit(data) == "cp1258"
    assert normalise(data, path.name) == TEXT
    text = passages_text(path)
    assert "Chi bộ thôn Thử Nghiệm có 27 đảng viên, sinh hoạt định kỳ" in text
    assert "củng cố niềm tin của nhân dân" in text
    assert text == unicodedata.normalize("NFC", text)


def test_cp1258_reads_like_the_same_text_in_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(to_cp1258(TEXT))
    (tmp_path / "b.txt").write_bytes(TEXT.encode("utf-8"))
    a, b = load_document(tmp_path / "a.txt"), load_document(tmp_path / "b.txt")
    assert [p.text for p in a.passages] == [p.text for p in b.passages]
    assert a.content_hash == b.content_hash


def encode_legacy(text: str, table: dict[str, str]) -> bytes:
    to_legacy = {letter: code for code, letter in table.items()}
    return "".join(to_legacy.get(c, c) for c in unicodedata.normalize("NFC", text)).encode("latin-1")


LOWER = TEXT.split("\n", 1)[1].lower()  # TCVN3 (.VnTime) has no capitals with a tone


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), None),  # UTF-8 is decoded before any 8-bit guess; as bytes it is no 8-bit text
        (to_cp1258(TEXT), "cp1258"),
        (encode_legacy(LOWER, TCVN3_TO_UNICODE), "tcvn3"),
        (encode_legacy(TEXT, VNI_TO_UNICODE), "vni"),
        ("L'été dernier, le comité a présenté un résumé très détaillé à la délégation. Où est-il ? Déjà là."
         .encode("latin-1"), None),
        ("We met at a café in Paris; the naïve résumé was a cliché, but the décor was nice.".encode("latin-1"), None),
        ("Perché così? Più tardi, però, la città è già lì: ciò è vero.".encode("latin-1"), None),
        ("Não, irmão: as mães e os pães estão lá, são três ações.".encode("latin-1"), None),
        ("Báo cáo".encode("latin-1"), None),  # no letter only Vietnamese uses: too little to tell
    ],
)
def test_detect_8bit(data: bytes, expected: str | None) -> None:
    assert detect_8bit(data) == expected


def test_8bit_legacy_files_still_convert(tmp_path: Path) -> None:
    (tmp_path / "tcvn3.txt").write_bytes(encode_legacy(LOWER, TCVN3_TO_UNICODE))
    (tmp_path / "vni.txt").write_bytes(encode_legacy(TEXT, VNI_TO_UNICODE))
    assert "có 27 đảng viên, sinh hoạt định kỳ" in passages_text(tmp_path / "tcvn3.txt")
    assert "có 27 đảng viên, sinh hoạt định kỳ" in passages_text(tmp_path / "vni.txt")


def test_a_short_tcvn3_file_with_u_horn_is_not_binary(tmp_path: Path) -> None:
    # TCVN3 "ư" is the soft hyphen's code point: neither stripped nor counted as unprintable.
    path = tmp_path / "ngan.txt"
    path.write_bytes(encode_legacy("trung ương đảng khóa mười ba.", TCVN3_TO_UNICODE))
    assert passages_text(path) == "trung ương đảng khóa mười ba."


def test_tcvn3_windows_quotes_are_read_as_quotes() -> None:
    data = encode_legacy("chi bộ thôn có 27 đảng viên, sinh hoạt định kỳ hằng tháng", TCVN3_TO_UNICODE)
    text = decode_text(b"\x93" + data + b"\x94", "x.txt")  # “ ” in Windows-1252
    assert text.startswith("\u201c") and text.endswith("\u201d")


def test_latin1_french_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_bytes("L'été dernier, le comité a présenté un résumé très détaillé.".encode("latin-1"))
    with pytest.raises(ValueError, match="Không đọc được tệp fr.txt"):
        load_document(path)


# --- invisible characters ------------------------------------------------------------------------------------

INVISIBLE = (
    [chr(c) for c in range(0x200B, 0x2010)] + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\ufeff", "\u00ad"]
)


def test_strip_invisible_removes_each_and_keeps_line_breaks() -> None:
    for char in INVISIBLE:
        assert strip_invisible(f"Đả{char}ng\tbộ\r\n{char}xã") == "Đảng\tbộ\r\nxã", hex(ord(char))
    assert strip_invisible("Chi\u00a0bộ – “27”") == "Chi\u00a0bộ – “27”"  # no-break space and punctuation stay


def test_strip_invisible_keeps_the_tcvn3_u_horn() -> None:
    legacy = encode_legacy("ban chấp hành trung ương đảng", TCVN3_TO_UNICODE).decode("latin-1")
    assert "\u00ad" in legacy
    assert strip_invisible(legacy) == legacy
    assert strip_invisible("Ban Chấp hành Trung ương Đả\u00adng") == "Ban Chấp hành Trung ương Đảng"


def test_a_short_text_with_invisible_characters_loads_without_them(tmp_path: Path) -> None:
    text = "\ufeffChi bộ\u200b có 27\u200d đảng\u00ad viên,\u200e sinh\u2060 hoạt \u202bđịnh kỳ\u202c\u2066.\u2069"
    path = tmp_path / "dan-tu-web.txt"
    path.write_bytes(text.encode("utf-8"))
    loaded = passages_text(path)
    assert loaded == "Chi bộ có 27 đảng viên, sinh hoạt định kỳ."
    assert not any(c in loaded for c in INVISIBLE)


def test_a_zero_width_mark_between_a_letter_and_its_tone_is_removed_before_nfc() -> None:
    assert normalise("Đa\u200b\u0309ng".encode("utf-8")) == "Đảng"


def test_no_break_spaces_are_no_reason_to_refuse() -> None:
    assert normalise("Chi\u00a0bộ\u00a0có\u00a027\u202fđảng viên.".encode("utf-8")) == (
        "Chi\u00a0bộ\u00a0có\u00a027\u202fđảng viên."
    )


def test_a_dos_end_of_file_mark_is_dropped() -> None:
    assert normalise(b"Chi bo co 27 dang vien.\r\n\x1a") == "Chi bo co 27 dang vien.\n"


# --- UTF-8, UTF-16, UTF-32, line breaks ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_utf_encodings_and_line_breaks_read_alike(tmp_path: Path, encoding: str, newline: str) -> None:
    text = "Đảng bộ xã\n" + TEXT  # begins with a letter whose UTF-16 high byte is not zero (U+0110)
    assert normalise(text.replace("\n", newline).encode(encoding)) == text
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    (tmp_path / "goc.txt").write_bytes(text.encode("utf-8"))
    original = load_document(tmp_path / "goc.txt")
    assert [p.text for p in load_document(path).passages] == [p.text for p in original.passages]


def test_decomposed_utf8_is_composed() -> None:
    assert normalise(unicodedata.normalize("NFD", TEXT).encode("utf-8")) == TEXT


# --- binary data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [64, 300, 2000])
def test_random_bytes_are_refused_in_vietnamese(tmp_path: Path, size: int) -> None:
    rng = random.Random(size)
    path = tmp_path / "rac.txt"
    for _ in range(20):
        path.write_bytes(bytes(rng.getrandbits(8) for _ in range(size)))
        with pytest.raises(ValueError, match=r"^(Tệp rac\.txt không phải văn bản|Không đọc được tệp rac\.txt)"):
            load_document(path)


def test_control_characters_in_utf8_are_binary() -> None:
    with pytest.raises(ValueError, match="không phải văn bản"):
        decode_text(b"Chi bo\x01\x02\x03 co 27 dang vien", "x.txt")
