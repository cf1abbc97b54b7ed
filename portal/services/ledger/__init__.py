"""整改台账: campaigns, the ledger read, imported and exported, deadlines, figures, open data."""
