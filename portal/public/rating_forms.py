"""The 满意度 form of /rate/<token>: the level, an optional comment, and whether it came from the e-mail's link."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField

from ..labels import RATING_LEVELS
from ..services.satisfaction.ratings import MAX_COMMENT
from .feedback_forms import TEXT


class RatingForm(FlaskForm):
    """满意 / 基本满意 / 不满意 and why; the service (satisfaction.ratings) owns the rules."""

    level = RadioField(_l("您对这次答复是否满意？"),
                       choices=[SelectChoice(code, label) for code, label in RATING_LEVELS.items()],
                       validate_choice=False)
    comment = TextAreaField(_l("意见（可选）"), **TEXT)
    #: "email" when the citizen came from a link in the reply e-mail
    via = HiddenField(**TEXT)
    max_comment = MAX_COMMENT
