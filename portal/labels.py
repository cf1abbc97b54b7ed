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
ACTIONS = {
    "item.create": _l("登记"), "item.accept": _l("受理"), "item.reject": _l("不予受理"), "item.transfer": _l("转办"),
    "item.merge": _l("标为重复件"), "item.duplicate_received": _l("收到重复件"), "item.spam": _l("标为无效件"),
    "item.assign": _l("交办"), "item.extend": _l("延期"), "item.reply": _l("答复"), "item.close": _l("办结"),
    "item.review": _l("复查"), "item.link": _l("关联问题或措施"), "item.unlink": _l("取消关联"),
    "item.note": _l("内部备注"), "item.reveal_contact": _l("查看联系方式"), "item.download_attachment": _l("下载附件"),
    "user.login": _l("登录"), "user.login_failed": _l("登录失败"), "user.login_throttled": _l("登录被限制"),
    "user.logout": _l("退出"), "user.create": _l("新建账号"), "user.update": _l("修改账号"),
    "user.deactivate": _l("停用账号"), "user.password_change": _l("修改密码"), "user.password_reset": _l("重置密码"),
    "report.import": _l("发布进展通报"), "outbox.retry": _l("重新发送邮件"),
    "item.followup": _l("收到补充邮件"), "item.followup_reopened": _l("收到补充邮件并重新办理"),
    "item.attachments_refused": _l("拒收附件"), "items.export": _l("导出来件"),
    "reply.draft": _l("起草答复"), "reply.edit": _l("修改答复稿"), "reply.submit": _l("提交答复审核"),
    "reply.return": _l("退回答复修改"), "reply.approve": _l("审核同意答复"), "reply.send": _l("发出答复"),
    "reply.letter": _l("打印答复函"), "reply.propose": _l("生成公开文本"), "reply.public_edit": _l("修改公开文本"),
    "reply.publish": _l("公开答复"), "reply.unpublish": _l("撤下公开答复"),
    "template.create": _l("新建答复模板"), "template.update": _l("修改答复模板"), "template.delete": _l("删除答复模板"),
    "inbound.ignored": _l("忽略来件邮件"), "inbound.quarantined": _l("隔离来件邮件"),
    "inbound.download_raw": _l("下载原始邮件"), "privacy.purge": _l("按保存期限删除个人信息"),
    "system.backup": _l("备份数据"), "system.restore": _l("恢复备份"),
}
PHONE_LINES = {"0931-8821762": "0931-8821762", "12351": _l("12351职工服务热线"), "other": _l("其他")}


def init_app(app: Flask) -> None:
    """Expose label(kind, code) to templates: {{ label('state', item.state) }}."""
    tables = {"state": STATES, "kind": KINDS, "channel": CHANNELS, "role": ROLES, "transition": TRANSITIONS, "action": ACTIONS,
              "phone_line": PHONE_LINES}
    app.jinja_env.globals["label"] = lambda table, code: tables[table].get(code, code)
