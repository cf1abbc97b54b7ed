"""Forms of 回头看: scheduling re-checks (a date, and measures or a deadline class) and recording a result."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..labels import RECHECK_RESULTS
from ..services.ledger.rechecks import NOTE_LIMIT


class ScheduleForm(FlaskForm):
    """安排回头看: the date, and either measure codes or a deadline class; the service says which is missing or
    unknown, so the choices are not validated here."""

    due_on = DateField(_l("回头看日期"), [InputRequired(_l("请填写回头看日期。"))])
    codes = SelectMultipleField(_l("选择已完成的措施"), choices=[], validate_choice=False)
    deadline_label = SelectField(_l("选择整改时限类别"), choices=[], validate_choice=False)


class RecordForm(FlaskForm):
    """记录回头看结果: 巩固 or 反弹, 情况说明, evidence files, and the confirmation a 反弹 needs."""

    result = RadioField(_l("回头看结果"), choices=[SelectChoice(code, text) for code, text in RECHECK_RESULTS.items()],
                        validators=[InputRequired(_l("请选择回头看结果。"))], validate_choice=False)
    note = TextAreaField(_l("情况说明"), [InputRequired(_l("请填写回头看情况说明。")), Length(max=NOTE_LIMIT)])
    evidence = MultipleFileField(_l("佐证材料（可选，PDF或图片）"))
    confirm_relapse = BooleanField(_l("确认反弹：反弹将把措施恢复为正在整改，公开页面的整改数字随之变化"))
