"""Staff accounts: creation, passwords, login throttling."""
