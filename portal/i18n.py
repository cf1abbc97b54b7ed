"""Locale choice (cookie, then Accept-Language, then Chinese) and date formatting for templates."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_datetime, get_locale

LOCALE_COOKIE = "lang"
babel = Babel()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = long_date
    app.jinja_env.filters["datetime"] = long_datetime
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "zh-SG", "en"])
    if best and best.startswith("en"):
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def long_date(value: date | None) -> str:
    """2021年3月31日 in Chinese, March 31, 2021 in English; empty for no date."""
    return format_date(value, "long") if value else ""


def long_datetime(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""
