"""The attachment checks against the upload corpus (tests/upload_corpus.py): every hostile file refused saying which
and why, every ordinary one accepted as what its parser found, each quickly. Checked by the service, in a request
(messages are translated) of a portal whose database is never touched; tests/security/test_uploads.py posts files
through the forms."""
from __future__ import annotations

import time

import pytest
from flask_babel import force_locale

from portal import create_app
from portal.services.feedback.attachments import Upload, UploadRejected, check_upload, check_uploads
from tests.upload_corpus import HOSTILE, JS, ORDINARY, opening

#: a time no single check may take, hostile or not (the real ones take milliseconds to a few hundred)
SECONDS_PER_FILE = 3.0


@pytest.fixture(scope="module")
def request_context(tmp_path_factory):
    """Messages are translated: the checks run inside a request of a portal (whose database is never touched)."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{instance}/unused.db", "SECRET_KEY": "test"},
                     instance_path=str(instance))
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_is_refused_saying_which_and_why(request_context, case):
    name, data, why = HOSTILE[case]
    started = time.monotonic()
    with pytest.raises(UploadRejected) as refused:
        check_upload(Upload(name, data))
    assert time.monotonic() - started < SECONDS_PER_FILE
    message = str(refused.value.message)
    assert message.startswith(f"文件“{name}”") and why in message, message


@pytest.mark.parametrize("case", ORDINARY)
def test_ordinary_file_is_accepted_as_its_parser_found_it(request_context, case):
    name, data, content_type = ORDINARY[case]
    assert check_upload(Upload(name, data)) == content_type


def test_the_whole_hostile_corpus_is_refused_within_a_bound(request_context):
    uploads = [Upload(name, data) for name, data, _ in HOSTILE.values()]
    started = time.monotonic()
    for upload in uploads:
        with pytest.raises(UploadRejected):
            check_uploads([upload])
    assert time.monotonic() - started < SECONDS_PER_FILE * 5


def test_messages_are_translated(request_context):
    with force_locale("en"), pytest.raises(UploadRejected) as refused:
        check_upload(Upload("js.pdf", opening(JS)))
    assert "js.pdf" in str(refused.value.message) and "文件" not in str(refused.value.message)
