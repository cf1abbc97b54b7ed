"""The one label registry: display names of every code (states, kinds, channels, roles, actions, fields…).

Labels are lazy strings, translated when shown (Flask-Babel). Pages call label(table, code); templates have it as
{{ label('state', item.state) }}. Commands and exports are in Chinese whatever the environment: chinese(table, code).
"""
from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

#: 意见建议的状态 (DESIGN.md §4)
STATES = {
    "received": _l("待分办"), "accepted": _l("已受理"), "handling": _l("办理中"), "replied": _l("已答复"),
    "review": _l("复查中"), "closed": _l("已办结"), "not_accepted": _l("不予受理"), "transferred": _l("已转办"),
    "duplicate": _l("重复件"), "spam": _l("无效件"),
}
#: the same states as the citizen reads them at the case lookup: plain words, no office jargon
PUBLIC_STATES = {
    "received": _l("已收到，正在分办"), "accepted": _l("已受理，正在交办承办部门"), "handling": _l("正在办理"),
    "replied": _l("已答复"), "review": _l("正在复查"), "closed": _l("已办结"), "not_accepted": _l("不予受理"),
    "transferred": _l("已转交其他单位办理"), "duplicate": _l("已并入相同事项一并办理"),
    "spam": _l("未作为有效意见办理"),
}
#: the steps of a case's timeline on the citizen's case page (portal.services.feedback.case_page)
CASE_STEPS = {
    "received": _l("收到"), "accepted": _l("决定受理"), "assigned": _l("交办承办部门"), "replied": _l("作出答复"),
    "closed": _l("办理完毕"), "review": _l("提出复查申请"), "replied_again": _l("复查答复"),
    "not_accepted": _l("不予受理"), "transferred": _l("转交其他单位"), "duplicate": _l("并入相同事项"),
    "spam": _l("不予办理"),
}
KINDS = {"suggestion": _l("建议意见"), "report": _l("检举控告"), "appeal": _l("申诉求决"), "inquiry": _l("咨询"),
         "praise": _l("表扬")}
CHANNELS = {"web": _l("网上留言"), "phone": _l("来电"), "letter": _l("来信"), "email": _l("电子邮件")}
ROLES = {"admin": _l("系统管理员"), "clerk": _l("登记员"), "triager": _l("分办员"), "handler": _l("承办部门"),
         "research": _l("政研室审核员"), "supervisor": _l("监督人员"),
         "rectification": _l("整改办")}
#: the workflow's transitions (portal.services.feedback.workflow.TRANSITIONS)
TRANSITIONS = {"accept": _l("受理"), "reject": _l("不予受理"), "transfer": _l("转办"), "merge": _l("重复件"),
               "spam": _l("无效件"), "assign": _l("交办"), "extend": _l("延期"), "reply": _l("答复"),
               "close": _l("办结"), "review": _l("复查"), "send_back": _l("退回分办")}
#: the fields a transition asks for
TRANSITION_FIELDS = {"reason": _l("理由"), "transferred_to": _l("转往单位"), "original": _l("原件编号"),
                     "department": _l("承办部门"), "days": _l("延期天数"), "approver": _l("批准人"),
                     "reply": _l("经审核同意的答复")}
#: audit log actions
ACTIONS = {
    "item.create": _l("登记"), "item.accept": _l("受理"), "item.reject": _l("不予受理"), "item.transfer": _l("转办"),
    "item.merge": _l("标为重复件"), "item.duplicate_received": _l("收到重复件"),
    "item.duplicate_moved": _l("随原件并入"), "item.spam": _l("标为无效件"),
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
    "reply.return": _l("退回答复修改"), "reply.approve": _l("审核同意答复"), "reply.send": _l("完成答复"),
    "reply.letter": _l("打印答复函"), "reply.propose": _l("生成公开文本"), "reply.public_edit": _l("修改公开文本"),
    "reply.publish": _l("公开答复"), "reply.unpublish": _l("撤下公开答复"),
    "template.create": _l("新建答复模板"), "template.update": _l("修改答复模板"), "template.delete": _l("删除答复模板"),
    "inbound.ignored": _l("忽略来件邮件"), "inbound.quarantined": _l("隔离来件邮件"),
    "inbound.download_raw": _l("下载原始邮件"), "privacy.purge": _l("按保存期限删除个人信息"),
    "privacy.purge_follow": _l("删除过期的关注邮箱"),
    "system.backup": _l("备份数据"), "system.restore": _l("恢复备份"),
    "user.invite": _l("发送账号邀请链接"), "user.reset_link": _l("发送重置密码链接"),
    "user.password_generated": _l("生成临时密码"), "user.password_set": _l("通过链接设置密码"),
    "user.reactivate": _l("恢复启用账号"), "department.create": _l("新建部门"), "department.rename": _l("部门改名"),
    "department.deactivate": _l("停用部门"), "department.reactivate": _l("恢复启用部门"),
    "department.merge": _l("合并部门"),
    "item.correct": _l("更正登记信息"), "audit.export": _l("导出审计日志"),
    "rating.record": _l("评价答复"), "rating.change": _l("修改答复评价"), "callback.attempt": _l("回访未接通"),
    "stats.bulletin": _l("生成办理情况通报"),
    "queue_view.save": _l("保存队列视图"), "queue_view.delete": _l("删除队列视图"),
    "item.send_back": _l("退回分办"), "extension.request": _l("申请延期"), "extension.grant": _l("同意延期"),
    "extension.refuse": _l("不同意延期"), "reply.review_edit": _l("审核时修改答复稿"),
    "reply.edit_seen": _l("知悉审核修改"), "reply.attach": _l("添加答复附件"), "reply.detach": _l("删除答复附件"),
    "reply.download_attachment": _l("下载答复附件"),
    "campaign.create": _l("新建整改任务"), "campaign.update": _l("修改整改任务"),
    "campaign.home": _l("设为首页展示的整改任务"), "ledger.import": _l("导入整改台账"),
    "progress.submit": _l("报送措施进展"), "progress.approve": _l("采纳措施进展"),
    "progress.return": _l("退回措施进展"),
    "recheck.schedule": _l("安排回头看"), "recheck.record": _l("记录回头看结果"),
    "report_draft.create": _l("新建进展通报草稿"), "report_draft.update": _l("修改进展通报草稿"),
    "report_draft.discard": _l("放弃进展通报草稿"), "report_draft.publish": _l("发布进展通报草稿"),
    "follow.subscribe": _l("申请关注"), "follow.confirm": _l("确认关注"), "follow.unsubscribe": _l("退订关注"),
    "follow.frequency": _l("修改关注的接收方式"),
}
#: keys of an audit event's details, as the item's history shows them
DETAILS = {"reason": _l("理由"), "transferred_to": _l("转往单位"), "original": _l("原件"), "duplicate": _l("重复件"),
           "department": _l("承办部门"), "days": _l("延期天数"), "approver": _l("批准人"), "channel": _l("渠道"),
           "kind": _l("类型"), "links": _l("关联"), "attachments": _l("附件数"), "target": _l("关联对象"),
           "fields": _l("查看的项目"), "length": _l("字数"), "reply": _l("答复稿编号"), "comment": _l("退回意见"),
           "masked": _l("自动遮盖处数"), "previous": _l("此前的原件"), "merged": _l("并入的部门"),
           "accounts": _l("账号数"), "items": _l("件数"), "replies": _l("答复数"), "hours": _l("有效小时数"),
           "purpose": _l("用途"),
           "consent_publish": _l("同意公开答复"), "changes": _l("更正"), "filters": _l("筛选条件"),
           "action": _l("操作"), "actor_id": _l("操作人编号"), "case_number": _l("受理编号"),
           "date_from": _l("起始日期"), "date_to": _l("结束日期"), "level": _l("评价"),
           "previous_level": _l("原评价"), "rating_source": _l("评价方式"), "attempts": _l("回访次数"),
           "name": _l("名称"), "decision": _l("审批意见"), "slug": _l("标识"), "filename": _l("文件名"),
           "sha256": _l("文件SHA-256"), "measures": _l("措施数"), "created": _l("新增措施数"),
           "changed": _l("修改措施数"), "update": _l("报送编号"),
           "frequency": _l("接收方式"), "language": _l("语言"),
           "how": _l("方式"), "as_of": _l("截至日期"), "unrepaired": _l("待核对处数"), "report": _l("通报编号"),
           "edited": _l("修改的项目")}
#: a submitter's contact fields
CONTACT_FIELDS = {"name": _l("姓名"), "phone": _l("电话"), "email": _l("电子邮箱"), "address": _l("地址")}
#: what a clerk may correct on a logged call or letter, and what follows (portal.services.feedback.corrections)
CORRECTED_FIELDS = {"kind": _l("诉求类型"), "subject": _l("主题"), "content": _l("内容摘要"), "name": _l("姓名"),
                    "phone": _l("电话"), "email": _l("电子邮箱"), "address": _l("地址"), "call_at": _l("来电时间"),
                    "received_on": _l("收信日期"), "postmark_date": _l("邮戳日期"), "accept_due": _l("受理期限")}
#: what an audit event is about (audit_event.object_type)
OBJECT_TYPES = {"feedback_item": _l("件"), "staff_user": _l("账号"), "department": _l("部门"), "reply": _l("答复"),
                "reply_template": _l("答复模板"), "progress_report": _l("进展通报"), "inbound_message": _l("来件邮件"),
                "outbox_message": _l("待发邮件"), "attachment": _l("附件"), "feedback_note": _l("内部备注"),
                "database": _l("数据库"), "audit_event": _l("审计日志"), "campaign": _l("整改任务"),
                "answer_rating": _l("答复评价"), "callback_attempt": _l("回访记录"),
                "saved_queue_view": _l("队列视图"), "extension_request": _l("延期申请"),
                "measure": _l("整改措施"), "follow_subscription": _l("关注"), "recheck": _l("回头看"),
                "report_draft": _l("进展通报草稿")}
#: the audit log export's columns (portal.services.common.audit_query.AUDIT_COLUMNS)
AUDIT_COLUMNS = {"at": _l("时间"), "actor": _l("操作人"), "action": _l("操作"), "object": _l("对象"),
                 "case_number": _l("受理编号"), "details": _l("变更与详情")}
#: fields whose before → after an audit event records (corrections, accounts, departments)
CHANGED_FIELDS = {**CORRECTED_FIELDS, "role": _l("角色"), "department_id": _l("所属部门"), "active": _l("启用"),
                  "department.name": _l("部门名称"), "title": _l("标题"), "unit": _l("被巡视单位"),
                  "inspecting_body": _l("巡视组"), "feedback_date": _l("反馈日期"), "contact_phone": _l("联系电话"),
                  "contact_address": _l("通信地址"), "contact_email": _l("联系邮箱")}
#: kinds of personal data found in a text before publication (portal.services.replies.redaction)
PERSONAL_DATA = {"name": _l("姓名"), "mobile": _l("手机号码"), "landline": _l("固定电话"), "id_card": _l("身份证号码"),
                 "email": _l("电子邮箱"), "address": _l("地址")}
#: what became of an inbound email
MAIL_OUTCOMES = {"item": _l("新件"), "follow_up": _l("补充材料"), "ignored": _l("已忽略"), "quarantined": _l("已隔离"),
                 "duplicate": _l("重复（已收过）")}
PHONE_LINES = {"0931-8821762": "0931-8821762", "12351": _l("12351职工服务热线"), "other": _l("其他")}
#: the language an opinion was submitted in (feedback_item.language)
LANGUAGES = {"zh": _l("中文"), "en": _l("英文")}
#: how a follower is mailed (follow_subscription.frequency)
FOLLOW_FREQUENCIES = {"immediate": _l("有新动态时立即发送"), "weekly": _l("每周汇总一次")}
#: 完成情况 of a measure
MEASURE_STATUSES = {"done": _l("已完成"), "in_progress": _l("正在整改")}
#: where a department's progress update stands (portal.models.progress)
PROGRESS_STATES = {"submitted": _l("待整改办审核"), "approved": _l("已采纳"), "returned": _l("已退回")}
#: fields of a measure's history (measure_update.field)
MEASURE_FIELDS = {"created": _l("录入台账"), "status": _l("完成情况"), "completed_on": _l("完成时间"),
                  "progress_note": _l("进展说明"), "text": _l("整改措施"), "problem": _l("所属问题")}
#: fields of a problem an uploaded ledger changes (portal.services.ledger.importer.Change)
PROBLEM_FIELDS = {"created": _l("新增问题"), "category": _l("问题类别"), "description": _l("问题描述"),
                  "deadline_label": _l("整改时限"), "due_date": _l("到期日"), "lead_leader": _l("牵头领导"),
                  "departments": _l("责任部门"), "goal": _l("成效目标")}
#: the figures of a campaign and of a progress report (portal.services.ledger.figures)
FIGURES = {"categories": _l("方面"), "problems": _l("问题"), "rectified_problems": _l("已整改到位问题"),
           "measures": _l("整改措施"), "done": _l("已完成措施"), "in_progress": _l("正在整改措施"),
           "rate": _l("措施完成率（%）"), "deadline_classes": _l("整改时限分类")}
#: the figures of one deadline class
CLASS_FIGURES = {"problems": _l("问题"), "rectified": _l("已整改到位"), "in_progress": _l("正在整改")}
#: the citizen's verdict on an answer (portal.models.rating) and where it came from
RATING_LEVELS = {"satisfied": _l("满意"), "basically_satisfied": _l("基本满意"), "unsatisfied": _l("不满意")}
RATING_SOURCES = {"web": _l("网页评价"), "email": _l("邮件链接评价"), "phone": _l("电话回访")}
#: what a 回头看 found (portal.models.recheck)
RECHECK_RESULTS = {"held": _l("巩固"), "relapsed": _l("反弹")}
#: placeholders of reply templates (portal.services.replies.templates)
PLACEHOLDERS = {"case_number": _l("受理编号"), "received_date": _l("收到日期")}

TABLES: dict[str, dict[str, str | LazyString]] = {
    "state": STATES, "kind": KINDS, "channel": CHANNELS, "role": ROLES, "transition": TRANSITIONS,
    "transition_field": TRANSITION_FIELDS, "action": ACTIONS, "detail": DETAILS, "contact": CONTACT_FIELDS,
    "personal_data": PERSONAL_DATA, "mail_outcome": MAIL_OUTCOMES, "phone_line": PHONE_LINES,
    "measure_status": MEASURE_STATUSES, "measure_field": MEASURE_FIELDS,
    "problem_field": PROBLEM_FIELDS, "progress_state": PROGRESS_STATES, "figure": FIGURES,
    "class_figure": CLASS_FIGURES, "placeholder": PLACEHOLDERS,
    "corrected": CORRECTED_FIELDS, "object_type": OBJECT_TYPES, "changed_field": CHANGED_FIELDS,
    "audit_column": AUDIT_COLUMNS, "rating": RATING_LEVELS, "rating_source": RATING_SOURCES,
    "language": LANGUAGES, "public_state": PUBLIC_STATES, "case_step": CASE_STEPS,
    "follow_frequency": FOLLOW_FREQUENCIES, "recheck_result": RECHECK_RESULTS,
}
CHINESE = "zh_Hans"


def label(table: str, code: str | None) -> str:
    """The label of code in the current language; the code itself when the table does not know it."""
    found = TABLES[table].get(code) if code is not None else None
    return str(found) if found is not None else (code or "")


def join(parts) -> str:
    """Several labels in one sentence: 甲、乙 in Chinese, "a, b" in English."""
    return gettext("、").join(str(part) for part in parts)


def chinese(table: str, code: str | None) -> str:
    """The Chinese label, for commands and exports (whatever language the environment asks for)."""
    with force_locale(CHINESE):
        return label(table, code)


def init_app(app: Flask) -> None:
    """Expose label(table, code) to templates: {{ label('state', item.state) }}."""
    app.jinja_env.globals["label"] = label
