"""Fixtures of the mail tests: a real SMTP server (smtp_sink) and a real IMAP server (imap_server) on loopback."""
from tests.mail.imap_fixtures import imap_server  # noqa: F401
from tests.smtp_fixtures import smtp_sink  # noqa: F401
