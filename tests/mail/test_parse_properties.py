"""Property: any bytes in gives a ParsedMail or a MailParseError (which ingest quarantines), never another exception."""
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.mail import corpus
from portal.services.mail.decode import decode_bytes, decode_words, html_to_text
from portal.services.mail.parse import MailParseError, ParsedMail, parse

pytestmark = pytest.mark.slow

SEEDS = [make() for make in (*corpus.NEW_ITEMS, corpus.auto_reply, corpus.dsn_bounce)]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER_NAMES = st.sampled_from(["From", "Subject", "Message-ID", "Date", "Content-Type", "Content-Disposition",
                                "Content-Transfer-Encoding", "References", "Auto-Submitted", "MIME-Version"])


def parses_or_rejects(raw: bytes) -> None:
    try:
        mail = parse(raw)
    except MailParseError as exc:
        assert str(exc) and "\x00" not in str(exc) and exc.message_id.startswith("<")
        str(exc).encode("utf-8")
        return
    assert isinstance(mail, ParsedMail) and mail.from_address and mail.message_id.startswith("<")
    assert all(a.data for a in mail.attachments)
    for value in (mail.message_id, mail.from_address, mail.from_name, mail.subject, mail.text, mail.automatic or "",
                  *(a.filename for a in mail.attachments)):
        assert "\x00" not in value
        value.encode("utf-8")


@FUZZ
@given(st.binary(max_size=4000))
@example(b"From: a@b.cn\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" + b"--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" * 300)
@example(b"From: a@b.cn\r\nContent-Type: text/plain; charset*=''%FF\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@=")
@example(b'From: a@b.cn\r\nContent-Type: text/plain; charset="\x00big5"\r\n\r\n\xa4\xa4\xa4\xe5')
def test_any_bytes_parse_or_are_rejected(raw):
    parses_or_rejects(raw)


@FUZZ
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), max_size=8),
       st.integers(0, 10**6))
@example(corpus.dsn_bounce(), [(510503, b"\x0b"), (510508, b"\x00\x00\x00\x00")], 1)
def test_damaged_real_messages_parse_or_are_rejected(seed, edits, cut):
    raw = bytearray(seed[:max(cut % (len(seed) + 1), 1)] if cut % 3 == 0 else seed)
    for position, data in edits:
        at = position % (len(raw) + 1)
        raw[at:at + len(data)] = data
    parses_or_rejects(bytes(raw))


@FUZZ
@given(st.lists(st.tuples(HEADER_NAMES, st.text(max_size=80)), max_size=10), st.binary(max_size=500))
def test_arbitrary_header_values_parse_or_are_rejected(headers, body):
    head = b"".join(f"{name}: {value}\r\n".encode("utf-8", "surrogatepass") for name, value in headers)
    parses_or_rejects(b"From: x@example.cn\r\n" + head + b"\r\n" + body)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([None, "", "utf-8", "gb2312", "big5", "x-nonsense", "idna", "rot13",
                                                 "utf-16", "base64", "unicode_escape", "utf-7", "hz",
                                                 "\x00big5"]))
def test_decoding_never_raises(data, label):
    assert isinstance(decode_bytes(data, label), str)
    assert isinstance(decode_words(data.decode("latin-1")), str)


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=300), st.text(max_size=300))
def test_html_to_text_drops_scripts_and_handlers(prose, anything):
    text = html_to_text(f"<p>{prose}</p><script>x()</script><img src=a onerror=\"y()\"><a href=\"javascript:z()\">a</a>")
    assert "x()" not in text and "onerror" not in text and "z()" not in text
    assert "javascript:" not in html_to_text(anything).lower()


def test_many_random_cuts_of_every_seed():
    rng = random.Random(5)
    for seed in SEEDS:
        for _ in range(50):
            parses_or_rejects(seed[:rng.randrange(len(seed) + 1)])


def test_a_file_name_cut_in_the_middle_of_its_continuations_gets_a_default_name():
    """Found by the property above: `filename*0*=…; filename*` made the email library raise TypeError."""
    raw = (b"From: a@example.cn\r\nMessage-ID: <cut@example.cn>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           b"\xe8\xaf\xb7\xe6\x9f\xa5\xe6\x94\xb6\xe9\x99\x84\xe4\xbb\xb6\r\n--b\r\nContent-Type: application/pdf\r\n"
           b"Content-Disposition: attachment; filename*0*=UTF-8''%E6%95%B4%E6%94%B9;\r\n filename*\r\n\r\n%PDF-1.7\r\n--b--\r\n")
    mail = parse(raw)
    assert mail.text == "请查收附件" and [len(upload.data) > 0 for upload in mail.attachments] == [True]
    assert mail.attachments[0].filename
