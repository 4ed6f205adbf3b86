"""Malformed and hostile files for benchmarks/reliability.py (part «hostile»).

    write_all(folder) -> list[Hostile]

Every file is built here, seeded, from nothing but the bundled sample report's sentences:
random bytes under each extension, empty files, truncated .docx/.pdf, a zip bomb .docx
(512 MiB of XML whitespace), billion-laughs and XXE .docx, PDFs whose xref or page tree
loops, encrypted and password-protected PDFs, NUL bytes in text, bad JSONL lines, a 5 MB
single-paragraph .txt, a 2.7 MB .txt without punctuation, a JSONL with one 6 MB record,
Windows-1258 text, text full of zero-width and bidi characters, a .docx whose only marker
is in a text box; and a few valid controls.

Each file says what must happen to it (``expect``): "reject" (a Vietnamese reason, nothing
changed), "index" (indexed, its ``marker`` sentence findable) or "either". A marker is
checked whenever the file is indexed; a ``secret`` (the XXE target) must never be indexed.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MB = 1024 * 1024


@dataclass
class Hostile:
    name: str              # the file name as uploaded
    path: Path
    kind: str              # what is wrong with it (or "valid …")
    expect: str            # "reject" | "index" | "either"
    marker: str = ""       # a sentence that must be findable whenever the file is indexed
    secret: str = ""       # text that must never reach the library (XXE)
    reason_has: str = ""   # a word the rejection reason must contain


# ---- text --------------------------------------------------------------------------------


def sample_sentences() -> list[str]:
    """The sample report's sentences of 8 words or more."""
    from ingest.loader import read_source
    from ingest.sentences import split_sentences

    return [s for s in split_sentences(read_source(SAMPLE)) if len(s.split()) >= 8]


class Writer:
    """Builds the files into one folder; numbers the markers."""

    def __init__(self, folder: Path, seed: int = 11):
        self.folder = folder
        self.rng = random.Random(seed)
        self.sentences = sample_sentences()
        self.files: list[Hostile] = []
        self.count = 0

    def marker(self) -> str:
        """A sentence no other file has: «Thôn Kiểm Thử 101 có 1707 hộ gia đình tham gia tự quản.»"""
        self.count += 1
        n = 100 + self.count
        return f"Thôn Kiểm Thử {n} có {1000 + 7 * n} hộ gia đình tham gia tự quản."

    def prose(self, sentences: int) -> str:
        """Sample sentences picked at random, joined into one paragraph."""
        return " ".join(self.rng.choice(self.sentences) for _ in range(sentences))

    def report(self, marker: str) -> str:
        """A short report in the sample's shape: a title, two numbered sections, the marker inside."""
        return (f"BÁO CÁO\nKết quả công tác tự quản ở thôn\n\nI. TÌNH HÌNH CHUNG\n{self.prose(4)} {marker}\n\n"
                f"II. KẾT QUẢ\n{self.prose(5)}\n")

    def add(self, name: str, data: bytes, kind: str, expect: str, **extra) -> Hostile:
        path = self.folder / name
        path.write_bytes(data)
        item = Hostile(name, path, kind, expect, **extra)
        self.files.append(item)
        return item


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters with a tone mark written as the base letter and a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out.append((base + "".join(c for c in parts if c in tones)).encode("cp1258"))
    return b"".join(out)


def sprinkle(text: str, rng: random.Random, chars: str, every: int) -> str:
    """Invisible characters put inside about one word in ``every`` (never at a word's edge)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 2 and rng.randrange(every) == 0:
            cut = rng.randrange(1, len(word) - 1)
            words[i] = word[:cut] + rng.choice(chars) + word[cut:]
    return " ".join(words)


# ---- .docx and .pdf ---------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT_BOX_RUN = f"""<w:r xmlns:w="{W_NS}"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
 <mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wp:inline><wp:extent cx="3000000" cy="600000"/>
   <wp:docPr id="7" name="Text Box 7"/><a:graphic>
   <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
    <wps:txbx><w:txbxContent><w:p><w:r><w:t>{{text}}</w:t></w:r></w:p></w:txbxContent></wps:txbx>
    <wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape style="width:236pt;height:47pt"><v:textbox>
   <w:txbxContent><w:p><w:r><w:t>{{text}}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>
  </mc:Fallback>
 </mc:AlternateContent>
</w:r>"""


def docx_bytes(paragraphs: list[str], text_box: str = "") -> bytes:
    """A .docx written by python-docx: a heading and paragraphs; optionally a text box (the form
    Word 2010+ writes: DrawingML with a VML fallback) in a paragraph of its own."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_heading("BÁO CÁO KẾT QUẢ CÔNG TÁC TỰ QUẢN", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if text_box:
        paragraph = document.add_paragraph()
        paragraph._p.append(parse_xml(TEXT_BOX_RUN.replace("{text}", text_box)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The same zip package with some parts' content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, parts.get(item.filename, source.read(item)))
    return out.getvalue()


def document_xml(body: str, doctype: str = "") -> bytes:
    """A word/document.xml with the given body XML and an optional DOCTYPE."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>').encode()


def paragraph_xml(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def write_zip_bomb(path: Path, valid_docx: bytes, marker: str, size: int) -> None:
    """A .docx whose document.xml inflates to ``size`` bytes of whitespace (about 1,000:1)."""
    source = zipfile.ZipFile(io.BytesIO(valid_docx))
    head, tail = document_xml(paragraph_xml(marker) + "\x00").split(b"\x00")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item.filename, source.read(item))
                continue
            info = zipfile.ZipInfo("word/document.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as f:
                f.write(head)
                for _ in range(size // MB):
                    f.write(b" " * MB)
                f.write(tail)


def pdf_bytes(paragraphs: list[str], owner: str = "", user: str = "", aes: bool = False) -> bytes:
    """A PDF with a text layer (fpdf2, DejaVu), optionally encrypted (RC4 or AES-256)."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for text in paragraphs:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if owner:
        method = EncryptionMethod.AES_256 if aes else EncryptionMethod.RC4
        pdf.set_encryption(owner_password=owner, user_password=user or None, encryption_method=method)
    return bytes(pdf.output())


def picture_only_pdf() -> bytes:
    """A PDF page with a drawing and no text: what a scan looks like to a reader."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


def raw_pdf(objects: list[bytes], xref_loops: bool = False) -> bytes:
    """A hand-written PDF of the given objects (1 is the catalog); with ``xref_loops`` the
    trailer's /Prev points at its own cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R%s >>" % (len(objects) + 1, b" /Prev %d" % xref if xref_loops else b"")
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def ascii_page_objects(text: str, kids: bytes = b"[3 0 R]", count: int = 1) -> list[bytes]:
    """Catalog, page tree, one page showing ``text`` (ASCII, Helvetica), its content, its font."""
    stream = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("ascii")
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def plain(text: str) -> str:
    """Vietnamese without its diacritics (for the ASCII-only hand-written PDFs)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


# ---- the set ------------------------------------------------------------------------------


def write_all(folder: Path, bomb_mb: int = 512) -> list[Hostile]:
    """Write every hostile file (and the valid controls) into ``folder``; their descriptions."""
    folder.mkdir(parents=True, exist_ok=True)
    w = Writer(folder)
    rng = random.Random(5)

    # Valid controls: each must be indexed with its marker findable.
    m = w.marker()
    w.add("hop-le.md", w.report(m).replace("I. TÌNH", "## I. TÌNH").encode(), "valid .md", "index", marker=m)
    m = w.marker()
    w.add("hop-le.txt", w.report(m).encode(), "valid .txt", "index", marker=m)
    m = w.marker()
    valid_docx = docx_bytes([w.prose(4), m, w.prose(5)])
    w.add("hop-le.docx", valid_docx, "valid .docx", "index", marker=m)
    m = w.marker()
    valid_pdf = pdf_bytes([w.prose(4), m, w.prose(6), w.prose(6), w.prose(6)])
    w.add("hop-le.pdf", valid_pdf, "valid .pdf", "index", marker=m)
    m = w.marker()
    records = [{"id": "ban-ghi-1", "title": "Bản ghi một", "text": w.report(m)},
               {"id": "ban-ghi-2", "title": "Bản ghi hai", "text": w.report(w.marker())}]
    w.add("hop-le.jsonl", "\n".join(map(json_line, records)).encode(), "valid .jsonl (2 records)", "index", marker=m)
    m = w.marker()
    w.add("thoat-ra.txt", w.report(m).encode(), "valid .txt uploaded as «../../thoat-ra.txt»", "index", marker=m)
    w.files[-1].name = "../../thoat-ra.txt"

    # Random bytes under each extension, three sizes; and with the right magic number.
    for ext in ("md", "txt", "docx", "pdf", "jsonl"):
        for size in (1024, 100 * 1024, 2 * MB):
            w.add(f"ngau-nhien-{size // 1024}k.{ext}", rng.randbytes(size), f"random bytes .{ext} ({size // 1024} KB)",
                  "reject")
    w.add("ngau-nhien-pk.docx", b"PK\x03\x04" + rng.randbytes(50_000), "random bytes after a zip header .docx",
          "reject")
    w.add("ngau-nhien-pdf.pdf", b"%PDF-1.7\n" + rng.randbytes(50_000), "random bytes after %PDF-1.7 .pdf", "reject")

    # Empty and blank.
    for ext in ("md", "txt", "docx", "pdf", "jsonl"):
        w.add(f"rong.{ext}", b"", f"empty .{ext}", "reject")
    w.add("trang.txt", b" \n\t\r\n   \n" * 200, "whitespace only .txt", "reject")

    # Truncated packages.
    for share in (25, 50, 90):
        w.add(f"cat-{share}.docx", valid_docx[: len(valid_docx) * share // 100], f"truncated .docx ({share}%)",
              "either")
        w.add(f"cat-{share}.pdf", valid_pdf[: len(valid_pdf) * share // 100], f"truncated .pdf ({share}%)", "either")

    # Hostile .docx.
    m = w.marker()
    bomb = w.add("bom-nen.docx", b"", f"zip bomb .docx ({bomb_mb} MiB of XML whitespace)", "reject", marker=m)
    write_zip_bomb(bomb.path, valid_docx, m, bomb_mb * MB)
    m = w.marker()
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{laughs}]>'
    body = paragraph_xml(m) + paragraph_xml("&lol9;")
    w.add("billion-laughs.docx", replace_parts(valid_docx, {"word/document.xml": document_xml(body, doctype)}),
          "billion laughs .docx (document.xml)", "either", marker=m)
    secret_file = folder / "bi-mat.txt"
    secret = "Mật mã bí mật XXE 90417 không được lọt vào thư viện"
    secret_file.write_text(secret, encoding="utf-8")
    xxe = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
    m = w.marker()
    body = paragraph_xml(m) + paragraph_xml("&xxe;")
    w.add("xxe.docx", replace_parts(valid_docx, {"word/document.xml": document_xml(body, xxe)}),
          "XXE .docx (document.xml)", "either", marker=m, secret=secret)
    dtd = folder / "ngoai.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{secret_file.as_uri()}">', encoding="utf-8")
    m = w.marker()
    doctype = f'<!DOCTYPE w:document [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]>'
    body = paragraph_xml(m) + paragraph_xml("&leak;")
    w.add("xxe-dtd.docx", replace_parts(valid_docx, {"word/document.xml": document_xml(body, doctype)}),
          "XXE .docx through an external DTD", "either", marker=m, secret=secret)
    w.add("khong-phai-word.docx", zip_of({"readme.txt": b"not a word document"}), "zip without document.xml .docx",
          "reject")
    w.add("xml-hong.docx", replace_parts(valid_docx, {"word/document.xml": b"<w:document><w:body><w:p>"}),
          "document.xml not well-formed .docx", "reject")
    m = w.marker()
    w.add("hop-van-ban.docx", docx_bytes([w.prose(3), w.prose(3)], text_box=m), "text box .docx (marker in the box)",
          "index", marker=m)

    # Hostile .pdf.
    m = w.marker()
    w.add("xref-vong.pdf", raw_pdf(ascii_page_objects(plain(m)), xref_loops=True), "looping xref (/Prev to itself)",
          "either", marker=plain(m))
    m = w.marker()
    w.add("cay-trang-vong.pdf", raw_pdf(ascii_page_objects(plain(m), kids=b"[3 0 R 2 0 R]", count=2)),
          "page tree containing itself .pdf", "either", marker=plain(m))
    m = w.marker()
    w.add("ma-hoa-rc4.pdf", pdf_bytes([w.prose(4), m], owner="chu-so-huu"), "encrypted .pdf (RC4, owner password only)",
          "index", marker=m)
    m = w.marker()
    w.add("ma-hoa-aes.pdf", pdf_bytes([w.prose(4), m], owner="chu-so-huu", aes=True),
          "encrypted .pdf (AES-256, owner password only)", "index", marker=m)
    w.add("mat-khau-rc4.pdf", pdf_bytes([w.prose(4)], owner="chu-so-huu", user="mat-khau"),
          "password .pdf (RC4, user password)", "reject", reason_has="mật khẩu")
    w.add("mat-khau-aes.pdf", pdf_bytes([w.prose(4)], owner="chu-so-huu", user="mat-khau", aes=True),
          "password .pdf (AES-256, user password)", "reject", reason_has="mật khẩu")
    w.add("ban-scan.pdf", picture_only_pdf(), "no text layer .pdf (a drawing only)", "reject")

    # Wrong extensions and a type that is not supported.
    w.add("word-that.pdf", valid_docx, ".docx content named .pdf", "reject")
    w.add("pdf-that.docx", valid_pdf, ".pdf content named .docx", "reject")
    w.add("van-ban.docx", w.report(w.marker()).encode(), "plain text named .docx", "reject")
    w.add("chuong-trinh.exe", rng.randbytes(4096), "unsupported extension .exe", "reject")

    # Text files: NUL bytes, UTF-16 without a mark, legacy and invisible characters.
    m = w.marker()
    text = w.report(m)
    cut = text.index("II.")
    w.add("nul-thua.txt", (text[:cut] + "\x00\x00" + text[cut:]).encode(), "NUL bytes inside .txt", "either", marker=m)
    m = w.marker()
    w.add("nul-thua.md", (w.report(m) + "\x00" * 40).encode(), "NUL bytes at the end of .md", "either", marker=m)
    m = w.marker()
    w.add("utf16-khong-bom.txt", w.report(m).encode("utf-16-le"), "UTF-16 LE without BOM .txt", "either", marker=m)
    m = w.marker()
    w.add("cp1258.txt", cp1258(w.report(m)), "Windows-1258 .txt", "index", marker=m)
    m = w.marker()
    w.add("cp1258.md", cp1258(w.report(m).replace("\n", "\r\n")), "Windows-1258 .md with CRLF", "index", marker=m)
    m = w.marker()
    zero_width = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
    w.add("zero-width.txt", sprinkle(w.report(m), rng, zero_width, 3).encode(), "zero-width characters in words .txt",
          "index", marker=m)
    m = w.marker()
    bidi = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    w.add("bidi.md", sprinkle(w.report(m), rng, bidi, 3).encode(), "bidi controls in words .md", "index", marker=m)

    # Big texts (all within the 50 MB upload limit) and one over it.
    m = w.marker()
    paragraph = fill(w, 5 * 1000 * 1000 - 200) + " " + m
    w.add("doan-5mb.txt", paragraph.encode(), "5 MB single paragraph .txt", "index", marker=m)
    m = w.marker()
    bare = re.sub(r"[^\w\s]", " ", fill(w, 2_780_000))
    m = " ".join(re.sub(r"[^\w\s]", " ", m).split())
    w.add("khong-dau-cau.txt", " ".join((bare + " " + m).split()).encode(), "2.7 MB without punctuation .txt",
          "index", marker=m)
    m = w.marker()
    big = "\n\n".join(fill(w, 2000) for _ in range(3000)) + "\n\n" + m
    w.add("ban-ghi-6mb.jsonl", json_line({"id": "lon", "title": "Bản ghi lớn", "text": big}).encode(),
          "JSONL with one 6 MB record", "index", marker=m)
    over = w.add("qua-lon.txt", b"", "51 MB .txt (over MAX_FILE_MB)", "reject", reason_has="quá lớn")
    with open(over.path, "wb") as f:
        f.truncate(51 * MB)

    # Bad JSONL.
    good = json_line({"id": "a", "text": w.report(w.marker())})
    w.add("dong-hong.jsonl", f"{good}\n{{\"id\": \"b\", \"text\": \n{good.replace('a', 'c', 1)}".encode(),
          "JSONL with a broken line", "reject")
    w.add("thieu-text.jsonl", f'{good}\n{{"id": "b", "title": "không có text"}}'.encode(), "JSONL record without text",
          "reject")
    w.add("text-so.jsonl", f'{good}\n{{"id": "b", "text": 12345}}'.encode(), "JSONL text that is a number", "reject")
    w.add("mang.jsonl", f'{good}\n["id", "text"]'.encode(), "JSONL line that is an array", "reject")
    w.add("long-sau.jsonl", f'{good}\n{"[" * 100_000}{"]" * 100_000}'.encode(), "JSONL line nested 100,000 deep",
          "reject")
    w.add("latin.jsonl", cp1258(good), "JSONL not in UTF-8", "reject")
    w.add("trung-id.jsonl", f"{good}\n{good}".encode(), "JSONL with a repeated id", "reject")
    m = w.marker()
    w.add("id-la.jsonl", json_line({"id": "../../../etc/passwd", "text": w.report(m)}).encode(),
          "JSONL id «../../../etc/passwd»", "either", marker=m)
    return w.files


def fill(w: Writer, size: int) -> str:
    """Sample sentences joined by spaces up to about ``size`` UTF-8 bytes."""
    parts, total = [], 0
    while total < size:
        sentence = w.rng.choice(w.sentences)
        parts.append(sentence)
        total += len(sentence.encode()) + 1
    return " ".join(parts)


def json_line(record: dict) -> str:
    import json

    return json.dumps(record, ensure_ascii=False)


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()
