"""The case page's forms: ask for a review (复查), add material, leave the case."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField

from ..services.feedback.attachments import Upload
from .feedback_forms import TEXT


class ReviewForm(FlaskForm):
    """申请复查: why the answer does not settle the matter."""

    reason = TextAreaField(_l("申请复查的理由"), **TEXT)


class MaterialForm(FlaskForm):
    """补充材料: more text and files for a case still being handled."""

    text = TextAreaField(_l("补充内容"), **TEXT)
    files = MultipleFileField(_l("附件（可选）"))

    def uploads(self) -> list[Upload]:
        """The chosen files; browsers send an empty part when none was chosen."""
        return [Upload(f.filename, f.read()) for f in self.files.data or () if f and f.filename]


class LeaveForm(FlaskForm):
    """退出查询: the case leaves this browser's session (only the CSRF token)."""
