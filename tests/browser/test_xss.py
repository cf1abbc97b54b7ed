"""XSS checked in the browser: the payload corpus (tests/xss_corpus.py) stored through the opinion form, the phone and
letter forms, email, ledger cells, report text, notes, reasons and a published answer, then every public and staff
page that shows it opened in Chromium: no dialog fires and no element or attribute a payload would inject exists.
The CSP is checked too: an inline script added to a page is refused (a console message), never run."""
from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

import pytest
from tests.browser.fixtures import login, new_page
from tests.browser.test_rectification import office_account
from tests.ledger_files import write_csv
from playwright.sync_api import expect
from sqlalchemy import select
from tests.xss_corpus import PAYLOADS

from portal import db
from portal.models import Campaign, FeedbackItem, ProgressReport, Reply, User, utcnow
from portal.services.replies import publication, drafting as replies
from portal.services.feedback import workflow
from portal.services.ledger.campaigns import create_campaign
from portal.services.feedback.intake import IntakeSettings
from portal.services.ledger import rechecks
from portal.services.ledger.importer import import_ledger
from portal.services.mail.ingest import IngestSettings, ingest
from portal.services.reports import drafts
from portal.services.reports.importer import import_report
from portal.services.accounts.users import department_named

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ALL = "\n".join(PAYLOADS.values())
#: one payload of each family, for the fields that show one text each (ledger cells, subjects, names)
SAMPLE = [PAYLOADS[name] for name in (
    "script tag", "double-quote breakout + script", "img onerror, quoted, Chinese", "svg onload", "svg xlink javascript",
    "math mutation", "iframe srcdoc", "anchor javascript, entity-encoded", "details ontoggle", "input autofocus onfocus",
    "meta refresh", "base href", "broken: noscript title", "attribute breakout, unquoted", "Jinja expression",
    "Chinese around an img", "emoji and svg")]
SLUG = "xss"

#: what a payload would leave in the DOM if it were rendered as markup; each finding is described as a string
INJECTED = r"""() => {
  const found = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcdoc'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const where = tag + (el.id ? '#' + el.id : '');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\u0000-\u0020\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(where + ' has an event handler ' + name);
      if (name === 'srcdoc' || name === 'autofocus' && tag !== 'input') found.push(where + ' has ' + name);
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data):/.test(value)) found.push(where + ' ' + name + '=' + value);
      if (urlAttrs.includes(name) && value.includes('xss.example')) found.push(where + ' loads ' + value);
      if (name === 'style' && /expression|javascript|url\(/.test(value)) found.push(where + ' style=' + value);
    }
    // the one <details> of the templates (the filters of /answers) carries its class; a payload's would not
    if (['iframe', 'frame', 'object', 'embed', 'base', 'math', 'template', 'noscript', 'details'].includes(tag)
        && !(tag === 'details' && el.className === 'filter-box'))
      found.push('a <' + tag + '> element');
    if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/static/')) found.push('an inline or foreign <script>');
    if (tag === 'style') found.push('a <style> element');
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push('<meta http-equiv>');
    // a stylesheet, or the page's own Atom feed named in <head> (campaign, problem and measure pages)
    const href = el.getAttribute('href') || '';
    const feed = el.rel === 'alternate' && el.type === 'application/atom+xml' && el.parentElement.tagName === 'HEAD'
      && /^\/campaigns\/[^/]+\/(?:[^?#]*\/)?feed\.atom$/.test(href);
    if (tag === 'link' && !href.startsWith('/static/') && !feed) found.push('<link href=' + href + '>');
    if (tag === 'img' && el.getAttribute('src') === 'x') found.push('<img src=x>');
    if (tag === 'svg' && el.querySelector('script, animate, a')) found.push('an <svg> with script, animate or a link');
  }
  return found;
}"""


def findings(page) -> list[str]:
    return [f"{page.url}: {finding}" for finding in page.evaluate(INJECTED)]


def _user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def store_ledger_and_report(app, tmp_path) -> list[str]:
    """A campaign whose every ledger cell and whose report carry payloads; public paths to open."""
    texts = SAMPLE
    rows = [[i + 1, texts[(i + 6) % len(texts)], i + 1, texts[i], "1个月内整改到位", texts[(i + 1) % len(texts)],
             texts[(i + 2) % len(texts)], texts[(i + 3) % len(texts)], f"{i + 1}-1", texts[(i + 4) % len(texts)],
             "已完成" if i % 2 else "正在整改", "2021-01-15" if i % 2 else "", texts[(i + 5) % len(texts)]]
            for i in range(len(texts))]
    ledger = write_csv(tmp_path / "xss.csv", rows)
    with app.test_request_context():
        session = db.session()
        campaign = create_campaign(session, SLUG, texts[0], date(2020, 11, 16), unit=texts[1],
                                   inspecting_body=texts[2], contact_address=texts[3])
        import_ledger(session, campaign, ledger, actor="xss")
        import_report(session, campaign, "截至2021年3月31日，共5个方面54个问题。\n\n" + "\n\n".join(PAYLOADS.values()),
                      as_of=date(2021, 3, 31), title=texts[4])
        session.commit()
        report_id = session.scalar(select(ProgressReport.id).where(ProgressReport.campaign_id == campaign.id))
        categories = len(set(row[1] for row in rows))
    base = f"/campaigns/{SLUG}"
    return ["/", f"{base}/", f"{base}/reports/", f"{base}/reports/{report_id}", "/feedback?campaign=" + SLUG,
            f"{base}/problems/", f"{base}/problems/?leader={quote(texts[1])}", f"{base}/progress"]\
        + [f"{base}/categories/{k}" for k in range(1, categories + 1)]\
        + [f"{base}/problems/{i + 1}" for i in range(len(texts))]\
        + [f"{base}/measures/{i + 1}-1" for i in range(len(texts))]


def store_report_draft(app, portal) -> list[str]:
    """A 进展通报 draft of the payload campaign with payloads in its title, file name, text (one garbled place, so a
    mark shows them) and a deadline class label (named in a disagreement); the office's paths to open."""
    office_account(portal)
    text = (f"共5个方面54个问题，其中“3个月内{SAMPLE[2]}整改到位”的2个问题。\n{ALL}\n"
            f"全总下?lián)芎{SAMPLE[0]}和省总列支的专项资金。")
    with app.test_request_context():
        session = db.session()
        office = _user(session, portal.accounts["rectification"])
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        draft = drafts.create_draft(session, office, campaign, text, drafts.DraftDetails(date.today(), SAMPLE[4]),
                                    source_name=SAMPLE[3])
        session.commit()
        base = f"/staff/campaigns/{SLUG}/reports"
        return [base, f"{base}/drafts/{draft.id}", f"{base}/drafts/{draft.id}/publish",
                f"{base}/drafts/{draft.id}/discard"]


def store_rechecks(app) -> list[str]:
    """回头看 of three completed measures, by and noted with payloads: a 反弹 (its note also in the measure's public
    history), a 巩固 and one still open; the office's paths to open."""
    with app.test_request_context():
        session = db.session()
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        relapsed, held, waiting = rechecks.schedule(session, campaign, date.today(), actor=SAMPLE[3],
                                                    codes=["2-1", "4-1", "6-1"])
        rechecks.record(session, relapsed, "relapsed", "\n".join(SAMPLE), actor=SAMPLE[4])
        rechecks.record(session, held, "held", "\n".join(SAMPLE), actor=SAMPLE[5])
        session.commit()
        base = f"/staff/campaigns/{SLUG}/rechecks"
        return [base] + [f"{base}/{recheck.id}" for recheck in (relapsed, held, waiting)]


def mail(subject: str, body: str, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = f'"{SAMPLE[5][:30]}" <xss-sender@example.org>'
    message["To"] = "gsghzys@163.com"
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="example.org")
    if html:
        message.set_content(f"<html><body><p>{body}</p></body></html>", subtype="html")
    else:
        message.set_content(body)
    return message.as_bytes()


def store_mail(app) -> list[str]:
    """Two emails (plain and HTML-only) with payloads in the subject and body; their case numbers."""
    cases = []
    with app.test_request_context():
        session = db.session()
        settings = IngestSettings.from_config(app.config)
        for i, html in enumerate((False, True)):
            result = ingest(session, mail(SAMPLE[i + 6], "来信反映：\n" + ALL, html), "pipe", settings)
            assert result.item is not None, result.outcome
            cases.append(result.item.case_number)
        session.commit()
    return cases


def answer_and_reject(app, portal, answered: str, rejected: str) -> None:
    """The answered case: accepted, assigned, a reply full of payloads approved and published; the other refused
    with a payload as the reason (shown to the citizen in the lookup)."""
    with app.test_request_context():
        session = db.session()
        clocks = IntakeSettings.from_config(app.config).clocks
        triager, research = _user(session, portal.accounts["triager"]), _user(session, portal.accounts["research"])
        item = session.scalar(select(FeedbackItem).where(FeedbackItem.case_number == answered))
        workflow.apply(session, item, "accept", triager, clocks)
        workflow.apply(session, item, "assign", triager, clocks, department=department_named(session, "政研室"))
        reply = replies.start_draft(session, research, item, "答复如下：\n" + ALL, clocks)
        replies.submit(session, research, reply)
        replies.approve(session, research, reply, replies.ReplySettings.from_config(app.config), confirmed=True)
        publication.propose(session, research, reply)
        publication.publish(session, research, reply, confirmed=True, spans_checked=True)
        other = session.scalar(select(FeedbackItem).where(FeedbackItem.case_number == rejected))
        workflow.apply(session, other, "reject", triager, clocks, reason=SAMPLE[9] + SAMPLE[1])
        session.commit()


def submit_form(page, portal, subject: str, name: str) -> tuple[str, str]:
    """The opinion form in the browser, payloads in the subject, content and name; (case number, query code)."""
    page.goto(portal.url + "/feedback")
    page.get_by_label("建议意见", exact=True).check()
    page.get_by_label("标题").fill(subject)
    page.get_by_label("内容").fill(ALL)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("电子邮箱").fill("xss-citizen@example.org")
    page.get_by_label("希望得到答复").check()
    page.get_by_label("我已阅读并同意上述个人信息处理规则").check()
    page.get_by_label("同意在本平台公开对本件的答复").check()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的意见已收到")
    assert page.dialogs == [] and findings(page) == []
    return page.locator(".case-number").inner_text().strip(), page.locator(".query-code").inner_text().strip()


def log_call_and_letter(page, portal) -> list[str]:
    """The clerk's phone and letter forms in the browser, with payloads in every text field; the case numbers."""
    cases = []
    login(page, portal, "clerk")
    page.goto(portal.url + "/staff/log/phone")
    page.get_by_label("诉求类型").select_option(label="咨询")
    page.get_by_label("来电人姓名").fill(SAMPLE[10])
    page.get_by_label("主题").fill(SAMPLE[11])
    page.get_by_label("内容摘要").fill(ALL)
    page.get_by_role("button", name="登记并生成受理编号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("来电已登记")
    cases.append(page.locator(".case-number").inner_text().strip())
    page.goto(portal.url + "/staff/log/letter")
    page.get_by_label("诉求类型").select_option(label="检举控告")
    page.get_by_label("来信人姓名").fill(SAMPLE[12])
    page.get_by_label("通信地址").fill(SAMPLE[13])
    page.get_by_label("主题").fill(SAMPLE[14])
    page.get_by_label("内容摘要").fill(ALL)
    page.get_by_role("button", name="登记并生成受理编号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("来信已登记")
    cases.append(page.locator(".case-number").inner_text().strip())
    page.context.close()
    return cases


def visit(page, portal, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        response = page.goto(portal.url + path)
        assert response.status == 200, f"GET {path}: {response.status}"
        found += findings(page)
    return found


def test_stored_payloads_are_inert_in_the_browser_on_public_and_staff_pages(browser, live_portal, tmp_path):
    portal, app = live_portal, live_portal.app
    public_paths = store_ledger_and_report(app, tmp_path)
    recheck_paths = store_rechecks(app)

    citizen = new_page(browser)
    answered, _ = submit_form(citizen, portal, SAMPLE[7], SAMPLE[8])
    rejected, rejected_code = submit_form(citizen, portal, SAMPLE[15], SAMPLE[16])
    clerk_cases = log_call_and_letter(new_page(browser), portal)
    mail_cases = store_mail(app)
    answer_and_reject(app, portal, answered, rejected)

    found = visit(citizen, portal, public_paths + ["/answers"])
    expect(citizen.locator("main")).to_contain_text(PAYLOADS["script tag"])  # shown as text, not dropped
    citizen.goto(portal.url + "/lookup")
    citizen.get_by_label("受理编号").fill(rejected)
    citizen.get_by_label("查询码").fill(rejected_code)
    citizen.get_by_role("button", name="查询", exact=True).click()
    expect(citizen.locator("main")).to_contain_text("不予受理")
    expect(citizen.locator("main")).to_contain_text(SAMPLE[9])
    found += findings(citizen)

    triager = new_page(browser)
    login(triager, portal, "triager")
    cases = [answered, rejected, *clerk_cases, *mail_cases]
    found += visit(triager, portal, ["/staff/queue", "/staff/inbound"] + [f"/staff/items/{case}" for case in cases])
    for case, shown in ((clerk_cases[1], SAMPLE[12]), (mail_cases[0], "xss-sender@example.org")):
        triager.goto(f"{portal.url}/staff/items/{case}")
        triager.get_by_role("button", name="查看完整联系方式").click()
        expect(triager.locator("main")).to_contain_text(shown)  # the sender's name: a payload, shown as text
        found += findings(triager)
    research = new_page(browser)
    login(research, portal, "research")
    with app.app_context():
        reply_id = db.session().scalar(select(Reply.id).join(FeedbackItem, Reply.item_id == FeedbackItem.id)
                                       .where(FeedbackItem.case_number == answered))
    found += visit(research, portal, ["/staff/outbox", f"/staff/items/{answered}/replies/{reply_id}",
                                      f"/staff/items/{answered}/replies/{reply_id}/publication"])
    supervisor = new_page(browser)
    login(supervisor, portal, "supervisor")
    found += visit(supervisor, portal, ["/staff/audit"])
    draft_paths = store_report_draft(app, portal)
    office = new_page(browser)
    login(office, portal, "rectification")
    found += visit(office, portal, draft_paths)
    office.goto(portal.url + draft_paths[1])
    expect(office.locator("#draft-marks")).to_contain_text("<script>ale")  # the mark's context, shown as text
    found += visit(office, portal, ["/staff/", "/staff/campaigns", *recheck_paths])
    expect(office.locator("main")).to_contain_text(SAMPLE[0])

    pages = [citizen, triager, research, supervisor, office]
    dialogs = [d for p in pages for d in p.dialogs]
    for p in pages:
        p.context.close()
    assert not dialogs, dialogs
    assert not found, "\n".join(found)


def test_the_checks_see_an_injected_payload_and_a_dialog(browser, live_portal):
    """Controls: the DOM check finds markup a payload would inject, and the dialog handler records an alert."""
    page = new_page(browser)
    page.goto(live_portal.url + "/privacy")
    assert findings(page) == []
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src=x onerror=alert(1)><svg onload=alert(1)></svg><a href="javascript:alert(1)">x</a>')""")
    found = "\n".join(findings(page))
    assert "onerror" in found and "onload" in found and "javascript:" in found, found
    page.evaluate("() => alert('control')")
    assert page.dialogs == ["alert: control"]
    page.context.close()


def test_the_content_security_policy_refuses_inline_scripts(browser, live_portal):
    page = new_page(browser)
    page.goto(live_portal.url + "/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refused:
        page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = "alert('inline script ran')";
            document.body.appendChild(s);
        }""")
    assert re.search(r"inline script.*(blocked|[Rr]efused)|[Rr]efused to execute inline script", refused.value.text), \
        refused.value.text
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refused:
        page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<img src="/static/no-such-image.png" onerror="alert(\\'handler ran\\')">')""")
    assert re.search(r"inline event handler.*(blocked|[Rr]efused)|[Rr]efused to execute inline event handler",
                     refused.value.text), refused.value.text
    page.goto(live_portal.url + "/")  # a page load settles anything still pending
    assert page.dialogs == []
    page.context.close()
