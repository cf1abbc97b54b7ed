"""Rules every domain uses: the audit log, who may do what, clocks, masking personal data."""
