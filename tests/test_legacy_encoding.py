"""Legacy TCVN3 / VNI text: tables, conversion, detection round trip, and no false positives."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.legacy_encoding import (
    TCVN3_TO_UNICODE,
    VNI_TO_UNICODE,
    decode_8bit,
    detect_8bit,
    detect_legacy,
    fix_legacy,
    is_vietnamese_syllable,
    to_unicode,
)

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"

# Known legacy -> Unicode pairs, written by hand.
KNOWN_PAIRS = [
    ("tcvn3", "§¶ng", "Đảng"),
    ("tcvn3", "Th«ng b¸o", "Thông báo"),
    ("tcvn3", "ViÖt Nam", "Việt Nam"),
    ("vni", "Vieät Nam", "Việt Nam"),
    ("vni", "Ñaûng", "Đảng"),
    ("vni", "Nghò quyeát", "Nghị quyết"),
]

# Independent, hand-written encoders (letter -> legacy text), covering the letters of SENTENCES below; they are
# deliberately not derived from the module's tables.
HAND_TCVN3 = {
    "à": "µ", "á": "¸", "â": "©", "ã": "·", "é": "Ð", "ê": "ª", "í": "Ý", "ò": "ß", "ó": "ã", "ô": "«",
    "ă": "¨", "Đ": "§", "đ": "®", "ơ": "¬", "ư": "\xad", "ạ": "¹", "ả": "¶", "ấ": "Ê", "ầ": "Ç", "ẩ": "È",
    "ậ": "Ë", "ặ": "Æ", "ế": "Õ", "ề": "Ò", "ể": "Ó", "ệ": "Ö", "ỉ": "Ø", "ị": "Þ", "ọ": "ä", "ố": "è",
    "ồ": "å", "ổ": "æ", "ộ": "é", "ớ": "í", "ờ": "ê", "ở": "ë", "ợ": "î", "ụ": "ô", "ủ": "ñ", "ứ": "ø",
    "ự": "ù", "ỳ": "ú", "ỷ": "û",
}
HAND_VNI = {
    "à": "aø", "á": "aù", "â": "aâ", "ã": "aõ", "é": "eù", "ê": "eâ", "í": "í", "ò": "oø", "ó": "où", "ô": "oâ",
    "ă": "aê", "Đ": "Ñ", "đ": "ñ", "ơ": "ô", "ư": "ö", "ạ": "aï", "ả": "aû", "ấ": "aá", "ầ": "aà", "ẩ": "aå",
    "ậ": "aä", "ặ": "aë", "ế": "eá", "ề": "eà", "ể": "eå", "ệ": "eä", "ỉ": "æ", "ị": "ò", "ọ": "oï", "ố": "oá",
    "ồ": "oà", "ổ": "oå", "ộ": "oä", "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ợ": "ôï", "ụ": "uï", "ủ": "uû", "ứ": "öù",
    "ự": "öï", "ỳ": "yø", "ỷ": "yû",
    # capitals, for the VNI heading test
    "Á": "AÙ", "Ả": "AÛ", "Ă": "AÊ", "Ô": "OÂ", "Ế": "EÁ", "Ể": "EÅ", "Ệ": "EÄ", "Ủ": "UÛ",
}
HAND = {"tcvn3": HAND_TCVN3, "vni": HAND_VNI}

# Party-document sentences (no capital letter with a tone: TCVN3 .VnTime has none).
SENTENCES = [
    "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII.",
    "Ban Thường vụ Huyện ủy đã lãnh đạo, chỉ đạo triển khai Nghị quyết Đại hội đại biểu Đảng bộ huyện lần thứ XX, "
    "nhiệm kỳ 2020 - 2025.",
    "Công tác xây dựng, chỉnh đốn Đảng được tăng cường; tổ chức cơ sở đảng tiếp tục được củng cố.",
    "Năm 2022, kết nạp 215 đảng viên mới, đạt 107,5% chỉ tiêu được giao.",
    "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (theo Chỉ thị số 05-CT/TW).",
    "Kiểm tra, giám sát khi có dấu hiệu vi phạm đối với 12 tổ chức đảng và 37 đảng viên.",
    "Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị - xã hội tiếp tục đổi mới nội dung, phương thức hoạt động!",
    "Quy định số 08-QĐi/TW về trách nhiệm nêu gương của cán bộ, đảng viên: trước hết là người đứng đầu?",
    "Phát huy vai trò giám sát của nhân dân, củng cố niềm tin vào sự lãnh đạo của Đảng.",
    "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ đạt trên 90%; không có tổ chức yếu kém.",
]

ENGLISH = (
    "The Standing Committee reviewed the implementation of Conclusion No. 21-KL/TW dated 25 October 2021 and "
    "asked all party cells to report their results before the end of the year."
)
FRENCH = "L'été dernier, le comité a présenté un résumé très détaillé à la délégation à Hà Nội."
ENGLISH_WITH_LOANWORDS = "We met at a café in Paris; the naïve résumé was a cliché, but the décor was nice."


def encode(text: str, encoding: str) -> str:
    table = HAND[encoding]
    return "".join(table[c] if ord(c) > 127 else c for c in unicodedata.normalize("NFC", text))


def _vietnamese_letters() -> set[str]:
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    bases = ["a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y"]
    letters = {unicodedata.normalize("NFC", b + t) for b in bases for t in tones} | {"đ"}
    letters -= set("aeiouy")
    return letters | {c.upper() for c in letters}


# --- tables ------------------------------------------------------------------------------------------------------


def test_vni_table_covers_all_134_letters_once() -> None:
    letters = _vietnamese_letters()
    assert len(letters) == 134
    assert len(VNI_TO_UNICODE) == 134
    assert set(VNI_TO_UNICODE.values()) == letters  # one sequence per letter, no duplicates


def test_tcvn3_table_is_lowercase_plus_seven_capitals() -> None:
    letters = _vietnamese_letters()
    lower = {c for c in letters if c.islower()}
    assert len(TCVN3_TO_UNICODE) == 74
    assert set(TCVN3_TO_UNICODE.values()) == lower | set("ĂÂÊÔƠƯĐ")
    assert all(0xA0 < ord(code) <= 0xFF and len(code) == 1 for code in TCVN3_TO_UNICODE)


@pytest.mark.parametrize("encoding,table", [("tcvn3", TCVN3_TO_UNICODE), ("vni", VNI_TO_UNICODE)])
def test_tables_round_trip_every_letter(encoding: str, table: dict[str, str]) -> None:
    for code, letter in table.items():
        assert to_unicode(code, encoding) == letter
        assert to_unicode(f"x{code}x", encoding) == f"x{letter}x"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_hand_written_pairs_agree_with_tables(encoding: str) -> None:
    table = {"tcvn3": TCVN3_TO_UNICODE, "vni": VNI_TO_UNICODE}[encoding]
    for letter, code in HAND[encoding].items():
        assert table[code] == letter


@pytest.mark.parametrize("encoding,legacy,expected", KNOWN_PAIRS)
def test_known_pairs(encoding: str, legacy: str, expected: str) -> None:
    assert to_unicode(legacy, encoding) == expected
    assert encode(expected, encoding) == legacy


# --- round trip --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentence_round_trip(sentence: str, encoding: str) -> None:
    legacy = encode(sentence, encoding)
    assert legacy != sentence
    assert detect_legacy(legacy) == encoding
    assert to_unicode(legacy, encoding) == sentence
    assert fix_legacy(legacy) == (sentence, encoding)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_document_round_trip_keeps_numbers_and_punctuation(encoding: str) -> None:
    text = "\n\n".join(SENTENCES)
    fixed, detected = fix_legacy(encode(text, encoding))
    assert detected == encoding
    assert fixed == text
    assert "21-KL/TW" in fixed and "107,5%" in fixed and "(theo Chỉ thị số 05-CT/TW)." in fixed


def test_vni_capitals() -> None:
    heading = "BÁO CÁO KẾT QUẢ CÔNG TÁC KIỂM TRA CỦA ỦY BAN KIỂM TRA HUYỆN ỦY NĂM 2022"
    legacy = encode(heading, "vni")
    assert legacy.startswith("BAÙO CAÙO KEÁT QUAÛ COÂNG")
    assert fix_legacy(legacy) == (heading, "vni")


def test_tcvn3_vntimeh_heading_is_upper_cased() -> None:
    # .VnTimeH capitals share the lowercase code points; all-capital ASCII words are upper-cased whole.
    assert to_unicode("B¸O C¸O kÕt qu¶ c«ng t¸c", "tcvn3") == "BÁO CÁO kết quả công tác"
    assert to_unicode("Bé ChÝnh trÞ", "tcvn3") == "Bộ Chính trị"  # one capital: left as typed


def test_output_is_nfc() -> None:
    out = to_unicode("Vieät Nam", "vni")
    assert out == unicodedata.normalize("NFC", out)


def test_unknown_encoding_rejected() -> None:
    with pytest.raises(ValueError):
        to_unicode("abc", "viscii")


# --- no false positives ------------------------------------------------------------------------------------------


def test_unicode_sample_file_is_not_legacy() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert detect_legacy(text) is None
    assert fix_legacy(text) == (text, None)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_unicode_sentences_are_not_legacy(sentence: str) -> None:
    assert detect_legacy(sentence) is None


@pytest.mark.parametrize("text", [ENGLISH, FRENCH, ENGLISH_WITH_LOANWORDS, "", "12/2022 - 21-KL/TW"])
def test_english_french_and_ascii_are_not_legacy(text: str) -> None:
    assert detect_legacy(text) is None
    assert fix_legacy(text) == (text, None)


def test_syllable_check() -> None:
    for word in ["Đảng", "nghiệp", "quyết", "giữa", "khuyến", "người", "Huỳnh", "thuở", "xoong"]:
        assert is_vietnamese_syllable(word), word
    for word in ["bỏo", "chớnh", "tỏc", "été", "with", "Paris", "ViÖt"]:
        assert not is_vietnamese_syllable(word), word


# --- 8-bit bytes: Windows-1258 vs TCVN3 vs VNI -------------------------------------------------------------------


def encode_cp1258(text: str) -> bytes:
    """As Windows writes code page 1258: a letter it has as its byte, any other as base letter + combining tone."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            out.append((base + tone).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_8bit_detection_tells_the_three_apart(sentence: str) -> None:
    for encoding in ("tcvn3", "vni"):
        data = encode(sentence, encoding).encode("latin-1")
        assert detect_8bit(data) == encoding
        assert to_unicode(decode_8bit(data, encoding), encoding) == sentence
    data = encode_cp1258(sentence)
    assert detect_8bit(data) == "cp1258"
    assert decode_8bit(data, "cp1258") == sentence


@pytest.mark.parametrize("text", [ENGLISH, FRENCH.replace("Hà Nội", "Paris"), ENGLISH_WITH_LOANWORDS, "12/2022"])
def test_latin1_text_is_no_8bit_vietnamese(text: str) -> None:
    assert detect_8bit(text.encode("latin-1")) is None


def test_unknown_8bit_encoding_rejected() -> None:
    with pytest.raises(ValueError):
        decode_8bit(b"abc", "viscii")
