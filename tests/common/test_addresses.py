"""Email addresses: one bare mailbox passes, in its stored form; hostile spellings of several or other ones never do."""
from __future__ import annotations

import pytest

from portal.services.common.addresses import is_bare, normalized

HOSTILE = [
    "a<attacker@evil.example>",                      # display name: mail libraries send to the bracketed one
    "张三 <zhang@example.org>",
    "<attacker@evil.example>",
    '"citizen" <citizen@example.org>',
    "citizen@example.org, attacker@evil.example",    # a list
    "citizen@example.org;attacker@evil.example",
    "citizen@example.org\r\nBcc: attacker@evil.example",
    "citizen@example.org\nattacker@evil.example",
    '"attacker@evil.example"@example.org',            # quoted local part holding an @
    '"a b"@example.org',
    "citizen＠example.org",                           # full-width @
    "用户@example.org",                               # needs SMTPUTF8, which the portal's mail does not speak
    "a" * 65 + "@example.org",                       # local part longer than 64
    "a@" + "b" * 250 + ".org",                        # longer than 254
    "citizen@[127.0.0.1]",
    "citizen@localhost",
    "citizen@",
    "@example.org",
    "citizen@@example.org",
    "citizen@example.org\x00",
    "",
]


@pytest.mark.parametrize("address", HOSTILE)
def test_hostile_addresses_are_refused(address):
    assert normalized(address) is None
    assert not is_bare(address)


def test_an_address_is_stored_trimmed_with_its_domain_lowercased():
    assert normalized("  Zhang.San@Example.ORG ") == "Zhang.San@example.org"
    assert normalized("a@b.cn") == "a@b.cn"


def test_an_internationalised_domain_is_kept_in_the_ascii_form_smtp_delivers_to():
    assert normalized("user@例子.中国") == "user@xn--fsqu00a.xn--fiqs8s"
    assert normalized("user@xn--fsqu00a.xn--fiqs8s") == "user@xn--fsqu00a.xn--fiqs8s"


def test_the_outbox_takes_one_bare_address_as_it_is():
    assert is_bare("Zhang.San@example.org") and is_bare("legacy@Example.ORG")
    assert not is_bare(" citizen@example.org") and not is_bare(None)
