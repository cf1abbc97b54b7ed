"""Which mail no one wrote: auto-replies (RFC 3834), bulk mail, bounces and receipts create no items."""
from __future__ import annotations

import re
from collections.abc import Mapping

BULK_PRECEDENCE = {"bulk", "junk", "list"}
#: headers whose mere presence marks an automatic message
AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "X-Failed-Recipients")
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
#: subject prefixes of auto-replies from mail services that send no header saying so
AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|自动答复|auto(?:matic)?[ -]?(?:reply|response)|out of (?:the )?office)\s*[:：]",
    re.IGNORECASE)


def automatic_reason(headers: Mapping[str, str], content_type: str, from_address: str, subject: str) -> str | None:
    """Why the message is automatic, in Chinese with the evidence; None for a message a person wrote."""
    auto_submitted = headers.get("auto-submitted", "").strip()
    if auto_submitted and auto_submitted.split(";", 1)[0].strip().lower() != "no":
        return f"自动回复（Auto-Submitted: {auto_submitted}）"
    precedence = headers.get("precedence", "").strip()
    if precedence.lower() in BULK_PRECEDENCE:
        return f"群发或自动邮件（Precedence: {precedence}）"
    for name in AUTOMATIC_HEADERS:
        if name.lower() in headers:
            return f"自动回复或退信（{name}: {headers[name.lower()].strip()}）"
    if content_type == "multipart/report":
        return "退信或回执（Content-Type: multipart/report）"
    if from_address.partition("@")[0].lower() in BOUNCE_SENDERS:
        return f"退信（发件人 {from_address}）"
    if AUTO_SUBJECT.match(subject):
        return f"自动回复（主题“{subject[:60]}”）"
    return None
