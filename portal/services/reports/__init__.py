"""进展通报: publishing progress reports, their declared figures and how they are read."""
