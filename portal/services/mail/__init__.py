"""Email in and out: parsing, ingest, follow-ups, the outbox, sending, IMAP and LMTP."""
