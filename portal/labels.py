"""Display labels for codes (states, kinds, channels, roles, actions), translated through Flask-Babel."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STATES = {
    "received": _l("待分办"), "accepted": _l("已受理"), "handling": _l("办理中"), "replied": _l("已答复"),
    "review": _l("复查中"), "closed": _l("已办结"), "not_accepted": _l("不予受理"), "transferred": _l("已转办"),
    "duplicate": _l("重复件"), "spam": _l("无效件"),
}
KINDS = {"suggestion": _l("建议意见"), "report": _l("检举控告"), "appeal": _l("申诉求决"), "inquiry": _l("咨询"),
         "praise": _l("表扬")}
CHANNELS = {"web": _l("网上留言"), "phone": _l("来电"), "letter": _l("来信"), "email": _l("电子邮件")}
ROLES = {"admin": _l("系统管理员"), "clerk": _l("登记员"), "triager": _l("分办员"), "handler": _l("承办部门"),
         "research": _l("政研室"), "supervisor": _l("监督人员")}
TRANSITIONS = {"accept": _l("受理"), "reject": _l("不予受理"), "transfer": _l("转办"), "merge": _l("重复件"),
               "spam": _l("无效件"), "assign": _l("交办"), "extend": _l("延期"), "reply": _l("答复"),
               "close": _l("办结"), "review": _l("复查")}
PHONE_LINES = {"0931-8821762": "0931-8821762", "12351": _l("12351职工服务热线"), "other": _l("其他")}


def init_app(app: Flask) -> None:
    """Expose label(kind, code) to templates: {{ label('state', item.state) }}."""
    tables = {"state": STATES, "kind": KINDS, "channel": CHANNELS, "role": ROLES, "transition": TRANSITIONS,
              "phone_line": PHONE_LINES}
    app.jinja_env.globals["label"] = lambda table, code: tables[table].get(code, code)
