"""Raw test mail as Chinese citizens' clients really send it, built byte by byte (no email package on this side)."""
from __future__ import annotations

import base64
import quopri
import random
import struct
import zlib
from urllib.parse import quote
from tests.samples import pdf

PDF = pdf()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


#: a real 1×1 RGB PNG
PNG = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
       + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + _png_chunk(b"IEND", b""))
OFFICE = "gsghzys@163.com"
#: characters outside GB2312 that GBK mail carries under a gb2312 label (镕 朱镕基, 喆, 堃) and a GB18030 4-byte one (䶮)
GBK_ONLY = "镕喆堃"
GB18030_ONLY = "䶮"

Part = tuple[list[tuple[str, str]], bytes]


def word(text: str, charset: str = "UTF-8", codec: str | None = None, encoding: str = "B") -> str:
    """One RFC 2047 encoded word."""
    data = text.encode(codec or charset)
    if encoding == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    return f"=?{charset}?Q?{quopri.encodestring(data, header=True).decode()}?="


def part(ctype: str, data: bytes, cte: str = "base64", **headers: str) -> Part:
    """A leaf part: content type line, transfer encoding and the encoded body."""
    if cte == "base64":
        body = base64.encodebytes(data)
    elif cte == "quoted-printable":
        body = quopri.encodestring(data)
    else:
        body = data
    extra = [(name.replace("_", "-"), value) for name, value in headers.items()]
    return [("Content-Type", ctype), ("Content-Transfer-Encoding", cte), *extra], body


def text(body: str, label: str = "utf-8", codec: str | None = None, cte: str = "base64", subtype: str = "plain") -> Part:
    return part(f'text/{subtype}; charset="{label}"', body.encode(codec or label), cte)


def multipart(subtype: str, *parts: Part, boundary: str | None = None) -> Part:
    boundary = boundary or f"=_b{random.Random(str(parts)).randrange(10**12)}"
    chunks = []
    for headers, body in parts:
        chunks.append(f"--{boundary}\r\n".encode() + _header_block(headers) + b"\r\n" + body.rstrip(b"\r\n") + b"\r\n")
    return [("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')], b"".join(chunks) + f"--{boundary}--\r\n".encode()


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{name}: {value}\r\n".encode("utf-8", "surrogateescape") for name, value in headers)


def message(body: Part, *, message_id: str | None = "<m1@mail.example.cn>", sender: str = "张三 <zhang.san@example.cn>",
            subject: str = "关于整改工作的建议", date: str | None = "Mon, 01 Mar 2021 10:00:00 +0800",
            extra: list[tuple[str, str]] | None = None, raw_headers: bytes = b"") -> bytes:
    """A whole message; sender and subject are used as written (encode them with word() first when needed)."""
    headers = [("From", sender), ("To", OFFICE), ("Subject", subject)]
    if message_id:
        headers.append(("Message-ID", message_id))
    if date:
        headers.append(("Date", date))
    headers += [("MIME-Version", "1.0"), *(extra or []), *body[0]]
    return _header_block(headers) + raw_headers + b"\r\n" + body[1]


OPINION = "建议加快职工服务中心的整改进度，并公开经费使用明细。"


def utf8_plain() -> bytes:
    return message(text(OPINION + "\r\n\r\n此致\r\n敬礼"), sender=f"{word('张三')} <zhang.san@example.cn>",
                   subject=word("关于整改工作的建议"), message_id="<utf8@mail.example.cn>")


def gb2312_label_gbk_bytes() -> bytes:
    body = f"我叫王{GBK_ONLY}，反映{GB18030_ONLY}字号问题：困难职工帮扶资金发放不及时。"
    return message(text(body, "gb2312", "gb18030", "quoted-printable"),
                   sender=f"{word('王' + GBK_ONLY[0], 'gb2312', 'gbk')} <wang@example.cn>",
                   subject=word(f"反映{GBK_ONLY}问题", "GB2312", "gbk"), message_id="<gbk@mail.example.cn>")


def big5_mail() -> bytes:
    body = "臺灣同胞來信：關於工會經費使用問題的反映，請予以查處。"
    return message(text(body, "big5", cte="quoted-printable"), sender=f"{word('陳先生', 'big5', encoding='Q')} <chen@example.tw>",
                   subject=word("關於經費的意見", "big5"), message_id="<big5@mail.example.tw>")


def unknown_charset() -> bytes:
    return message(text("關於工會經費使用問題的反映，請領導關注此事。", "x-unknown-zh", "big5"),
                   message_id="<unknown-charset@mail.example.cn>")


def html_only() -> bytes:
    markup = ('<html><head><title>标题</title><style>p{color:red}</style><script>alert("head")</script></head>'
              '<body><p>领导您好：</p><p>建议&nbsp;公开&amp;整改台账<script>document.cookie</script></p>'
              '<img src="x.png" onerror="alert(1)"><a href="javascript:alert(2)" onclick="steal()">点击查看</a>'
              '<div onmouseover="alert(3)">第二段内容</div></body></html>')
    return message(text(markup, "gb2312", "gbk", subtype="html"), message_id="<html@mail.example.cn>")


def alternative_with_chinese_pdf() -> bytes:
    """multipart/mixed: plain + HTML alternatives, a PDF named in Chinese (RFC 2231, split in two) and a GBK-named PNG."""
    name = quote("整改意见附件.pdf", safe="")
    half = name.index("%", len(name) // 2)
    pdf = part("application/pdf", PDF, Content_Disposition=f"attachment; filename*0*=UTF-8''{name[:half]};\r\n filename*1*={name[half:]}")
    png = part("image/png", PNG, Content_Disposition=f"attachment; filename*=GBK''{quote('现场照片.png'.encode('gbk'), safe='')}")
    body = multipart("mixed", multipart("alternative", text(OPINION), text(f"<p>{OPINION}</p>", subtype="html")), pdf, png)
    return message(body, message_id="<pdf@mail.example.cn>", subject=word("附件：整改意见"))


def refused_attachments() -> bytes:
    doc = part("application/msword", b"\xd0\xcf\x11\xe0 word", Content_Disposition=f'attachment; filename="{word("材料.doc")}"')
    fake = part("application/pdf", b"MZ\x90\x00 not a pdf", Content_Disposition='attachment; filename="scan.pdf"')
    images = [part("image/png", PNG, Content_Disposition=f'attachment; filename="p{i}.png"') for i in range(6)]
    return message(multipart("mixed", text(OPINION), doc, fake, *images), message_id="<refused@mail.example.cn>")


def raw_8bit_headers() -> bytes:
    """Subject and display name written as raw GBK bytes, no encoded words (old Foxmail, some webmail)."""
    subject = "关于食堂整改的意见".encode("gbk").decode("ascii", "surrogateescape")
    sender = "李四".encode("gbk").decode("ascii", "surrogateescape") + " <li.si@example.cn>"
    return message(text(OPINION, "gbk", cte="8bit"), sender=sender, subject=subject, message_id="<raw8bit@mail.example.cn>")


def malformed_headers() -> bytes:
    """No Message-ID, no Date, broken encoded words and a folded garbage header: still readable."""
    return message(text(OPINION), message_id=None, date=None, sender='"=?UTF-8?B?5byg5L?=" <broken@example.cn>',
                   subject="=?UTF-8?B?5YWz5LqO!!!?= =?unknown?Q?=E4=B8?= 意见 =?UTF-8?Q?=E5=BB=BA?=",
                   raw_headers=b"X-Garbage: \xff\xfe\x00\x01\r\n\tcontinued\r\nDate: not a date at all\r\n")


def auto_reply(header: tuple[str, str] = ("Auto-Submitted", "auto-replied"), message_id: str = "<auto@mail.example.cn>") -> bytes:
    return message(text("您好，我正在休假，回来后尽快回复。"), subject=word("自动回复: 您的意见已收到"),
                   extra=[header], message_id=message_id)


def dsn_bounce() -> bytes:
    report = part("message/delivery-status", b"Reporting-MTA: dns; mx.example.cn\r\n\r\nFinal-Recipient: rfc822; x@example.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n", cte="7bit")
    body = multipart("report", text("Delivery to the following recipient failed permanently.", "us-ascii", cte="7bit"), report)
    body = ([("Content-Type", body[0][0][1] + "; report-type=delivery-status")], body[1])
    return message(body, sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.cn>",
                   subject="Undelivered Mail Returned to Sender", message_id="<dsn@mx.example.cn>")


def reply_to(ack_message_id: str, case_number: str, quote_code: str = "ABCD2345",
             sender: str = "张三 <zhang.san@example.cn>", message_id: str = "<reply@mail.example.cn>") -> bytes:
    """A citizen answering our acknowledgement, quoting it below (QQ Mail style)."""
    body = (f"补充一下：整改台账第35项至今没有公开。\r\n\r\n------------------ 原始邮件 ------------------\r\n"
            f"发件人: {OFFICE}\r\n受理编号为 {case_number}\r\n查询码：{quote_code}\r\n")
    return message(text(body), sender=sender, subject=word(f"回复：[{case_number}] 您的意见已收到"), message_id=message_id,
                   extra=[("In-Reply-To", ack_message_id), ("References", f"<older@mail.example.cn> {ack_message_id}")])


def tagged(case_number: str, sender: str, message_id: str = "<tagged@mail.example.cn>") -> bytes:
    """A new message that names a case in its subject but replies to nothing."""
    return message(text("关于此件的补充材料，请一并处理，谢谢。"), sender=sender, subject=f"补充材料 [{case_number}]",
                   message_id=message_id)


NEW_ITEMS = (utf8_plain, gb2312_label_gbk_bytes, big5_mail, unknown_charset, html_only, alternative_with_chinese_pdf,
             refused_attachments, raw_8bit_headers, malformed_headers)
UNPARSEABLE = (b"", b"\x00\x01\x02 binary junk \xff\xfe", b"Subject: no sender\r\nMessage-ID: <nosender@x.cn>\r\n\r\n" + OPINION.encode())


VARIED = (*NEW_ITEMS, auto_reply, dsn_bounce)


def items_in_varied(count: int) -> int:
    """How many of varied(count) become items (the others are an auto-reply and a bounce in every round)."""
    return sum(1 for i in range(count) if VARIED[i % len(VARIED)] in NEW_ITEMS)


def varied(count: int, seed: int = 7, tag: str = "bench") -> list[bytes]:
    """count messages from every kind above, each with its own Message-ID (auto-replies and bounces mixed in)."""
    rng = random.Random(seed)
    makers = VARIED
    out = []
    for i in range(count):
        raw = makers[i % len(makers)]()
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"message-id:")]
        lines.append(f"Message-ID: <{tag}-{i}-{rng.randrange(10**9)}@mail.example.cn>".encode())
        out.append(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    return out
