"""The signed links of follow mails: confirm (expires), unsubscribe one subscription, manage an address's list.

Tokens name subscription ids, never the address: a URL ends up in access logs.
"""
from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from portal.services.common.errors import ServiceError
from portal.services.mail.outbox import MailSettings

CONFIRM_SALT, UNSUBSCRIBE_SALT, MANAGE_SALT = "follow-confirm", "follow-unsubscribe", "follow-manage"
#: a confirmation link works this long (seconds)
CONFIRM_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class FollowSettings:
    """What following needs from config: the outbox's settings, the signing key and the public address."""

    mail: MailSettings
    key: str
    base_url: str

    @classmethod
    def from_config(cls, config) -> FollowSettings:
        return cls(MailSettings.from_config(config), config["SECRET_KEY"], config["PUBLIC_BASE_URL"].rstrip("/"))


class BadToken(ServiceError):
    """A link that was not signed by the portal, or was cut short."""


class ExpiredToken(ServiceError):
    """A confirmation link older than CONFIRM_SECONDS."""


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation link confirms: the subscriptions and the frequency chosen when subscribing."""

    subscription_ids: tuple[int, ...]
    frequency: str


def confirm_token(key: str, subscription_ids: list[int], frequency: str) -> str:
    return str(URLSafeTimedSerializer(key, salt=CONFIRM_SALT).dumps({"s": subscription_ids, "f": frequency}))


def read_confirm(key: str, token: str, max_age: int | None = None) -> Confirmation:
    """The confirmation a link carries; ExpiredToken when older than max_age (CONFIRM_SECONDS), BadToken when it is
    not ours."""
    try:
        payload = URLSafeTimedSerializer(key, salt=CONFIRM_SALT).loads(
            token, max_age=CONFIRM_SECONDS if max_age is None else max_age)
    except SignatureExpired as exc:
        raise ExpiredToken("expired") from exc
    except BadSignature as exc:
        raise BadToken("bad") from exc
    ids = payload.get("s") if isinstance(payload, dict) else None
    if not isinstance(ids, list) or not ids or not all(_is_id(i) for i in ids):
        raise BadToken("bad")
    return Confirmation(tuple(ids), str(payload.get("f")))


def unsubscribe_token(key: str, subscription_id: int) -> str:
    return str(URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT).dumps(subscription_id))


def manage_token(key: str, subscription_id: int) -> str:
    """Signed for one subscription; the page lists every subscription of that subscription's address."""
    return str(URLSafeSerializer(key, salt=MANAGE_SALT).dumps(subscription_id))


def read_unsubscribe(key: str, token: str) -> int:
    return _read_id(URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT), token)


def read_manage(key: str, token: str) -> int:
    return _read_id(URLSafeSerializer(key, salt=MANAGE_SALT), token)


def _read_id(serializer: URLSafeSerializer, token: str) -> int:
    try:
        value = serializer.loads(token)
    except BadSignature as exc:
        raise BadToken("bad") from exc
    if not _is_id(value):
        raise BadToken("bad")
    return value


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
