"""满意度: the citizen's rating of an answer (signed link, case page), the clerk's 回访 calls, the 不满意 flag."""
