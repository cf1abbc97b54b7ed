"""Staff pages: audit_log (being written)."""
