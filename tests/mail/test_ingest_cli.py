"""flask mail ingest: one raw message from a file or stdin (the MTA pipe); exit 75 when the database is unavailable."""
import os

import pytest
from sqlalchemy import func, select

from tests.mail import corpus
from portal import create_app
from portal.commands.mail_inbound import EX_TEMPFAIL
from portal.models import FeedbackItem, InboundMessage


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_ingest_reads_a_file(runner, session, tmp_path):
    path = tmp_path / "message.eml"
    path.write_bytes(corpus.gb2312_label_gbk_bytes())
    result = runner.invoke(args=["mail", "ingest", str(path)])
    assert result.exit_code == 0 and result.output.startswith("新件，GH-") and "<gbk@mail.example.cn>" in result.output
    assert count(session, FeedbackItem) == 1


def test_ingest_reads_stdin_and_the_same_message_twice_is_one_item(runner, session):
    raw = corpus.utf8_plain()
    assert runner.invoke(args=["mail", "ingest"], input=raw).exit_code == 0
    again = runner.invoke(args=["mail", "ingest"], input=raw)
    assert again.exit_code == 0 and again.output.startswith("重复（已收过）")
    assert count(session, FeedbackItem) == 1 and count(session, InboundMessage) == 1


@pytest.mark.parametrize("raw, label", [(corpus.auto_reply(), "已忽略"), (corpus.dsn_bounce(), "已忽略"),
                                        (corpus.UNPARSEABLE[1], "已隔离")])
def test_ignored_and_quarantined_messages_exit_zero_so_the_mta_forgets_them(runner, session, raw, label):
    result = runner.invoke(args=["mail", "ingest"], input=raw)
    assert result.exit_code == 0 and result.output.startswith(label)
    assert count(session, InboundMessage) == 1 and count(session, FeedbackItem) == 0


def unavailable_urls(tmp_path, db_url: str) -> list[str]:
    """Databases that cannot be reached: a closed port, a PostgreSQL database that does not exist, a missing folder."""
    urls = ["postgresql://postgres@127.0.0.1:9/portal", f"sqlite:///{tmp_path}/no/such/folder/portal.db"]
    if db_url.startswith("postgresql"):
        urls.append(db_url.rsplit("/", 1)[0] + "/portal_no_such_database")
    return urls


def test_database_unavailable_exits_75_and_the_retry_stores_the_message(runner, session, db_url, tmp_path):
    raw = corpus.utf8_plain()
    for url in unavailable_urls(tmp_path, db_url):
        broken = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": url}, instance_path=str(tmp_path))
        with broken.app_context():  # the test's own app context would otherwise serve the command
            result = broken.test_cli_runner().invoke(args=["mail", "ingest"], input=raw)
        assert result.exit_code == EX_TEMPFAIL, (url, result.output)
        assert "数据库暂时不可用" in result.stderr
    assert count(session, InboundMessage) == 0
    retried = runner.invoke(args=["mail", "ingest"], input=raw)
    assert retried.exit_code == 0 and count(session, FeedbackItem) == 1


def test_environment_variable_points_the_pipe_at_the_database(monkeypatch, tmp_path):
    monkeypatch.setitem(os.environ, "PORTAL_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/portal")
    app = create_app({"TESTING": True, "SECRET_KEY": "s"}, instance_path=str(tmp_path))
    assert app.test_cli_runner().invoke(args=["mail", "ingest"], input=corpus.utf8_plain()).exit_code == EX_TEMPFAIL


def test_an_unexpected_error_defers_the_message_instead_of_bouncing_it(runner, session, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("portal.services.mail.ingest.ingest", broken)
    result = runner.invoke(args=["mail", "ingest"], input=corpus.utf8_plain())
    assert result.exit_code == EX_TEMPFAIL and "RuntimeError: a bug" in result.stderr
    assert count(session, InboundMessage) == 0
