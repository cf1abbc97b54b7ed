"""Locale choice (cookie, then Accept-Language, then Chinese) and date formatting for templates."""
from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALE_COOKIE = "lang"
babel = Babel()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = long_date
    app.jinja_env.filters["datetime"] = long_datetime
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())


def select_locale() -> Locale:
    """The language cookie when it names an offered language, else English when Accept-Language prefers it over
    Chinese, else the default; the default outside a request (commands, mail workers). Runs on every request, so
    the answer per header value is remembered."""
    config = current_app.config
    if not has_request_context():
        return _locale(config["BABEL_DEFAULT_LOCALE"])
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen not in config["LANGUAGES"]:
        english = _prefers_english(request.headers.get("Accept-Language", ""))
        chosen = "en" if english else config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@lru_cache(maxsize=256)
def _prefers_english(accept_language: str) -> bool:
    best = parse_accept_header(accept_language, LanguageAccept).best_match(["zh", "zh-CN", "zh-Hans", "zh-SG", "en"])
    return bool(best and best.startswith("en"))


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def long_date(value: date | None) -> str:
    """2021年3月31日 in Chinese, March 31, 2021 in English; empty for no date."""
    return format_date(value, "long") if value else ""


def long_datetime(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""
