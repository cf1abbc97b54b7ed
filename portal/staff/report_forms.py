"""Forms of the rectification office's progress reports (进展通报): a new draft, its corrections, publication."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..services.reports.drafts import TITLE_LENGTH, DraftDetails


class DraftDetailsForm(FlaskForm):
    """截至日期 and the optional title; the services check them again."""

    as_of = DateField(_l("截至日期"), [InputRequired(_l("请填写截至日期。"))])
    title = StringField(_l("标题（可选）"), [Optional(), Length(max=TITLE_LENGTH)])

    def details(self) -> DraftDetails:
        return DraftDetails(self.as_of.data, self.title.data)


class NewReportForm(DraftDetailsForm):
    """The report's text, pasted or as a file."""

    text = TextAreaField(_l("粘贴通报正文"))
    upload = FileField(_l("或上传通报文件（.txt 或 .docx）"))


class DraftForm(DraftDetailsForm):
    """The corrected text, and the revision of the draft it was corrected from."""

    body = TextAreaField(_l("通报正文（可直接修改）"), [InputRequired(_l("通报正文不能为空。"))])
    revision = IntegerField(widget=HiddenInput())


class PublishForm(FlaskForm):
    """The revision reviewed, and the tick that publishes with 待核对 places left."""

    revision = IntegerField(widget=HiddenInput())
    accept_marks = BooleanField()


class DiscardForm(FlaskForm):
    """Only the CSRF token: the confirmation page is the confirmation."""
