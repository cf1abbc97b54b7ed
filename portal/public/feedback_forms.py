"""The public opinion form and the case lookup form: fields, choices and the item they describe."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, Length

from ..labels import KINDS as KIND_LABELS
from ..models import Campaign, Category
from ..models.feedback import WEB
from ..services.feedback import language
from ..services.feedback.attachments import Upload
from ..services.feedback.intake import Contact, NewItem

#: characters of a problem's or measure's text shown in the picker
CHOICE_TEXT = 40


def _without_nul(value: str | None) -> str | None:
    """Drop NUL characters, which PostgreSQL refuses in text."""
    return value.replace("\x00", "") if isinstance(value, str) else value


TEXT = {"filters": [_without_nul]}
TOO_LONG = Length(max=40, message=_l("内容过长，请核对。"))


class FeedbackForm(FlaskForm):
    """我要提意见: the web form; intake.validate owns the rules, the form only what is particular to the web."""

    kind = RadioField(_l("类型"), choices=[SelectChoice(code, label) for code, label in KIND_LABELS.items()],
                      default="suggestion", validate_choice=False)
    target = SelectField(_l("涉及的问题或措施"), choices=[], validate_choice=False, **TEXT)
    subject = StringField(_l("标题"), validators=[Length(max=200, message=_l("标题不能超过200个字。"))], **TEXT)
    content = TextAreaField(_l("内容"), **TEXT)
    name = StringField(_l("姓名"), validators=[Length(max=100, message=_l("姓名不能超过100个字。"))], **TEXT)
    email = EmailField(_l("电子邮箱"), validators=[Length(max=254, message=_l("电子邮箱过长。"))], **TEXT)
    phone = TelField(_l("电话"), validators=[Length(max=50, message=_l("电话号码过长。"))], **TEXT)
    wants_reply = BooleanField(_l("希望得到答复"))
    consent = BooleanField(_l("我已阅读并同意上述个人信息处理规则"),
                           validators=[DataRequired(message=_l("请阅读并勾选同意个人信息处理规则。"))])
    consent_publish = BooleanField(_l("同意在本平台公开对本件的答复（隐去个人信息）"))
    #: 关注: the submitter with an e-mail address follows the measures the opinion is about (double opt-in still)
    follow_measures = BooleanField(_l("关注我所提意见涉及的整改措施的进展"))
    attachments = MultipleFileField(_l("附件"))
    #: the campaign whose problems and measures are offered (its slug)
    campaign = HiddenField(**TEXT)
    #: one random token per rendering of the form: the same form sent twice files one case (services.feedback.receipts)
    submission = HiddenField(**TEXT)
    #: honeypot: hidden from people, filled in by bots
    website = StringField(_l("请勿填写"))

    def set_targets(self, categories: list[Category]) -> None:
        """Offer the campaign's problems and measures, one <optgroup> per category."""
        choices = [SelectChoice("", _("（不涉及具体问题或措施）"))]
        for category in categories:
            for problem in category.problems:
                choices.append(SelectChoice(str(problem.number), _(
                    "问题%(number)s：%(text)s", number=problem.number, text=_short(problem.description)),
                    optgroup=category.title))
                choices.extend(SelectChoice(m.code, _("措施%(code)s：%(text)s", code=m.code, text=_short(m.text)),
                                            optgroup=category.title) for m in problem.measures)
        self.target.choices = choices

    def own_errors(self) -> dict[str, str]:
        """The first error of each field the form itself checks (consent, lengths)."""
        self.validate()
        return {name: messages[0] for name, messages in self.errors.items() if messages}

    def new_item(self, campaign: Campaign | None) -> NewItem:
        """The item this submission describes, for portal.services.feedback.intake."""
        contact = Contact(name=self.name.data or "", phone=self.phone.data or "", email=self.email.data or "")
        return NewItem(
            channel=WEB, kind=self.kind.data or "", content=self.content.data or "",
            subject=self.subject.data or "", contact=contact, wants_reply=self.wants_reply.data,
            consent_publish=self.consent_publish.data, targets=[self.target.data] if self.target.data else [],
            campaign_id=campaign.id if campaign else None, uploads=self.uploads(),
            language=language.of_locale(get_locale()),
        )

    def uploads(self) -> list[Upload]:
        """The chosen files; browsers send an empty part when none was chosen."""
        return [Upload(f.filename, f.read()) for f in self.attachments.data or () if f and f.filename]


class LookupForm(FlaskForm):
    """办理查询: case number and query code, both as the citizen wrote them down."""

    case_number = StringField(_l("受理编号"), validators=[DataRequired(message=_l("请填写受理编号。")), TOO_LONG],
                              **TEXT)
    code = StringField(_l("查询码"), validators=[DataRequired(message=_l("请填写查询码。")), TOO_LONG], **TEXT)


def prefill_target(args: Mapping[str, str]) -> str:
    """?measure=35-2 or ?problem=35 from a problem or measure page: the picker's preselected value."""
    value = args.get("measure") or args.get("problem") or ""
    return unicodedata.normalize("NFKC", value).strip()


def field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Intake's error keys as this form's field names (intake says targets, the form has one picker)."""
    return {("target" if key == "targets" else key): message for key, message in errors.items()}


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= CHOICE_TEXT else text[:CHOICE_TEXT] + "…"
