"""Staff pages: account (being written)."""
