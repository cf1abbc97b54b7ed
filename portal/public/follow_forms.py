"""The follow form (关注) and the manage page's per-subscription form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.fields import EmailField
from wtforms.validators import DataRequired, Length

from ..labels import FOLLOW_FREQUENCIES
from ..models.follow import IMMEDIATE
from .feedback_forms import TEXT


class FollowForm(FlaskForm):
    """关注: an address and how often to be mailed; the target travels in hidden fields."""

    email = EmailField(_l("电子邮箱"), validators=[DataRequired(message=_l("请填写电子邮箱。")),
                                                Length(max=254, message=_l("电子邮箱过长。"))], **TEXT)
    frequency = RadioField(_l("接收方式"), choices=[SelectChoice(code, text)
                                                for code, text in FOLLOW_FREQUENCIES.items()],
                           default=IMMEDIATE, validate_choice=False)
    campaign = HiddenField(**TEXT)
    problem = HiddenField(**TEXT)
    measure = HiddenField(**TEXT)
    #: honeypot: hidden from people, filled in by bots
    website = StringField(_l("请勿填写"))


class ManageForm(FlaskForm):
    """One button of the manage page: unsubscribe, or switch to immediate or weekly, one subscription."""

    subscription = IntegerField()
    action = HiddenField(**TEXT)


class ConfirmForm(FlaskForm):
    """The confirm and unsubscribe pages' single button (mail scanners open links; only a POST changes anything)."""
