"""通报数字: the figures a progress report declares, under the keys of ledger.figures.campaign_figures."""
from __future__ import annotations

import re
import unicodedata

from portal.services.ledger.deadlines import normalise_label

NUM = r"(\d+|[零一二两三四五六七八九十百]+)"
TOTAL = r"(?:共|共计|计|总计|合计)?"
PATTERNS: dict[str, list[re.Pattern]] = {
    "categories": [re.compile(rf"{NUM}个方面")],
    "problems": [re.compile(rf"(?:\d+|[一二三四五六七八九十]+)个方面(?:的|共|共计|计)?{NUM}(?:个|项|条)问题"),
                 re.compile(rf"(?:全部|共|共计|计|总计|合计){NUM}(?:个|项|条)问题"),
                 re.compile(rf"(?:反馈|指出)(?:的)?问题{TOTAL}{NUM}(?:个|项|条)"),
                 re.compile(rf"(?:反馈|指出)(?:的)?{NUM}(?:个|项|条)问题")],
    "measures": [re.compile(rf"(?:整改)?措施{TOTAL}{NUM}(?:条|项)"),
                 re.compile(rf"{NUM}(?:条|项)(?:具体)?(?:整改)?措施")],
    "done": [re.compile(rf"(?:已经?(?:完成)?整改(?:完成|到位)?|已完成|已办结|已落实)(?:的)?(?:措施)?"
                        rf"{TOTAL}{NUM}(?:条|项)")],
    "in_progress": [re.compile(rf"(?:正在整改|正在推进|正在落实|整改中|尚未完成|未完成)(?:的)?(?:措施)?"
                               rf"{TOTAL}{NUM}(?:条|项)")],
    "rate": [re.compile(r"(?:整改|完成)率(?:为|达到|达)?(\d+(?:\.\d+)?)%")],
}
DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
DEADLINE_WORDS = re.compile(r"月|年|立行立改|即知即改|立即|长期|持续|到位")
CLASS_QUOTED_FIRST = re.compile(rf"“([^”]{{1,40}})”的{NUM}(?:个|项)问题")
CLASS_COUNT_FIRST = re.compile(rf"{NUM}(?:个|项)问题的?整改时限为“([^”]{{1,40}})”")
ALL_DONE = re.compile(r"已?全部(?:整改到位|完成整改|整改完成)")
RECTIFIED = re.compile(rf"已(?:经)?整改(?:到位|完成)?(?:的)?{NUM}个")
IN_PROGRESS = re.compile(rf"正在整改(?:的)?{NUM}个")


def declared_figures(text: str) -> dict:
    """Figures the text states, e.g. {"problems": 54, "measures": 193, "rate": "88.08", …}; absent ones are left out."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    declared: dict = {}
    for key, patterns in PATTERNS.items():
        for pattern in patterns:
            m = pattern.search(text)
            if m:
                declared[key] = m.group(1) if key == "rate" else number(m.group(1))
                break
    classes = deadline_classes(text)
    if classes:
        declared["deadline_classes"] = classes
    return {k: v for k, v in declared.items() if v is not None}


def deadline_classes(text: str) -> list[dict]:
    """Stated deadline classes in order: label and problems, with rectified / in_progress where stated."""
    found = sorted(_class_mentions(text))
    classes = []
    for i, (_, end, label, problems) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        clause = re.split(r"[。;]", text[end:stop], maxsplit=1)[0]
        entry = {"label": normalise_label(label), "problems": problems}
        if ALL_DONE.search(clause):
            entry.update(rectified=problems, in_progress=0)
        for key, pattern in (("rectified", RECTIFIED), ("in_progress", IN_PROGRESS)):
            m = pattern.search(clause)
            if m and number(m.group(1)) is not None:
                entry[key] = number(m.group(1))
        classes.append(entry)
    return classes


def _class_mentions(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, label, problems) for “3个月内整改到位”的5个问题 and 41个问题的整改时限为“…”."""
    mentions = []
    for pattern, label_group, count_group in ((CLASS_QUOTED_FIRST, 1, 2), (CLASS_COUNT_FIRST, 2, 1)):
        for m in pattern.finditer(text):
            count = number(m.group(count_group))
            if count is not None and DEADLINE_WORDS.search(m.group(label_group)):
                mentions.append((m.start(), m.end(), m.group(label_group), count))
    return mentions


def number(text: str) -> int | None:
    """An integer written in digits or Chinese numerals below a thousand: 54, 五十四, 一百零五."""
    if text.isdigit():
        return int(text)
    m = re.fullmatch(r"(?:([一二两三四五六七八九])百零?)?(?:([一二三四五六七八九]?)十)?([一二两三四五六七八九])?", text)
    if not text or not m:
        return None
    hundreds, tens, units = m.groups()
    value = DIGITS[hundreds] * 100 if hundreds else 0
    if tens is not None:
        value += (DIGITS[tens] if tens else 1) * 10
    return value + (DIGITS[units] if units else 0)
