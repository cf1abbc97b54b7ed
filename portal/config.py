"""Configuration: defaults here, then instance/config.py, then PORTAL_* environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


class Defaults:
    #: SQLAlchemy URL; empty means SQLite in the instance folder
    DATABASE_URL = ""
    #: where attachments are stored; empty means uploads/ in the instance folder
    UPLOAD_DIR = ""
    #: signs sessions and CSRF tokens; generated into instance/secret_key when not configured
    SECRET_KEY = ""
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans", "en")
    #: largest request accepted, in bytes: 5 attachments of 10 MiB (services/feedback/attachments.py) with room to
    #: spare for the text and the multipart framing, so a sixth file is refused by the form, with the text kept,
    #: rather than by a bare 413; the 413 page states it as the total ("60 MB in all")
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: set to true when served over HTTPS (behind the reverse proxy)
    SESSION_COOKIE_SECURE = False
    #: a staff session with no request for this many minutes is logged out
    STAFF_IDLE_MINUTES = 30
    #: the campaign shown on the home page; empty means the most recently created one
    DEFAULT_CAMPAIGN = ""
    #: rows per page in public lists
    PAGE_SIZE = 20
    #: how long (seconds) a process reuses the public data versions (and the home page's campaign version) before
    #: asking the database again: a public page can lag a change by that much; 0 asks on every request
    PUBLIC_VERSION_SECONDS = 1.0
    #: redis://host:6379/1 to copy the public data versions to Redis and read them there (portal.version_mirror);
    #: then PUBLIC_VERSION_SECONDS = 0 shows a change on every host at its next request
    PUBLIC_VERSION_REDIS_URL = ""
    #: seconds a copied version lives in Redis after it was last written (the longest a missed copy is seen)
    PUBLIC_VERSION_REDIS_TTL = 30
    #: seconds a browser, nginx or a CDN may reuse an anonymous public page or open data answer
    PUBLIC_MAX_AGE = 60
    #: bytes of rendered public pages each process keeps (least recently used go first)
    PUBLIC_CACHE_BYTES = 64 * 1024 * 1024
    #: a streamed open-data body up to this size is kept in that cache once sent whole; a longer one streams anew
    PUBLIC_STREAM_STORE_BYTES = 4 * 1024 * 1024
    #: rate limits per client address (Flask-Limiter syntax)
    FORM_RATE_LIMIT = "5 per minute"
    LOOKUP_RATE_LIMIT = "10 per minute"
    #: the follow form (关注), per client address: each accepted request sends a confirmation mail
    FOLLOW_RATE_LIMIT = "5 per minute"
    LOGIN_RATE_LIMIT = "20 per minute"
    #: ratings of answers sent from the /rate/<token> page
    RATING_RATE_LIMIT = "10 per minute"
    #: wrong query codes per case number, whatever the address (guessing one case's code from many addresses)
    LOOKUP_CASE_RATE_LIMIT = "5 per hour"
    #: review requests and added material from the case page, per client address
    CASE_ACTION_RATE_LIMIT = "5 per hour"
    #: how long (seconds) a link to a file on the case page works
    CASE_FILE_SECONDS = 600
    #: the opinion form's target search and suggestions (a request per pause in typing)
    PICKER_RATE_LIMIT = "120 per minute"
    #: where rate-limit counters live: empty means the portal's database (shared by every worker and host);
    #: redis://host:6379 to keep them in Redis instead
    RATELIMIT_STORAGE_URI = ""
    RATELIMIT_HEADERS_ENABLED = False
    #: how many reverse proxies set X-Forwarded-For in front of the app (0: use the socket address)
    PROXY_FIX_X_FOR = 0
    #: feedback clocks in days (《信访工作条例》): decide, conclude, extend at most, ask for review
    ACCEPT_DAYS = 15
    HANDLE_DAYS = 60
    MAX_EXTENSION_DAYS = 30
    REVIEW_WINDOW_DAYS = 30
    DUE_SOON_DAYS = 3
    #: /staff/stats 红黄绿灯: green from this on-time answer rate (percent) with nothing overdue; red below
    #: STATS_RED_RATE or with more than STATS_RED_OVERDUE items overdue; yellow otherwise
    STATS_GREEN_RATE = 90
    STATS_RED_RATE = 70
    STATS_RED_OVERDUE = 3
    #: case numbers look like GH-2021-000123
    CASE_PREFIX = "GH"
    #: key of the query-code HMAC; defaults to SECRET_KEY (changing it invalidates every query code)
    QUERY_CODE_KEY = ""
    #: items per page in the staff queue
    QUEUE_PAGE_SIZE = 50
    WTF_CSRF_TIME_LIMIT = None
    #: the portal's public address, for links in emails (the case lookup)
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: outgoing mail (Flask-Mail): the research office's SMTP account
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "gsghzys@163.com"
    MAIL_TIMEOUT = 30
    #: domain and key of signed Message-IDs; default to the sender's domain and SECRET_KEY
    MESSAGE_ID_DOMAIN = ""
    MESSAGE_ID_KEY = ""
    #: seconds to wait before each retry of a failed send; after the last one the message is marked failed
    OUTBOX_RETRY_SCHEDULE = [60, 300, 1800, 7200, 43200]
    #: inbound mail by IMAP polling (flask mail fetch)
    IMAP_HOST = ""
    IMAP_PORT = 993
    #: ssl (port 993), starttls or none (loopback test servers only)
    IMAP_SECURITY = "ssl"
    IMAP_USER = ""
    IMAP_PASSWORD = ""
    IMAP_FOLDER = "INBOX"
    #: when set, processed messages are moved here; otherwise they are only marked seen
    IMAP_PROCESSED_FOLDER = ""
    IMAP_BATCH = 50
    #: largest raw inbound message kept, in bytes
    INBOUND_MAX_BYTES = 60 * 1024 * 1024
    #: personal data of a closed case is kept this many years, then anonymised (个人信息保护法 art. 19)
    PRIVACY_RETENTION_YEARS = 3
    #: the portal's log level (other libraries log from WARNING); LOG_REQUESTS writes one line per request
    LOG_LEVEL = "INFO"
    LOG_REQUESTS = True


def load(app: Flask, overrides: dict | None) -> None:
    """Apply defaults, instance/config.py, PORTAL_* variables and test overrides, in that order."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    if overrides:
        app.config.update(overrides)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "portal.db")
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """Read, or create once, a random secret key kept in the instance folder (mode 0600)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
