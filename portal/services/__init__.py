"""The rules of the portal. Services take a Session, flush but never commit: the caller owns the transaction."""
