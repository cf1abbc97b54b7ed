"""The one place that says what each statistic means; the page shows these texts and the README repeats them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models.feedback import DUPLICATE, NOT_ACCEPTED, SPAM, TRANSFERRED
from portal.services.common.clocks import ClockSettings

from .lights import LightThresholds

#: states left out of every count and rate, and shown apart: 重复件 (merged into another) and 无效件 (spam, invalid)
EXCLUDED_STATES = (DUPLICATE, SPAM)
#: decided without acceptance: the decision's moment is closed_at
DECIDED_WITHOUT_ACCEPTANCE = (NOT_ACCEPTED, TRANSFERRED)

DEFINITIONS = (
    (_l("统计范围"), _l("所选整改任务中，收到日期（北京时间）在起止日期之间（含两端）的意见建议。"
                    "重复件和无效件不计入任何数字和比率，在“不计入的件”中单独列出。承办部门只看到本部门的件。")),
    (_l("收到"), _l("范围内的意见建议件数（不含重复件、无效件）。")),
    (_l("受理决定"), _l("已受理、不予受理或已转办的件；决定时间为受理时间，不予受理和转办的为办结时间。")),
    (_l("按期受理率"), _l("在受理期限（收到后%(accept)s天）当天或之前作出受理决定的件数 ÷ 应作出受理决定的件数"
                     "（已作出决定的件，加上尚未决定且已过受理期限的件）。")),
    (_l("已答复"), _l("已发出答复的件（含答复后办结或申请复查的件）。")),
    (_l("按期办结率"), _l("在办理期限（受理后%(handle)s天，延期的含延期天数）当天或之前答复的件数 ÷ 应答复的件数"
                     "（已答复的件，加上已受理、尚未答复且已过办理期限的件）。")),
    (_l("受理用时、答复用时"), _l("从收到到作出受理决定、从收到到答复的天数；中位数和第90百分位数按线性插值计算"
                           "（与 PostgreSQL 的 percentile_cont 相同），保留一位小数。")),
    (_l("当前逾期"), _l("今天已过当前期限（待分办的件为受理期限，办理中的件为办理期限）仍未办理的件。")),
    (_l("超期答复"), _l("答复日期晚于办理期限的件。")),
    (_l("延期"), _l("办理期限延长过的件（每件最多一次）。")),
    (_l("满意度"), _l("对范围内各件已发出答复的评价：满意、基本满意、不满意各多少条；"
                   "参评率 = 评价条数 ÷ 已发出的答复条数；满意率 = （满意 + 基本满意）÷ 评价条数。")),
    (_l("红黄绿灯"), _l("绿灯：按期办结率不低于%(green)s%%且没有当前逾期的件；红灯：按期办结率低于%(red)s%%，"
                    "或当前逾期超过%(overdue)s件；其余为黄灯。尚无应答复的件时只看逾期。")),
    (_l("比率"), _l("件数之比，以百分数表示，保留两位小数（四舍五入）；分母为0时显示“—”。")),
)


def definitions(clocks: ClockSettings, thresholds: LightThresholds) -> list[tuple[str, str]]:
    """(term, definition) with the configured clocks and light thresholds filled in, in the current language."""
    values = {"accept": clocks.accept_days, "handle": clocks.handle_days, "green": thresholds.green_rate,
              "red": thresholds.red_rate, "overdue": thresholds.red_overdue}
    return [(str(term), str(text) % values) for term, text in DEFINITIONS]
