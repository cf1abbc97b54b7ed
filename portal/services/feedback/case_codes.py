"""Case numbers (GH-2021-000123) and query codes (8 unambiguous characters, stored only as an HMAC)."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from portal.services.common.text import DASHES, clean_text

#: no 0/O, 1/I/L, so a code read over the phone cannot be misheard as another
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CASE_NUMBER = re.compile(r"^([A-Z]{1,8})-(\d{4})-(\d{6,})$")


def new_query_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a citizen types: any case, full-width letters, spaces, hyphens or dashes."""
    return re.sub(r"[\s-]", "", _plain(code)).upper()


def hash_query_code(code: str, key: str) -> str:
    """HMAC-SHA256 under the server's key: a leaked table alone does not reveal codes, and lookups stay fast."""
    return hmac.new(key.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


def code_matches(code: str, stored_hash: str, key: str) -> bool:
    return hmac.compare_digest(hash_query_code(code, key), stored_hash)


def case_number(prefix: str, year: int, item_id: int) -> str:
    return f"{prefix}-{year}-{item_id:06d}"


def normalise_case_number(text: str) -> str:
    """ＧＨ－２０２１－０００１２３, gh—2021—000123 or "GH 2021 000123" as GH-2021-000123."""
    plain = re.sub(r"\s+", "-", _plain(text).strip()).upper()
    return re.sub(r"-+", "-", plain)


def _plain(text: str | None) -> str:
    """Full-width forms as ASCII (NFKC), every dash as "-", invisible characters gone."""
    return DASHES.sub("-", clean_text(unicodedata.normalize("NFKC", text or "")))
