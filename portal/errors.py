"""Error pages for the whole application: the portal's own HTML (public or staff layout), JSON under /api/."""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException

from .services.common.authz import PermissionDenied
from .services.feedback.attachments import stated_limits

#: status codes with a page of their own (404 has its own template)
PAGES = (400, 403, 405, 413, 429, 500)


def init_app(app: Flask) -> None:
    app.register_error_handler(404, not_found)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(PermissionDenied, forbidden)
    for code in PAGES:
        app.register_error_handler(code, http_error)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求无效"), _("提交的内容无法处理。请返回上一页检查后重新提交。")),
        403: (_("无权访问"), _("您的账号没有执行此操作的权限。如需权限，请联系系统管理员。")),
        405: (_("请求方式不正确"), _("此页面不接受这种请求方式。请从页面上的链接或按钮进入。")),
        413: (_("文件过大"), _413_message()),
        429: (_("操作过于频繁"), _("为防止滥用，同一网络地址在短时间内的请求次数有限制。请等待一分钟后再试。")),
        500: (_("系统错误"), _("服务器暂时无法处理您的请求，请稍后再试。如果问题持续，请通过联系我们页面的电话反映。")),
    }


def _413_message() -> str:
    limits = stated_limits(current_app.config["MAX_CONTENT_LENGTH"])
    return _("提交的内容超过了大小限制：最多%(files)s个附件，每个不超过%(file_mb)sMB，"
             "全部内容合计不超过%(total_mb)sMB。请按浏览器的“后退”键返回表单，您填写的文字仍在；减少或缩小附件后再提交。",
             files=limits.files, file_mb=limits.file_mb, total_mb=limits.total_mb)


def not_found(error: HTTPException) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify(error="not_found", message="未找到请求的资源。"), 404
    return render_template("public/404.html"), 404


def csrf_failed(error: CSRFError) -> tuple[str, int]:
    message = _("为保护您的提交，表单带有安全校验码，它已失效或缺失。请返回上一页，刷新后重新提交。")
    return render_template("error.html", code=400, title=_("页面已过期"), message=message), 400


def forbidden(error: PermissionDenied) -> ResponseReturnValue:
    """A service refused the action for this role or department: the portal's 403 page."""
    return http_error(Forbidden())


def http_error(error: HTTPException) -> ResponseReturnValue:
    """The page for code, keeping the headers the error carries (Allow on a 405); a response made for this very
    refusal stands (the opinion form's 429, which shows the form again with what was typed)."""
    if isinstance(error, HTTPException) and error.response is not None:
        return error.response
    code = getattr(error, "code", 500) or 500
    title, message = _messages()[code]
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"] \
        if isinstance(error, HTTPException) else []
    if request.path.startswith("/api/"):
        return jsonify(error=title, message=message), code, headers
    return render_template("error.html", code=code, title=title, message=message), code, headers
