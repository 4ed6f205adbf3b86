"""PDF fixtures written by the tests themselves (fpdf2 with Debian's DejaVu font): a report with a running
header and a «- n -» page footer, and plain pages; a tiny PNG for pictures (in .docx fixtures too)."""

from __future__ import annotations

import struct
import zlib

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def running_header(text: str) -> type[FPDF]:
    """An FPDF class whose pages carry ``text`` as a running header and «- n -» as a footer."""

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", size=9)
            self.cell(0, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font("DejaVu", size=11)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    return Report


def new_pdf(cls: type[FPDF] = FPDF) -> FPDF:
    """An A4 document of ``cls`` in DejaVu 11, page breaks left to the test."""
    pdf = cls(format="A4")
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=11)
    pdf.set_auto_page_break(False)
    return pdf


def write(pdf: FPDF, text: str) -> None:
    """One paragraph, wrapped to the page width."""
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def tiny_png() -> bytes:
    """A 1×1 white PNG, written by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))
