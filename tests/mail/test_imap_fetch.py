"""flask mail fetch against a real IMAP server: batches, \\Seen only after the commit, faults and concurrent runs."""
import threading

import pytest
from sqlalchemy import func, select

from tests.mail import corpus
from portal import create_app, db
from portal.commands.mail_inbound import receive, stored_outcomes
from portal.models import FeedbackItem, InboundMessage
from portal.services.mail import imap as imap_fetch
from portal.services.mail.ingest import IngestSettings

pytestmark = pytest.mark.slow


def count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def fetch(app, runner, server, **config):
    app.config.update(server.config(**config))
    return runner.invoke(args=["mail", "fetch"])


def test_unseen_messages_are_fetched_in_batches_and_marked_seen(app, runner, imap_server):
    imap_server.append(*corpus.varied(5, tag="batch"))
    imap_server.append(corpus.utf8_plain(), seen=True)
    result = fetch(app, runner, imap_server, IMAP_BATCH=2)
    assert result.exit_code == 0, result.output
    assert [line.split("：")[0] for line in result.output.splitlines()] == ["第1批", "第2批", "第3批", "共收取5封。"]
    assert "新件2" in result.output and imap_server.unseen() == 0
    assert count(app, InboundMessage) == 5 and count(app, FeedbackItem) == 5
    assert "没有未读邮件。" in fetch(app, runner, imap_server).output


def test_mail_arriving_during_a_run_is_fetched_by_that_run(app, imap_server):
    imap_server.append(*corpus.varied(3, tag="first"))
    late = corpus.varied(2, tag="late")
    app.config.update(imap_server.config(IMAP_BATCH=2))
    with app.app_context():
        settings, session = IngestSettings.from_config(app.config), db.session()

        def handle(raws: list[bytes]) -> list[str]:
            if late:
                imap_server.append(late.pop())
            return stored_outcomes(session, raws, "imap", settings)

        batches = list(imap_fetch.fetch(imap_fetch.ImapSettings.from_config(app.config), handle))
    assert [sum(batch.values()) for batch in batches] == [2, 1, 2]
    assert count(app, InboundMessage) == 5 and imap_server.unseen() == 0


def test_processed_messages_can_be_moved_to_another_folder(app, runner, imap_server):
    imap_server.append(*corpus.varied(3, tag="move"))
    done = f"{imap_server.folder}-done"
    assert fetch(app, runner, imap_server, IMAP_PROCESSED_FOLDER=done).exit_code == 0
    assert imap_server.flags() == [] and len(imap_server.flags(done)) == 3


def test_a_message_already_stored_is_only_marked_seen(app, runner, session, imap_server):
    raw = corpus.utf8_plain()
    receive(session, raw, "pipe", IngestSettings.from_config(app.config))
    imap_server.append(raw)
    result = fetch(app, runner, imap_server)
    assert "重复（已收过）1" in result.output and imap_server.unseen() == 0 and count(app, FeedbackItem) == 1


def test_a_connection_dropped_mid_batch_is_completed_by_the_next_run_without_duplicates(app, runner, imap_server):
    imap_server.append(*corpus.varied(7, tag="drop"))
    imap_server.proxy.drop_after_fetches = 5
    first = fetch(app, runner, imap_server, IMAP_BATCH=3)
    assert first.exit_code == 75 and "第1批" in first.output and "第2批" not in first.output
    assert count(app, InboundMessage) == 3 and imap_server.unseen() == 4
    second = fetch(app, runner, imap_server, IMAP_BATCH=3)
    assert second.exit_code == 0 and "共收取4封" in second.output and "重复（已收过）0" in second.output
    assert count(app, InboundMessage) == 7 and count(app, FeedbackItem) == 7 and imap_server.unseen() == 0


def test_a_connection_dropped_before_marking_seen_makes_duplicates_not_items(app, runner, imap_server):
    imap_server.append(*corpus.varied(5, tag="store"))
    imap_server.proxy.drop_on_command = b"STORE"
    first = fetch(app, runner, imap_server, IMAP_BATCH=3)
    assert first.exit_code == 75 and count(app, FeedbackItem) == 3 and imap_server.unseen() == 5
    second = fetch(app, runner, imap_server, IMAP_BATCH=3)
    assert "重复（已收过）3" in second.output and "新件2" in second.output
    assert count(app, InboundMessage) == 5 and count(app, FeedbackItem) == 5 and imap_server.unseen() == 0


def test_two_fetchers_at_once_make_one_item_per_message(app, imap_server):
    messages = corpus.varied(12, tag="race")
    imap_server.append(*messages)
    app.config.update(imap_server.config(IMAP_BATCH=4))
    outcomes, errors = [], []

    def run() -> None:
        with app.app_context():
            settings, session = IngestSettings.from_config(app.config), db.session()
            try:
                for batch in imap_fetch.fetch(imap_fetch.ImapSettings.from_config(app.config),
                                              lambda raws: stored_outcomes(session, raws, "imap", settings)):
                    outcomes.append(batch)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert count(app, InboundMessage) == 12 and imap_server.unseen() == 0
    assert sum(batch["item"] for batch in outcomes) == count(app, FeedbackItem) == corpus.items_in_varied(12)
    assert sum(batch["duplicate"] + batch["item"] + batch["ignored"] for batch in outcomes) >= 12


def test_database_unavailable_leaves_every_message_unseen(tmp_path, imap_server):
    imap_server.append(*corpus.varied(2, tag="nodb"))
    broken = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db",
                         **imap_server.config()}, instance_path=str(tmp_path))
    result = broken.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 75 and "数据库暂时不可用" in result.output and imap_server.unseen() == 2


def test_missing_imap_host_is_a_clear_error(app, runner):
    result = runner.invoke(args=["mail", "fetch"])
    assert result.exit_code == 1 and "未配置 IMAP_HOST" in result.output


def test_fetch_loop_reports_a_failure_and_tries_again(app, runner, imap_server, monkeypatch):
    imap_server.append(*corpus.varied(2, tag="loop"))
    imap_server.proxy.drop_after_fetches = 1
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("portal.commands.mail_inbound.time.sleep", sleep)
    app.config.update(imap_server.config())
    result = runner.invoke(args=["mail", "fetch", "--loop", "--interval", "7"])
    assert rounds == [7, 7] and "IMAP 连接失败" in result.output and "共收取2封。" in result.output
    assert imap_server.unseen() == 0 and count(app, FeedbackItem) == 2


def test_the_client_names_itself_before_selecting_the_folder(app, runner, imap_server):
    """NetEase (163.com) refuses SELECT from clients that send no ID; the fetcher sends one when offered."""
    assert fetch(app, runner, imap_server).exit_code == 0
    commands = imap_server.proxy.commands
    assert commands.index(b"LOGIN") < commands.index(b"ID") < commands.index(b"SELECT")
