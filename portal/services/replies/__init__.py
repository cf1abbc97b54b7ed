"""答复: drafting and approving replies, reply templates, redaction and publication."""
