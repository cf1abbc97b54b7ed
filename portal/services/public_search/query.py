"""A public search query as typed: bounded, printable, full-width folded; refused with a message a person can act on."""
from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from portal.services.common.errors import ServiceError
from portal.services.common.text import CONTROL_CHARS, clean_text

#: longest query read, in characters (a question pasted whole still fits)
MAX_QUERY = 100


class QueryError(ServiceError):
    """The query cannot be searched; field "q"."""


def read_query(raw: str | None) -> str:
    """The query to search: NFKC-folded, invisible characters gone, blanks collapsed; "" for none.

    Refused when longer than MAX_QUERY or holding control characters (NUL, escape…), which no one types."""
    raw = raw or ""
    if len(raw) > MAX_QUERY:
        raise QueryError(_("搜索词太长，请不超过%(max)s个字（现为%(count)s个字）。", max=MAX_QUERY, count=len(raw)),
                         "q")
    if CONTROL_CHARS.search(raw):
        raise QueryError(_("搜索词中有无法识别的控制字符，请重新输入。"), "q")
    return " ".join(clean_text(unicodedata.normalize("NFKC", raw)).split())
