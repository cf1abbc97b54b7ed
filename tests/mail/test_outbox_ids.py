"""Outgoing Message-IDs name the case and are signed: only the portal's own ids thread replies."""
from portal.services.mail.outbox import MailSettings, case_of_message_id, new_message_id, signed_cases

SETTINGS = MailSettings(key="k1", domain="portal.example.org", sender="portal@example.org")


def test_message_id_names_the_case_and_verifies():
    message_id = new_message_id(SETTINGS, "GH-2021-000123")
    assert message_id.startswith("<GH-2021-000123.") and message_id.endswith("@portal.example.org>")
    assert case_of_message_id(SETTINGS, message_id) == "GH-2021-000123"


def test_forged_or_foreign_ids_do_not_verify():
    message_id = new_message_id(SETTINGS, "GH-2021-000123")
    forged = message_id.replace("GH-2021-000123", "GH-2021-000124")
    assert case_of_message_id(SETTINGS, forged) is None
    other_key = MailSettings(key="k2", domain="portal.example.org", sender="x@example.org")
    assert case_of_message_id(other_key, message_id) is None
    assert case_of_message_id(SETTINGS, "<CAF=abc@mail.gmail.com>") is None


def test_signed_cases_found_in_references():
    ours = new_message_id(SETTINGS, "GH-2021-000007")
    references = f"<abc@mail.gmail.com> {ours}\r\n <zzz@qq.com>"
    assert signed_cases(SETTINGS, [references, ours]) == ["GH-2021-000007"]


def test_sender_domain_is_the_default_message_id_domain():
    settings = MailSettings.from_config({"SECRET_KEY": "s", "MAIL_DEFAULT_SENDER": ("政研室", "gsghzys@163.com")})
    assert settings.domain == "163.com" and settings.key == "s"
