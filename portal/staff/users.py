"""Staff pages: users (being written)."""
