"""统计: how well feedback is handled — received, on time, satisfaction — for /staff/stats, `flask stats`, the public
pages and the 通报.

figures.compute() returns every figure of a campaign and date range in one StatsFigures (its as_json() is what
`flask stats --json` prints); definitions.DEFINITIONS says what each figure means; tables.tables() gives the
figures as the tables the page shows and downloads; public.py the few figures the public pages show.
"""
