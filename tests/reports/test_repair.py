"""Repairing a progress report as received: mojibake, pinyin readings, traditional characters, punctuation."""
from __future__ import annotations

import codecs
import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.services.reports.repair.engine import (ReportRejected, decode_report, drop_pinyin,
                                                   full_width_punctuation, repair_report)

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
RAW = (DEMO / "report-2021-seed-raw.txt").read_text(encoding="utf-8")
REFERENCE = (DEMO / "report-2021-zh-Hans.txt").read_text(encoding="utf-8")
#: measured: 0.99739 for the whole text, 0.965 for the worst line; every difference is a marked stretch
TEXT_SIMILARITY, LINE_SIMILARITY = 0.997, 0.96
KEY_SENTENCES = [
    "（二）加强组织领导，认真履行巡视整改主体责任。",
    "（三）狠抓督促检查，以“钉钉子”精神推进整改落实。",
    "（四）注重成果转化，以推动工会工作发展的实际成效来检验巡视整改效果。",
    "（一）针对履行党组核心职能有差距，党的领导不够坚强有力的问题",
    "（二）针对学习习近平新时代中国特色社会主义思想有差距",
    "（三）针对贯彻全面从严治党战略部署有差距",
    "针对巡视组指出的5个方面的54个问题，深入分析研究，提出整改措施193条",
    "要求“1个月内整改到位”的8个问题，已全部整改到位；要求“3个月内整改到位”的5个问题，已整改的4个，正在整改的1个（问题35中",
    "其余41个问题的整改时限为“3个月内取得阶段性成效并在1年内整改到位”。",
    "全部54个问题的193条整改措施中，已整改的170条，正在整改的23条，整体整改率88.08%，年底前将全部完成整改。",
    "《甘肃省百万职工职业技能素质提升活动工作方案（2021-2025年）》",
    "关于印发<2020年产业工人队伍建设改革工作要点>的通知",
    "联系方式：电话0931-8821762；邮政信箱：兰州市东郊巷26号甘肃省总工会政研室；电子邮箱：gsghzys@163.com。",
]


def one_byte_off(text: str) -> str:
    """What a GBK page shows when its first byte is lost: every pair shifted, unassigned pairs dropped whole."""
    data, shown, i = ("\u3000" + text).encode("gbk")[1:], [], 0
    while i < len(data):
        size = 1 if data[i] < 0x80 else 2
        try:
            shown.append(data[i:i + size].decode("gbk"))
        except UnicodeDecodeError:
            pass
        i += size
    return "".join(shown)


@pytest.fixture(scope="module")
def founding():
    return repair_report(RAW)


def test_founding_report_as_received_repairs_to_the_reference(founding):
    assert difflib.SequenceMatcher(None, founding.text, REFERENCE, autojunk=False).ratio() >= TEXT_SIMILARITY
    lines, reference = founding.text.split("\n"), REFERENCE.split("\n")
    assert len(lines) == len(reference)
    for line, expected in zip(lines, reference):
        if "【待核对：" not in line:
            assert line == expected
        assert difflib.SequenceMatcher(None, line, expected, autojunk=False).ratio() >= LINE_SIMILARITY


def test_founding_report_key_sentences_and_figures_come_out_exactly(founding):
    for sentence in KEY_SENTENCES:
        assert sentence in founding.text


def test_founding_report_marks_what_it_cannot_repair(founding):
    assert founding.unrepaired == ("?lián)?", "??", "?lián)芎", "椊?jīng)", "?lián)斝")
    assert "下【待核对：?lián)?】、省总工会OA协同办公系统" in founding.text
    assert founding.text.count("【待核对：") == founding.unrepaired_count == 5


def test_a_clean_simplified_report_passes_unchanged():
    repaired = repair_report(REFERENCE)
    assert repaired.text == REFERENCE and repaired.unrepaired_count == 0


@pytest.mark.parametrize(("received", "expected"), [
    ("根據(jù)省委統(tǒng)一部署", "根據省委統一部署"),
    ("根據（jù）省委", "根據省委"),
    ("關係(guān xì)密切", "關係密切"),
    ("中(zhong1)國", "中國"),
    ("女(nǚ)工", "女工"),
    ("省總工會(huì)OA協(xié)同", "省總工會OA協同"),
])
def test_pinyin_readings_after_han_characters_are_dropped(received, expected):
    assert drop_pinyin(received) == expected


@pytest.mark.parametrize("kept", [
    "（一）強化思想認識", "（2021-2025年）", "方案(試行)", "全委(擴大)會議", "及(2019)問答",
    "系統(OA)建設", "甲方(a)乙方(b)", "見附件(ii)", "Beijing(bei)", "平台(app)上線",
])
def test_bracketed_text_that_is_not_a_reading_is_kept(kept):
    assert drop_pinyin(kept) == kept


def test_a_reading_inside_a_bracketed_name_goes_but_the_brackets_stay():
    assert repair_report("產業(系統(tǒng))工會").text == "产业（系统）工会"


def test_a_gbk_page_read_one_byte_off_is_decoded_back():
    received = one_byte_off("（一）針對履行黨") + "組核心職能有差距，黨的領導不夠堅強有力的問題"
    assert repair_report(received).text == "（一）针对履行党组核心职能有差距，党的领导不够坚强有力的问题"


def test_a_numbered_heading_that_lost_a_pair_is_restored():
    received = "?" + one_byte_off("（二）加強組") + "織領導，認真履行巡視整改主體責任。"
    assert "ǘ┘" in received
    assert repair_report(received).text == "（二）加强组织领导，认真履行巡视整改主体责任。"


def test_utf8_shown_as_gbk_is_decoded_back():
    received = "一、" + "加強組織領導".encode("utf-8").decode("gbk") + "，認真履行主體責任。"
    assert repair_report(received).text == "一、加强组织领导，认真履行主体责任。"


def test_utf8_shown_as_gbk_with_a_lost_byte_marks_only_the_broken_character():
    received = "（二）加強組織領導".encode("utf-8").decode("gbk", errors="replace") + "，認真履行巡視整改主體責任。"
    repaired = repair_report(received)
    assert repaired.text == "（二）加强组织领【待核对：灏�】，认真履行巡视整改主体责任。"
    assert repaired.unrepaired == ("灏�",)


@pytest.mark.parametrize(("received", "expected", "marked"), [
    ("按規定下?lián)?、省總工會", "按规定下【待核对：?lián)?】、省总工会", "?lián)?"),
    ("經費锟斤拷锟斤拷已撥付", "经费【待核对：锟斤拷锟斤拷】已拨付", "锟斤拷锟斤拷"),
    ("整改┘┽ǘ措施", "整改【待核对：┘┽ǘ】措施", "┘┽ǘ"),
])
def test_an_irreparable_stretch_is_marked_not_dropped(received, expected, marked):
    repaired = repair_report(received)
    assert repaired.text == expected and repaired.unrepaired == (marked,)


def test_a_reading_after_a_marked_stretch_joins_the_mark_as_a_hint():
    received = "把巡視整改成果轉┘┽(zhuǎn)化為推動工運事業發展的強大動力。"
    assert repair_report(received).text == "把巡视整改成果转【待核对：┘┽(zhuǎn)】化为推动工运事业发展的强大动力。"


@pytest.mark.parametrize(("received", "expected"), [
    ("2020年7月20日至9月20日,省委巡視組", "2020年7月20日至9月20日，省委巡视组"),
    ("電話0931-8821762;郵政信箱:蘭州市", "电话0931-8821762；邮政信箱：兰州市"),
    ("電子郵箱:gsghzys@163.com。", "电子邮箱：gsghzys@163.com。"),
    ("完成了嗎?完成了!", "完成了吗？完成了！"),
    ("工作方案(2021-2025年)》", "工作方案（2021-2025年）》"),
    ("1.充分發揮作用,平均3.15名,時間12:30, 共1,000人", "1.充分发挥作用，平均3.15名，时间12:30, 共1,000人"),
    ("see (page 2), ok: yes? no!", "see (page 2), ok: yes? no!"),
])
def test_punctuation_between_chinese_becomes_full_width(received, expected):
    assert repair_report(received).text == expected


def test_punctuation_next_to_a_mark_counts_the_mark_as_chinese():
    assert full_width_punctuation(",下一句", left="】") == "，下一句"


def test_windows_line_ends_and_a_bom_are_normalised():
    assert repair_report("\ufeff第一行,\r\n第二行。\r\n").text == "第一行，\n第二行。\n"


@pytest.mark.parametrize("data", [
    REFERENCE.encode("utf-8"),
    codecs.BOM_UTF8 + REFERENCE.encode("utf-8"),
    REFERENCE.encode("gb18030"),
    REFERENCE.encode("utf-16"),
])
def test_report_files_decode_in_any_usual_encoding(data):
    assert decode_report(data) == REFERENCE


def test_a_utf8_file_with_one_broken_byte_stays_utf8():
    broken = REFERENCE[:20].encode("utf-8") + b"\xff" + REFERENCE[20:].encode("utf-8")
    assert decode_report(broken) == REFERENCE[:20] + "\ufffd" + REFERENCE[20:]


def test_a_raw_gb18030_file_is_repaired_like_the_utf8_one(founding):
    assert repair_report(decode_report(RAW.encode("gb18030"))).text == founding.text


@pytest.mark.parametrize(("data", "message"), [
    (b"", "文件是空的"),
    (b" \r\n\t ", "文件是空的"),
    (codecs.BOM_UTF8, "文件是空的"),
    ("\u3000\n".encode("gb18030"), "文件是空的"),
    (bytes(range(256)) * 4, "不是文本"),
    (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "不是文本"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "另存为纯文本"),
])
def test_empty_or_binary_files_are_refused_in_chinese(data, message):
    with pytest.raises(ReportRejected, match=message):
        decode_report(data)


@pytest.mark.parametrize("text", ["", "  \n ", "\x01\x02\x03abc", "根据\ud800省委"])
def test_text_that_cannot_be_a_report_is_refused(text):
    with pytest.raises(ReportRejected):
        repair_report(text)


DEBRIS = st.sampled_from(list("根據(jù)統一部署（一）()，,;:?!。ǘ┘訌娊M織領導锛堜簩灏锟斤拷�【】待核对 \n\r\tabcǎ12"))


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=120), st.text(DEBRIS, max_size=120),
                 st.text(st.characters(codec=None, categories=None), max_size=40)))
def test_any_text_repairs_to_a_string_or_is_refused(text):
    try:
        repaired = repair_report(text)
    except ReportRejected:
        return
    assert isinstance(repaired.text, str) and repaired.text.count("【待核对：") >= repaired.unrepaired_count


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_text_or_are_refused(data):
    try:
        text = decode_report(data)
    except ReportRejected:
        return
    assert isinstance(text, str) and text.strip()
