"""Forms for correcting a logged call or letter; they parse input, portal.services.feedback.corrections decides."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, EmailField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..services.feedback.corrections import Correction
from ..services.feedback.intake import Contact
from .intake_forms import RefusalsForm

#: contact_shown holds this once the contact was revealed (audited) for correcting
SHOWN = "1"


class CorrectionForm(RefusalsForm):
    """更正登记信息: kind, subject, content and, once revealed, the contact."""

    contact_shown = HiddenField()
    name = StringField(_l("姓名"), [Length(max=100)])
    phone = StringField(_l("电话"), [Length(max=50)])
    email = EmailField(_l("电子邮箱"), [Length(max=254)])
    address = StringField(_l("通信地址"), [Length(max=300)])

    @property
    def contact_in_form(self) -> bool:
        return self.contact_shown.data == SHOWN

    def show_contact(self, values: dict[str, str]) -> None:
        """Put the revealed contact into the fields, to be corrected."""
        self.contact_shown.data = SHOWN
        for name, value in values.items():
            self[name].data = value

    def _contact(self) -> Contact | None:
        if not self.contact_in_form:
            return None
        return Contact(name=self.name.data or "", phone=self.phone.data or "", email=self.email.data or "",
                       address=self.address.data or "")

    def to_correction(self) -> Correction:
        return Correction(kind=self.kind.data or "", subject=self.subject.data or "", content=self.content.data or "",
                          contact=self._contact())


class PhoneCorrectionForm(CorrectionForm):
    call_at = DateTimeLocalField(_l("来电时间"), [InputRequired(message=_l("请填写来电时间。"))],
                                 format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])

    def to_correction(self) -> Correction:
        correction = super().to_correction()
        correction.call_at = self.call_at.data
        return correction


class LetterCorrectionForm(CorrectionForm):
    received_on = DateField(_l("收信日期"), [InputRequired(message=_l("请填写收信日期。"))])
    postmark_date = DateField(_l("邮戳日期（可选）"), [Optional()])

    def to_correction(self) -> Correction:
        correction = super().to_correction()
        correction.received_on, correction.postmark_date = self.received_on.data, self.postmark_date.data
        return correction
