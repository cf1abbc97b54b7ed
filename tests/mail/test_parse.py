"""Parsing real Chinese mail: every encoding clients use, HTML made safe, attachments named in Chinese."""
from datetime import UTC, datetime

import pytest

from tests.mail import corpus
from portal.services.mail.parse import MailParseError, parse

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_utf8_mail_with_encoded_subject_and_display_name():
    mail = parse(corpus.utf8_plain())
    assert (mail.from_address, mail.from_name) == ("zhang.san@example.cn", "张三")
    assert mail.subject == "关于整改工作的建议" and mail.message_id == "<utf8@mail.example.cn>"
    assert mail.text == corpus.OPINION + "\n\n此致\n敬礼"
    assert mail.date == datetime(2021, 3, 1, 2, 0, tzinfo=UTC) and mail.automatic is None


def test_gb2312_labelled_mail_with_gbk_bytes_decodes():
    mail = parse(corpus.gb2312_label_gbk_bytes())
    assert corpus.GBK_ONLY in mail.text and corpus.GB18030_ONLY in mail.text
    assert mail.subject == f"反映{corpus.GBK_ONLY}问题" and mail.from_name == "王镕"
    assert "\ufffd" not in mail.text + mail.subject + mail.from_name


def test_big5_mail_decodes_traditional_chinese():
    mail = parse(corpus.big5_mail())
    assert mail.text.startswith("臺灣同胞來信：關於工會經費") and mail.subject == "關於經費的意見"
    assert mail.from_name == "陳先生"


def test_unknown_charset_label_is_detected():
    assert parse(corpus.unknown_charset()).text == "關於工會經費使用問題的反映，請領導關注此事。"


def test_html_only_body_becomes_clean_text():
    mail = parse(corpus.html_only())
    assert mail.text == "领导您好：\n\n建议 公开&整改台账\n点击查看\n第二段内容"
    for unsafe in ("<", "script", "alert", "onerror", "onclick", "javascript:", "cookie", "color:red", "标题"):
        assert unsafe not in mail.text


def test_alternative_prefers_plain_and_keeps_attachment_names_in_chinese():
    mail = parse(corpus.alternative_with_chinese_pdf())
    assert mail.text == corpus.OPINION and mail.subject == "附件：整改意见"
    assert [(a.filename, a.data) for a in mail.attachments] == [("整改意见附件.pdf", corpus.PDF), ("现场照片.png", corpus.PNG)]


def test_raw_8bit_gbk_headers_decode():
    mail = parse(corpus.raw_8bit_headers())
    assert (mail.subject, mail.from_name, mail.text) == ("关于食堂整改的意见", "李四", corpus.OPINION)


def test_malformed_headers_still_give_a_message():
    raw = corpus.malformed_headers()
    mail = parse(raw, NOW)
    assert mail.message_id_missing and mail.message_id.endswith("@missing-message-id>")
    assert mail.message_id == parse(raw, NOW).message_id and mail.date == NOW
    assert mail.from_address == "broken@example.cn" and mail.text == corpus.OPINION
    assert "意见" in mail.subject and "建" in mail.subject


@pytest.mark.parametrize("header, evidence", [
    (("Auto-Submitted", "auto-replied"), "自动回复（Auto-Submitted: auto-replied）"),
    (("Precedence", "bulk"), "Precedence: bulk"), (("Precedence", "junk"), "Precedence: junk"),
    (("X-Autoreply", "yes"), "X-Autoreply: yes"), (("X-Auto-Response-Suppress", "All"), "X-Auto-Response-Suppress"),
])
def test_auto_replies_are_classified_with_their_evidence(header, evidence):
    assert evidence in parse(corpus.auto_reply(header)).automatic


def test_auto_submitted_no_and_plain_subjects_are_people():
    raw = corpus.message(corpus.text(corpus.OPINION), extra=[("Auto-Submitted", "no")])
    assert parse(raw).automatic is None


def test_subject_of_a_mail_service_auto_reply_is_enough():
    raw = corpus.message(corpus.text("我现在不在办公室。"), subject=corpus.word("自动回复：关于整改工作的建议"))
    assert parse(raw).automatic.startswith("自动回复（主题")


def test_delivery_status_notification_is_a_bounce():
    mail = parse(corpus.dsn_bounce())
    assert mail.automatic == "退信或回执（Content-Type: multipart/report）"
    mailer = corpus.message(corpus.text("failed"), sender="MAILER-DAEMON@mx.example.cn")
    assert parse(mailer).automatic == "退信（发件人 MAILER-DAEMON@mx.example.cn）"


@pytest.mark.parametrize("raw, reason", list(zip(corpus.UNPARSEABLE, ("邮件是空的", "没有邮件头", "缺少发件人"))))
def test_unreadable_messages_are_rejected_with_a_reason(raw, reason):
    with pytest.raises(MailParseError, match=reason) as caught:
        parse(raw)
    assert caught.value.message_id.startswith("<")


def test_sender_without_an_address_is_rejected():
    with pytest.raises(MailParseError, match="无法识别发件人地址"):
        parse(corpus.message(corpus.text(corpus.OPINION), sender=corpus.word("匿名群众")))


def test_attached_message_is_one_attachment_not_body_text():
    inner = corpus.message(corpus.text("被转发的邮件正文"), message_id="<inner@x.cn>")
    raw = corpus.message(corpus.multipart("mixed", corpus.text(corpus.OPINION), (
        [("Content-Type", "message/rfc822")], inner)))
    mail = parse(raw)
    assert mail.text == corpus.OPINION and [a.filename for a in mail.attachments] == ["附件1.eml"]
    assert b"inner@x.cn" in mail.attachments[0].data
