"""Files built byte by byte for the upload tests: PDFs with a correct cross-reference table, real PNGs and JPEGs."""
from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image

#: a one-page document: catalog 1, page tree 2, page 3 (objects 4… are free for each case)
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf(objects: dict[int, bytes] | None = None, trailer: bytes = b"", version: bytes = b"1.7") -> bytes:
    """A PDF of the given objects (the one-page document's 1–3 unless replaced) with a correct xref table."""
    objects = {1: CATALOG, 2: PAGES, 3: PAGE, **(objects or {})}
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 00000 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R " % size + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dictionary: bytes, data: bytes, eol: bytes = b"\n") -> bytes:
    """A stream object's body: its dictionary (without the closing >>) given /Length, then the raw data."""
    return dictionary + b" /Length %d >>\nstream" % len(data) + eol + data + b"\nendstream"


def object_stream(members: dict[int, bytes], eol: bytes = b"\n") -> bytes:
    """A compressed object stream (PDF 1.5) holding the given objects."""
    bodies, header, at = b"", b"", 0
    for number, body in members.items():
        header += b"%d %d " % (number, at)
        bodies += body + b" "
        at = len(bodies)
    return stream(b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(members), len(header)),
                  zlib.compress(header + bodies), eol)


def pages(count: int) -> bytes:
    """A normal multi-page document with text on every page and a link from the last page to the first."""
    objects = {2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (10 + 2 * i)
                                                                             for i in range(count)), count),
               4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    for i in range(count):
        text = b"BT /F1 24 Tf 72 720 Td (Page %d) Tj ET" % (i + 1)
        annots = b" /Annots [5 0 R]" if i == count - 1 else b""
        objects[10 + 2 * i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R"
                               b" >> >> /Contents %d 0 R%s >>" % (11 + 2 * i, annots))
        objects[11 + 2 * i] = stream(b"<<", text)
    objects[5] = (b"<< /Type /Annot /Subtype /Link /Rect [72 72 200 100] /Border [0 0 0] "
                  b"/A << /S /GoTo /D [10 0 R /Fit] >> >>")
    return pdf({3: b"null", **objects})


@functools.cache
def image(fmt: str, width: int, height: int, mode: str = "RGB", **options: object) -> bytes:
    """A real image file (grey pixels) that Pillow writes and decodes; options as Pillow's save() takes them."""
    out = io.BytesIO()
    Image.new(mode, (width, height), 128).save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, first: bytes = b"") -> bytes:
    """A PNG whose IHDR declares width × height, its rows of zero bytes compressed (a bomb when large);
    first: chunks placed before IHDR."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    pixels = b"".join(rows.compress(row) for _ in range(min(height, 64))) + rows.flush()
    return (b"\x89PNG\r\n\x1a\n" + first + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels)
            + png_chunk(b"IEND", b""))


def jpeg_declaring(width: int, height: int, frame: int = 0xC0, junk: bytes = b"") -> bytes:
    """A real small JPEG whose start-of-frame is rewritten to declare width × height; junk: bytes after APP0."""
    data = image("JPEG", 16, 16)
    app0_end = 4 + int.from_bytes(data[4:6], "big")
    data = data[:app0_end] + junk + data[app0_end:]
    sof = data.index(b"\xff\xc0")
    return data[:sof + 1] + bytes([frame]) + data[sof + 2:sof + 5] + struct.pack(">HH", height, width) + data[sof + 9:]


def compressed_pdf(extra: dict[int, bytes] | None = None) -> bytes:
    """A one-page PDF as current producers write it (PDF 1.5+): the page tree, the page and extra objects packed in
    an object stream (object 9), located by a cross-reference stream (object 10) instead of an xref table."""
    packed = {2: PAGES, 3: PAGE, **(extra or {})}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {1: len(out)}
    out += b"1 0 obj\n" + CATALOG + b"\nendobj\n"
    offsets[9] = len(out)
    out += b"9 0 obj\n" + object_stream(packed) + b"\nendobj\n"
    offsets[10] = len(out)
    rows = [b"\0\0\0\0\0\xff\xff"]
    for number in range(1, 10 + 1):
        if number in offsets:
            rows.append(b"\1" + offsets[number].to_bytes(4, "big") + b"\0\0")
        elif number in packed:
            rows.append(b"\2" + (9).to_bytes(4, "big") + list(packed).index(number).to_bytes(2, "big"))
        else:
            rows.append(b"\0\0\0\0\0\0\0")
    out += b"10 0 obj\n" + stream(b"<< /Type /XRef /Size 11 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode",
                                  zlib.compress(b"".join(rows))) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[10]
    return bytes(out)
