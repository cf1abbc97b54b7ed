"""Staff pages: items (being written)."""
