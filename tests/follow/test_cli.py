"""`flask follow send` queues the follow mails due; `flask mail send` queues them too, then sends them."""
from __future__ import annotations

from tests.follow.conftest import change_ledger, follow, follow_mails


def test_flask_follow_send_queues_and_says_how_many(runner, session, settings, ledger, tmp_path):
    follow(session, settings, ledger, "li@example.org", measure="1-2")
    change_ledger(session, ledger, tmp_path, "1-2")
    result = runner.invoke(args=["follow", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "关注邮件：即时通知 1 封，每周汇总 0 封"
    assert [m.to_address for m in follow_mails(session)] == ["li@example.org"]
    assert runner.invoke(args=["follow", "send"]).output.strip() == "关注邮件：即时通知 0 封，每周汇总 0 封"


def test_flask_mail_send_queues_the_follow_mails_then_sends_them(app, runner, session, settings, ledger, tmp_path,
                                                                 smtp_sink):
    app.config.update(smtp_sink.config())
    follow(session, settings, ledger, "li@example.org", measure="1-2")
    change_ledger(session, ledger, tmp_path, "1-2")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["关注邮件：即时通知 1 封，每周汇总 0 封", "已发送 2 封，稍后重试 0 封，发送失败 0 封"]
    assert sorted(m.email["Subject"] for m in smtp_sink.messages) == ["您关注的整改措施1-2有新动态", "请确认关注：整改措施1-2"]
