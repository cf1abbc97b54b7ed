"""The signed rating link: /rate/<token>, bound to one reply, for the reply e-mail and the case page."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from portal.models import Reply
from portal.models.rating import RATING_LEVELS
from portal.services.common.clocks import ClockSettings

#: keeps rating tokens apart from every other token signed with the same key
SALT = "answer-rating"
#: ?via=email on the e-mail's links: the rating's source is the e-mail, not the case page
VIA_EMAIL = "email"


@dataclass(frozen=True)
class RatingSettings:
    """What rating needs from config: the signing key, the public address, the review window (clocks)."""

    key: str
    base_url: str
    clocks: ClockSettings

    @classmethod
    def from_config(cls, config) -> RatingSettings:
        return cls(config["SECRET_KEY"], config["PUBLIC_BASE_URL"].rstrip("/"), ClockSettings.from_config(config))


def _serializer(key: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=SALT)


def token_for(reply_id: int, key: str) -> str:
    return str(_serializer(key).dumps({"reply": reply_id}))


def reply_id_of(token: str, key: str) -> int | None:
    """The reply a token was signed for; None when it was not signed by us (tampered, truncated, another salt)."""
    try:
        payload = _serializer(key).loads(token)
    except BadSignature:
        return None
    reply_id = payload.get("reply") if isinstance(payload, dict) else None
    return reply_id if isinstance(reply_id, int) and not isinstance(reply_id, bool) else None


def rating_link(reply: Reply, settings: RatingSettings) -> str:
    """The page where the citizen rates reply (the case page links to it)."""
    return f"{settings.base_url}/rate/{token_for(reply.id, settings.key)}"


def email_links(reply: Reply, settings: RatingSettings) -> dict[str, str]:
    """One link per level for the reply e-mail: each opens the confirmation form with that level chosen."""
    base = rating_link(reply, settings)
    return {level: f"{base}?{urlencode({'level': level, 'via': VIA_EMAIL})}" for level in RATING_LEVELS}
