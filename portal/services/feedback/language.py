"""The language an opinion was submitted in (zh or en), and the locale of every mail to its submitter."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel import Locale
from flask_babel import force_locale

from portal.labels import CHINESE as CHINESE_LOCALE
from portal.models import FeedbackItem
from portal.models.feedback import CHINESE, ENGLISH

#: share of ASCII among a text's letters above which an e-mail counts as written in English
ENGLISH_SHARE = 0.8


def of_locale(locale: Locale | str | None) -> str:
    """The language of a page shown in this locale (the web form): en for English, zh for anything else."""
    return ENGLISH if str(locale or "").startswith("en") else CHINESE


def guess(text: str) -> str:
    """en when the text's letters are mostly ASCII (an English e-mail), zh otherwise (Chinese, or nothing to go by)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return CHINESE
    return ENGLISH if sum(c.isascii() for c in letters) / len(letters) > ENGLISH_SHARE else CHINESE


def locale_of(item: FeedbackItem) -> str:
    return "en" if item.language == ENGLISH else CHINESE_LOCALE


@contextmanager
def submitters_language(item: FeedbackItem) -> Iterator[None]:
    """Render what follows (a mail to the submitter) in the language the opinion was submitted in."""
    with force_locale(locale_of(item)):
        yield
