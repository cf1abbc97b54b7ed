"""Staff pages: intake (being written)."""
