"""我要提意见 at its limits: too many posts, too many or too large files. The citizen is told the real limits and
never loses what they typed."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal import create_app
from portal.models import Attachment, FeedbackItem
from portal.services.feedback.attachments import MAX_BYTES, MAX_FILES
from tests import samples
from tests.feedback.test_public_form import CONTENT, CSRF_TOKEN, VALID, error_of, items, submit

TYPED = {"subject": "关于第二批整改措施", "name": "张三", "email": "zhang@example.org", "phone": "13812341762"}


def full_pdf() -> bytes:
    """A real PDF (the server parses what it accepts) of exactly the per-file limit: an unused stream pads it."""
    def padded(length: int) -> bytes:
        return samples.pdf({4: b"<< /Length %d >>\nstream\n" % length + b"0" * length + b"\nendstream"})

    padding = MAX_BYTES - len(padded(0)) - 16
    document = padded(padding)
    return document + b"\n" * (MAX_BYTES - len(document))


def pdfs(count: int, data: bytes) -> list:
    return [(io.BytesIO(data), f"证明{i}.pdf") for i in range(count)]


def test_the_form_refused_for_posting_too_often_comes_back_with_everything_typed(db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "FORM_RATE_LIMIT": "1 per minute"}, instance_path=str(tmp_path / "limited"))
    client = app.test_client()
    token = CSRF_TOKEN.search(client.get("/feedback").get_data(as_text=True)).group(1)
    assert client.post("/feedback", data={**VALID, "csrf_token": token}).status_code == 303
    refused = client.post("/feedback", data={**VALID, **TYPED, "kind": "report", "wants_reply": "y",
                                             "csrf_token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert refused.headers["Cache-Control"] == "no-store"
    assert "操作过于频繁" in html and "每分钟最多提交1次" in html and "您填写的内容仍在下方" in html
    assert f"{CONTENT}</textarea>" in html
    for value in TYPED.values():
        assert f'value="{value}"' in html
    assert '<input checked id="kind-1" name="kind" type="radio" value="report">' in html
    assert CSRF_TOKEN.search(html), "a fresh token, so the citizen can submit again after the minute"
    app.extensions["portal.db"].kw["bind"].dispose()


def test_too_large_a_request_gets_a_page_stating_the_real_limits_and_the_way_back(client, session, post_form):
    response = submit(post_form, attachments=pdfs(MAX_FILES + 1, full_pdf()))
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "最多5个附件，每个不超过10MB，全部内容合计不超过60MB" in html
    assert "后退" in html and "您填写的文字仍在" in html
    assert items(session) == 0


def test_five_files_of_the_full_size_and_the_text_are_accepted(client, session, post_form):
    response = submit(post_form, attachments=pdfs(MAX_FILES, full_pdf()))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert items(session) == 1
    assert session.scalar(select(func.count()).select_from(Attachment)) == MAX_FILES
    assert session.scalar(select(FeedbackItem.content)) == CONTENT


def test_a_sixth_file_within_the_total_is_refused_by_the_form_with_the_text_kept(client, session, post_form):
    files = pdfs(MAX_FILES, full_pdf()) + [(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "第六份.pdf")]
    response = submit(post_form, attachments=files, **TYPED)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "最多上传5个附件" in error_of(html, "attachments")
    assert f"{CONTENT}</textarea>" in html and 'value="张三"' in html
    assert items(session) == 0


def test_the_form_tells_the_script_the_limits(client):
    html = client.get("/feedback").get_data(as_text=True)
    assert 'data-max-files="5"' in html and f'data-max-file-bytes="{MAX_BYTES}"' in html
    assert 'data-max-total-bytes="' in html and "{count}" in html and "{name}" in html
    assert '<script src="/static/js/attachments.js" defer></script>' in html
