"""Links to a case's files for its submitter: signed with the server's key, naming the case and the file, and valid
for minutes. The page that shows them is only shown to the session that opened the case with its query code."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.models import Attachment

SALT = "case-file"


def file_token(secret_key: str, item_id: int, attachment_id: int) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps([item_id, attachment_id])


def opened_file(session: Session, secret_key: str, token: str, item_id: int, max_age: int) -> Attachment | None:
    """The file a link names when it is genuine, younger than max_age seconds, of case item_id and not purged."""
    try:
        signed_item, attachment_id = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    if signed_item != item_id or not isinstance(attachment_id, int):
        return None
    found = session.get(Attachment, attachment_id)
    return found if found is not None and found.item_id == item_id and not found.purged else None
