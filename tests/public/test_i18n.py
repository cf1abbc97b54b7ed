"""Chinese by default, English by cookie or Accept-Language; the switch link never leads off the site."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import refresh

from portal.i18n import LOCALE_COOKIE
from tests.public.factory import seed

PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"


def page(client, path: str = "/", **headers) -> str:
    return client.get(path, headers=headers).get_data(as_text=True)


def test_chinese_by_default(app, client):
    seed(app)
    html = page(client)
    assert '<html lang="zh-Hans">' in html
    assert "整改进展" in html and "反馈日期" in html and "2020年11月16日" in html
    assert 'href="/lang/en?next=/"' in html and ">English</a>" in html


def test_english_by_cookie(app, client):
    slug = seed(app)
    client.set_cookie(LOCALE_COOKIE, "en")
    html = page(client)
    assert '<html lang="en">' in html
    assert "Progress by category" in html and "Feedback date" in html and "November 16, 2020" in html
    assert "整改进展" not in html
    assert "第1方面的问题" in html, "ledger content stays Chinese"
    assert ">中文</a>" in html
    assert "Problem 2" in page(client, f"/campaigns/{slug}/problems/2")


def test_english_by_accept_language(app, client):
    seed(app)
    html = page(client, **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in html and "Rectification Supervision Portal" in html
    assert '<html lang="zh-Hans">' in page(client, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})


def test_cookie_wins_over_accept_language(app, client):
    seed(app)
    client.set_cookie(LOCALE_COOKIE, "zh_Hans")
    assert '<html lang="zh-Hans">' in page(client, **{"Accept-Language": "en"})


def test_home_page_cache_keeps_languages_apart(app, client):
    seed(app)
    assert "整改进展" in page(client)
    assert "Progress by category" in page(client, **{"Accept-Language": "en"})
    assert "整改进展" in page(client)


def test_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/lang/en?next=/campaigns/t/problems/2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/campaigns/t/problems/2"
    cookie = client.get_cookie(LOCALE_COOKIE)
    assert cookie is not None and cookie.value == "en"
    assert '<html lang="en">' in page(client, "/")
    client.get("/lang/zh_Hans?next=/")
    assert '<html lang="zh-Hans">' in page(client, "/")


def test_switch_keeps_the_query_string(client):
    response = client.get("/lang/en", query_string={"next": "/campaigns/t/reports/?page=2"})
    assert response.headers["Location"] == "/campaigns/t/reports/?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "http:/evil.example", "javascript:alert(1)", "evil.example", "",
])
def test_switch_refuses_to_leave_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_switch_to_an_unknown_language_is_404(client):
    assert client.get("/lang/fr?next=/").status_code == 404
    assert client.get_cookie(LOCALE_COOKIE) is None


def test_every_page_has_the_switch_link(app, client):
    slug = seed(app)
    for path in ("/", f"/campaigns/{slug}/categories/1", f"/campaigns/{slug}/problems/1",
                 f"/campaigns/{slug}/measures/1-1", f"/campaigns/{slug}/reports/", "/contact", "/missing"):
        assert f'href="/lang/en?next={path}"' in page(client, path), path


def test_404_in_english(client):
    client.set_cookie(LOCALE_COOKIE, "en")
    response = client.get("/missing")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_english_catalogue_translates_every_message():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert template <= translated
    for message in catalogue:
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


@pytest.mark.parametrize("default, expected", [("zh_Hans", "登录失败"), ("en", "Failed login")])
def test_outside_a_request_text_is_in_the_default_language(app, default, expected):
    """Commands and mail workers have no request: they get the default locale, not an error."""
    from flask_babel import get_locale, refresh

    from portal.labels import ACTIONS
    app.config["BABEL_DEFAULT_LOCALE"] = default
    with app.app_context():
        refresh()
        assert str(get_locale()) == default
        assert str(ACTIONS["user.login_failed"]) == expected


def test_staff_pages_have_the_switch_link_back_to_the_same_page(client, make_user, login):
    assert 'href="/lang/en?next=/staff/login"' in page(client, "/staff/login")
    login(make_user("triager"))
    queue = page(client, "/staff/queue?state=new")
    assert 'href="/lang/en?next=/staff/queue?state%3Dnew"' in queue and '<html lang="zh-Hans">' in queue
    response = client.get("/lang/en", query_string={"next": "/staff/queue?state=new"})
    assert response.headers["Location"] == "/staff/queue?state=new"
    refresh()  # the test's app context (held for the session) remembers the locale of the first request
    english = page(client, "/staff/queue?state=new")
    assert '<html lang="en">' in english and ">中文</a>" in english


def test_english_pages_mark_ledger_titles_and_the_unit_as_chinese(app, client):
    """Screen readers pronounce the Chinese parts of an English page as Chinese (WCAG 3.1.2, language of parts)."""
    slug = seed(app)
    client.set_cookie(LOCALE_COOKIE, "en")
    crumbs = page(client, f"/campaigns/{slug}/problems/1").split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert f'href="/campaigns/{slug}/" lang="zh-Hans">{slug}整改任务</a>' in crumbs
    assert 'lang="zh-Hans">第1方面的问题</a>' in crumbs and ">Problem 1</span>" in crumbs
    assert "handled by <span lang=\"zh-Hans\">测试单位党组</span>;" in page(client, "/privacy")


def test_the_message_template_holds_every_message_of_the_source():
    """pybabel extract (babel.cfg) was run after the last text change: no message escapes the English catalogue."""
    from babel.messages.extract import extract_from_dir

    root = TRANSLATIONS.parent.parent
    method_map = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {message for _, _, message, _, _ in extract_from_dir(
        root, method_map, keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)})
        if isinstance(message, str)}
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert sorted(found - template) == []


def test_service_refusals_are_translated_where_they_are_raised():
    """Every ServiceError raised in portal/services carries gettext text (or a message made elsewhere), never a
    Chinese literal that the English staff pages would show as it is."""
    import ast

    untranslated = []
    for path in (TRANSLATIONS.parent / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                if isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str)
                                                        and re.search(r"[\u4e00-\u9fff]", first.value)):
                    untranslated.append(f"{path.name}:{node.lineno}")
    assert [place for place in untranslated if place.split(":")[0] not in OPERATOR_ONLY] == []


#: modules whose refusals only operators see, in Chinese, on the command line
OPERATOR_ONLY = {"backup.py", "campaigns.py", "exporter.py", "export.py", "reader.py", "importer.py", "imap.py",
                 "parse.py", "engine.py", "clocks.py", "deadlines.py", "workbook.py", "csvsheet.py"}


def test_english_staff_pages_show_the_services_refusals_in_english(client, make_user, login, new_item, post_form):
    """A refusal made in a service (an empty note, an over-long field) reaches the English staff page in English."""
    item, _code = new_item()
    login(make_user("triager"))
    client.set_cookie(LOCALE_COOKIE, "en")
    refresh()
    page_url = f"/staff/items/{item.case_number}"
    note = post_form(f"{page_url}/notes", {"text": "  "}, page=page_url).get_data(as_text=True)
    assert "Enter the note." in note and "请填写备注内容" not in note
    reject = post_form(f"{page_url}/transitions/reject", {"reason": "x" * 2001, "confirm": "1"},
                       page=page_url).get_data(as_text=True)
    assert "“Reason” may be at most 2000 characters long." in reject
