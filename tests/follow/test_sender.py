"""Events → mails: a ledger change mails the measure's, problem's and campaign's immediate followers once, weekly
followers get one digest a week, the mails carry RFC 8058 one-click unsubscribe over real SMTP, and two senders at
once never mail the same event to the same follower twice."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from portal import db
from portal.models import FollowDelivery, FollowEvent, utcnow
from portal.services.follow import sender, tokens
from portal.services.mail import send as mail_send
from portal.services.reports.importer import import_report
from tests.follow.conftest import change_ledger, follow, follow_mails


def run(app, settings, now=None):
    return sender.run(app.extensions["portal.db"], settings, now or utcnow())


def test_a_ledger_change_writes_one_event_per_followed_field(session, ledger, tmp_path):
    change_ledger(session, ledger, tmp_path, "1-2")
    events = session.scalars(select(FollowEvent).order_by(FollowEvent.id)).all()
    assert [(e.kind, e.details["code"], e.details["field"]) for e in events] == [
        ("measure_change", "1-2", "status"), ("measure_change", "1-2", "completed_on"),
        ("measure_change", "1-2", "progress_note")]
    assert events[0].details["new"] == "done" and events[0].state == "pending"


def test_a_dry_run_or_an_unchanged_ledger_writes_no_event(session, ledger, tmp_path):
    change_ledger(session, ledger, tmp_path, "1-1", status="已完成", done_on="2020-12-01", note="已印发")
    assert session.scalar(select(func.count()).select_from(FollowEvent)) == 0


def test_immediate_followers_of_the_measure_problem_and_campaign_get_one_mail_each(app, session, settings, ledger,
                                                                                  tmp_path):
    follow(session, settings, ledger, "measure@example.org", measure="1-2")
    follow(session, settings, ledger, "problem@example.org", problem="1")
    follow(session, settings, ledger, "campaign@example.org")
    follow(session, settings, ledger, "other@example.org", measure="2-1")
    follow(session, settings, ledger, "weekly@example.org", measure="1-2", frequency="weekly")
    change_ledger(session, ledger, tmp_path, "1-2")
    assert run(app, settings).immediate == 3
    mails = follow_mails(session)
    assert sorted(m.to_address for m in mails) == ["campaign@example.org", "measure@example.org",
                                                   "problem@example.org"]
    measure_mail = follow_mails(session, "measure@example.org")[0]
    assert "完成情况：正在整改 → 已完成" in measure_mail.body_text
    assert measure_mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert measure_mail.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/follow/unsubscribe/")
    assert "/follow/manage/" in measure_mail.body_text
    assert run(app, settings).immediate == 0
    assert len(follow_mails(session)) == 3


def test_an_event_before_the_confirmation_is_not_mailed(app, session, settings, ledger, tmp_path):
    change_ledger(session, ledger, tmp_path, "1-2")
    follow(session, settings, ledger, "late@example.org", measure="1-2")
    run(app, settings)
    assert follow_mails(session) == []


def test_weekly_followers_get_one_digest_a_week_and_nothing_at_once(app, session, settings, ledger, tmp_path):
    follow(session, settings, ledger, "weekly@example.org", problem="1", frequency="weekly", language="en")
    change_ledger(session, ledger, tmp_path, "1-2")
    assert run(app, settings).digests == 0
    assert follow_mails(session) == []
    result = run(app, settings, utcnow() + timedelta(days=7, minutes=1))
    assert result.digests == 1
    (digest,) = follow_mails(session)
    assert digest.kind == "follow_digest" and digest.to_address == "weekly@example.org"
    assert digest.body_text.count("Measure 1-2") == 3
    assert run(app, settings, utcnow() + timedelta(days=7, minutes=2)).digests == 0
    assert run(app, settings, utcnow() + timedelta(days=15)).digests == 0


def test_a_published_report_mails_the_campaigns_followers_only(app, session, settings, ledger):
    follow(session, settings, ledger, "campaign@example.org")
    follow(session, settings, ledger, "measure@example.org", measure="1-2")
    import_report(session, ledger, "关于巡视整改进展情况的通报\n截至2021年3月31日，整改措施3条。\n",
                  as_of=date(2021, 3, 31))
    session.commit()
    run(app, settings)
    (mail,) = follow_mails(session)
    assert mail.to_address == "campaign@example.org" and "发布进展通报" in mail.body_text


def test_a_recheck_result_mails_the_measures_followers_in_their_language(app, session, settings, ledger):
    from portal.services.ledger import rechecks
    follow(session, settings, ledger, "zh@example.org", measure="1-1")
    follow(session, settings, ledger, "en@example.org", problem="1", language="en")
    follow(session, settings, ledger, "other@example.org", measure="2-1")
    (recheck,) = rechecks.schedule(session, ledger, date.today(), actor="整改办", codes=["1-1"])
    rechecks.record(session, recheck, "relapsed", "议题审核又被跳过。", actor="整改办")
    session.commit()
    assert run(app, settings).immediate == 2
    assert "整改措施1-1回头看：反弹。议题审核又被跳过。" in follow_mails(session, "zh@example.org")[0].body_text
    assert "1-1" in follow_mails(session, "en@example.org")[0].body_text
    assert "relapsed" in follow_mails(session, "en@example.org")[0].body_text.lower()


def test_unsubscribed_followers_get_nothing(app, session, settings, ledger, tmp_path):
    from portal.services.follow import subscriptions
    subscription = follow(session, settings, ledger, "gone@example.org", measure="1-2")
    subscriptions.unsubscribe(session, subscription, utcnow(), "one_click")
    session.commit()
    change_ledger(session, ledger, tmp_path, "1-2")
    run(app, settings)
    assert follow_mails(session) == []


def test_the_smtp_sender_sends_the_one_click_unsubscribe_headers(app, session, settings, ledger, tmp_path,
                                                                 smtp_sink):
    app.config.update(smtp_sink.config())
    follow(session, settings, ledger, "measure@example.org", measure="1-2")
    change_ledger(session, ledger, tmp_path, "1-2")
    run(app, settings)
    mail_send.send_due(app.extensions["portal.db"], mail_send.Mailer(app),
                       mail_send.SendSettings.from_config(app.config), utcnow(), 10)
    confirmation, received = [m for m in smtp_sink.messages if m.rcpt_tos == ["measure@example.org"]]
    assert confirmation.email["List-Unsubscribe"] is None
    assert received.email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(received.email["List-Unsubscribe"]).strip()  # a long value is folded onto its next line
    assert unsubscribe.startswith("<http://127.0.0.1:5000/follow/unsubscribe/") and unsubscribe.endswith(">")
    assert received.email["Auto-Submitted"] == "auto-generated"


def test_two_senders_at_once_mail_each_event_to_each_follower_once(app, db_url, session, settings, ledger, tmp_path):
    for i in range(30):
        follow(session, settings, ledger, f"immediate{i}@example.org", measure="1-2")
        follow(session, settings, ledger, f"weekly{i}@example.org", problem="1", frequency="weekly",
               confirmed_days_ago=8)
    change_ledger(session, ledger, tmp_path, "1-2")
    for i in range(3):
        change_ledger(session, ledger, tmp_path, "2-1", note=f"第{i}次更新")
    start, results, errors = threading.Barrier(2), [], []

    def worker() -> None:
        engine = db.make_engine(db_url)
        try:
            with app.app_context():
                start.wait()
                results.append(sender.run(sessionmaker(engine), tokens.FollowSettings.from_config(app.config),
                                          utcnow()))
        except Exception as exc:  # a worker's failure must fail the test, not vanish with its thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    session.expire_all()
    assert sum(r.immediate for r in results) == 30 and sum(r.digests for r in results) == 30
    mails = follow_mails(session)
    assert len(mails) == 60 and len({m.to_address for m in mails}) == 60
    deliveries = session.execute(select(FollowDelivery.subscription_id, FollowDelivery.event_id)).all()
    # each import of the 2-1 ledgers also puts 1-2 back as the first ledger had it: more events of 1-2
    of_1_2 = session.scalar(select(func.count()).select_from(FollowEvent).where(FollowEvent.details["code"]
                                                                               .as_string() == "1-2"))
    assert of_1_2 == 6
    assert len(deliveries) == len(set(deliveries)) == 60 * of_1_2
