"""Forms of the rectification office (a campaign's details, a ledger upload and its confirmation, a returned update)
and of a department's progress update."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..labels import MEASURE_STATUSES
from ..services.ledger.campaign_office import LIMITS, CampaignDetails
from ..services.ledger.campaigns import TITLE_LENGTH
from ..services.ledger.progress import NOTE_LENGTH


class CampaignForm(FlaskForm):
    """标题, 被巡视单位, 巡视组, 反馈日期 and the public contact channels; the services check them again."""

    title = StringField(_l("任务标题"), [InputRequired(_l("请填写任务标题。")), Length(max=TITLE_LENGTH)])
    unit = StringField(_l("被巡视单位"), [Optional(), Length(max=LIMITS["unit"])])
    inspecting_body = StringField(_l("巡视组"), [Optional(), Length(max=LIMITS["inspecting_body"])])
    feedback_date = DateField(_l("反馈日期"), [InputRequired(_l("请填写反馈日期。"))])
    contact_phone = StringField(_l("联系电话"), [Optional(), Length(max=LIMITS["contact_phone"])])
    contact_address = StringField(_l("通信地址"), [Optional(), Length(max=LIMITS["contact_address"])])
    contact_email = StringField(_l("联系邮箱"), [Optional(), Length(max=LIMITS["contact_email"])])

    def details(self) -> CampaignDetails:
        return CampaignDetails(self.title.data or "", self.feedback_date.data, self.unit.data,
                               self.inspecting_body.data, self.contact_phone.data, self.contact_address.data,
                               self.contact_email.data)


class NewCampaignForm(CampaignForm):
    """A new campaign also needs its slug, the short name in its public addresses."""

    slug = StringField(_l("标识"), [InputRequired(_l("请填写标识。")), Length(max=64)])


class LedgerUploadForm(FlaskForm):
    """The ledger file to preview."""

    ledger = FileField(_l("台账文件（.xlsx 或 .csv）"))


class LedgerConfirmForm(FlaskForm):
    """What the preview showed: the kept file's hash, its name as uploaded, the ledger version it was compared to."""

    sha256 = HiddenField()
    filename = HiddenField()
    data_version = IntegerField(widget=HiddenInput())


class ProgressForm(FlaskForm):
    """A department's update of a measure: 完成情况, 完成时间, 进展说明."""

    status = RadioField(_l("完成情况"), choices=[SelectChoice(code, text) for code, text in MEASURE_STATUSES.items()],
                        validators=[InputRequired(_l("请选择完成情况。"))])
    completed_on = DateField(_l("完成时间（已完成时必填）"), [Optional()])
    progress_note = TextAreaField(_l("进展说明"), [InputRequired(_l("请填写进展说明。")), Length(max=NOTE_LENGTH)])
    evidence = MultipleFileField(_l("佐证材料（可选，PDF或图片）"))


class ReturnForm(FlaskForm):
    """Why the office returns an update."""

    comment = TextAreaField(_l("退回意见"), [InputRequired(_l("退回时请写明意见。")), Length(max=NOTE_LENGTH)])
