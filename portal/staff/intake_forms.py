"""Forms for logging a phone call or a letter; they parse input, the intake services decide what is valid."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..labels import KINDS, LANGUAGES, PHONE_LINES
from ..services.feedback import receipts
from ..services.feedback.attachments import Upload
from ..services.feedback.clerk_intake import Letter, LinkPicker, PhoneCall, parse_codes


def _local_now() -> datetime:
    """Now on the office's wall clock, to the minute, as a datetime-local input shows it."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).replace(second=0, microsecond=0, tzinfo=None)


def _local_today():
    return _local_now().date()


class RefusalsForm(FlaskForm):
    """A form that shows the intake services' refusals next to its fields and sums them up at the top."""

    #: service error key → the field it belongs next to, where the names differ
    ERROR_FIELDS: dict[str, str] = {}

    kind = SelectField(_l("诉求类型"), choices=[SelectChoice("", _l("请选择")),
                                                *(SelectChoice(code, text) for code, text in KINDS.items())],
                       validate_choice=False)
    subject = StringField(_l("主题（可选）"), [Optional(), Length(max=200, message=_l("主题最多200个字。"))])
    content = TextAreaField(_l("内容摘要"))

    def add_service_errors(self, errors: dict[str, str]) -> None:
        """Show each refusal of the intake service next to its field, unless the field was already refused."""
        for key, message in errors.items():
            field = self._fields.get(self.ERROR_FIELDS.get(key, key)) or self.content
            if not field.errors:
                field.errors = [message]

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the summary at the top of the form."""
        return [(field.id, message) for field in self if field.errors for message in field.errors]


class ItemForm(RefusalsForm):
    """What every logged item has: kind, subject, summary, links, whether a reply is wanted."""

    ERROR_FIELDS = {"targets": "target_codes"}

    target = SelectField(_l("关联的问题或措施"), validate_choice=False)
    target_codes = StringField(_l("其他编号（可选）"), [Length(max=200)])
    wants_reply = BooleanField(_l("要求答复"))
    language = SelectField(_l("来件使用的语言"), choices=[SelectChoice(code, text) for code, text in LANGUAGES.items()],
                           default="zh")
    #: one random token per rendering of the form: the same form sent twice logs one case (services.feedback.receipts)
    submission = HiddenField()

    def __init__(self, picker: LinkPicker, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not receipts.is_token(self.submission.data):
            self.submission.data = receipts.new_token()
        # an ideographic space survives in <option> text (ASCII spaces are stripped): measures sit under their problem
        self.target.choices = [SelectChoice("", _("不关联")), *(
            SelectChoice(t.code, "\u3000" + _("措施%(code)s：%(text)s", code=t.code, text=t.text) if t.is_measure
                         else _("问题%(number)s：%(text)s", number=t.code, text=t.text), optgroup=title)
            for title, targets in picker.groups for t in targets)]

    def targets(self) -> list[str]:
        return parse_codes(self.target.data, self.target_codes.data)


class PhoneForm(ItemForm):
    """登记来电."""

    ERROR_FIELDS = {**ItemForm.ERROR_FIELDS, "phone": "caller_phone", "call_duration": "duration_minutes"}

    caller_name = StringField(_l("来电人姓名（可选）"), [Length(max=100)])
    caller_phone = StringField(_l("来电号码（可选）"), [Length(max=50)])
    call_at = DateTimeLocalField(_l("来电时间"), [InputRequired(message=_l("请填写来电时间。"))], default=_local_now,
                                format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    duration_minutes = IntegerField(_l("分"), [Optional(), NumberRange(0, 1440, message=_l("分钟数无效。"))])
    duration_seconds = IntegerField(_l("秒"), [Optional(), NumberRange(0, 59, message=_l("秒数须在0到59之间。"))])
    phone_line = RadioField(_l("来电线路"), choices=[SelectChoice(code, text) for code, text in PHONE_LINES.items()],
                            default="0931-8821762",
                            validate_choice=False)
    consent_publish = BooleanField(_l("来电人同意公开答复"))

    def to_call(self) -> PhoneCall:
        minutes, seconds = self.duration_minutes.data, self.duration_seconds.data
        duration = None if minutes is None and seconds is None else (minutes or 0) * 60 + (seconds or 0)
        return PhoneCall(kind=self.kind.data, content=self.content.data or "", call_at=self.call_at.data,
                         phone_line=self.phone_line.data, caller_name=self.caller_name.data or "",
                         caller_phone=self.caller_phone.data or "", duration_seconds=duration,
                         subject=self.subject.data or "", wants_reply=self.wants_reply.data,
                         consent_publish=self.consent_publish.data, targets=self.targets(),
                         language=self.language.data)


class LetterForm(ItemForm):
    """登记来信."""

    ERROR_FIELDS = {**ItemForm.ERROR_FIELDS, "attachments": "scans"}

    sender_name = StringField(_l("来信人姓名（可选）"), [Length(max=100)])
    address = StringField(_l("通信地址（可选）"), [Length(max=300)])
    phone = StringField(_l("电话（可选）"), [Length(max=50)])
    email = EmailField(_l("电子邮箱（可选）"), [Length(max=254)])
    postmark_date = DateField(_l("邮戳日期（可选）"), [Optional()])
    received_on = DateField(_l("收信日期"), [InputRequired(message=_l("请填写收信日期。"))], default=_local_today)
    scans = MultipleFileField(_l("信件扫描件（可选）"))
    consent_publish = BooleanField(_l("来信人同意公开答复"))

    def to_letter(self) -> Letter:
        files = [f for f in (self.scans.data or []) if f and f.filename]
        return Letter(kind=self.kind.data, content=self.content.data or "", received_on=self.received_on.data,
                      postmark_date=self.postmark_date.data, sender_name=self.sender_name.data or "",
                      address=self.address.data or "", phone=self.phone.data or "", email=self.email.data or "",
                      subject=self.subject.data or "", wants_reply=self.wants_reply.data,
                      consent_publish=self.consent_publish.data, targets=self.targets(),
                      uploads=[Upload(f.filename, f.read()) for f in files], language=self.language.data)
