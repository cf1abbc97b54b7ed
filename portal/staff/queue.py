"""Staff pages: queue (being written)."""
