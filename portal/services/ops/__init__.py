"""Operations: backup and restore, the demo data."""
