"""Personal data in Chinese reply texts is found and masked in the privacy module's style before publication."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from portal.models import FeedbackContact
from portal.services.replies.redaction import contact_leaks, find, redact

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
CONTACT = FeedbackContact(name="张三丰", phone="13812341762", email="zhangsan@163.com",
                          address="兰州市城关区东岗西路123号")


@pytest.mark.parametrize(("text", "masked", "kind"), [
    ("请拨打13812341762联系", "请拨打138****1762联系", "mobile"),
    ("手机138 1234 1762", "手机138****1762", "mobile"),
    ("手机+86 13812341762", "手机138****1762", "mobile"),
    ("电话0931-8821762", "电话0931-****762", "landline"),
    ("电话（0931）8821762", "电话0931-****762", "landline"),
    ("电话０９３１－８８２１７６２", "电话0931-****762", "landline"),
    ("身份证号62010219800101123X。", "身份证号62*************23X。", "id_card"),
    ("身份证号62010219800101123x。", "身份证号62*************23x。", "id_card"),
    ("邮箱lisi@example.org.cn", "邮箱l***@example.org.cn", "email"),
    ("张先生您好", "张**您好", "name"),
    ("李女士反映", "李**反映", "name"),
    ("经查，王某某所述属实", "经查，王**所述属实", "name"),
    ("欧阳先生", "欧***", "name"),
    ("家住兰州市城关区东岗西路123号", "家住兰州市城关区****", "address"),
    ("地址：甘肃省兰州市七里河区西津西路16号3单元501室", "地址：甘肃省兰州市****", "address"),
])
def test_each_kind_is_masked(text, masked, kind):
    result = redact(text)
    assert result.text == masked
    assert [span.kind for span in result.spans] == [kind]


def test_the_contacts_own_values_are_masked_wherever_they_appear():
    text = "张三丰同志：您反映的问题已核实。张三丰本人可来电，或发邮件至ZhangSan@163.com。"
    result = redact(text, CONTACT)
    assert "张三丰" not in result.text and "ZhangSan" not in result.text
    assert result.text.startswith("张**同志：") and "Z***@163.com" in result.text
    assert [span.kind for span in result.spans] == ["name", "name", "email"]


def test_numbers_dates_hotlines_and_ordinary_words_stay():
    text = ("2021年3月31日前完成整改，投入资金12345678元，职工服务热线12351。"
            "关于某单位的问题，对于某某事项，向某部门反映，已按道路养护标准整改。")
    assert redact(text).text == text
    assert find(text) == ()


def test_redacting_twice_changes_nothing():
    text = "张三丰（13812341762，62010219800101123X，zhangsan@163.com）住兰州市城关区东岗西路123号，李女士同住。"
    once = redact(text, CONTACT)
    assert redact(once.text, CONTACT).text == once.text
    assert find(once.text, CONTACT) == ()


def test_segments_rebuild_the_original_and_mark_the_spans():
    text = "请李女士拨打0931-8821762。"
    result = redact(text)
    assert "".join(piece for piece, _ in result.segments()) == text
    assert [(piece, span.kind) for piece, span in result.segments() if span] == [
        ("李女士", "name"), ("0931-8821762", "landline")]
    assert result.counts() == {"name": 1, "landline": 1}


def test_overlapping_finds_become_one_span():
    result = redact("来信地址兰州市城关区东岗西路123号", CONTACT)
    assert len(result.spans) == 1 and result.spans[0].original == "兰州市城关区东岗西路123号"


def test_of_two_finds_at_one_place_the_longer_gives_the_kind():
    contact = FeedbackContact(name="zhangwei", phone=None, email=None, address=None)
    result = redact("请回复zhangwei@163.com", contact)
    assert [(span.original, span.kind) for span in result.spans] == [("zhangwei@163.com", "email")]
    assert result.text == "请回复z***@163.com"


def test_finds_that_overlap_in_part_are_masked_as_their_union():
    result = redact("经办人王小明同志负责此事")
    assert [(span.original, span.kind) for span in result.spans] == [("王小明同志", "name")]
    assert result.text == "经办人王****负责此事"


def test_finds_that_touch_without_overlapping_stay_two_spans():
    result = redact("张先生13812341762")
    assert [(span.original, span.kind) for span in result.spans] == [("张先生", "name"), ("13812341762", "mobile")]
    assert result.text == "张**138****1762"


def test_contact_leaks_name_the_kinds_of_the_contacts_own_data():
    assert contact_leaks("答复张三丰：请致电13812341762。", CONTACT) == ["name", "mobile"]
    assert contact_leaks("答复张**：请致电138****1762。", CONTACT) == []
    assert contact_leaks("任何内容", None) == []


@pytest.mark.parametrize(("text", "masked"), [
    ("经办人王小明已于3月31日电话联系反映人。", "经办人王**已于3月31日电话联系反映人。"),
    ("由刘建国负责跟进，联系人：李明，电话0931-8821762。", "由刘**负责跟进，联系人：李*，电话0931-****762。"),
    ("经核实，村民张大山反映属实，已交由司马光明牵头整改。", "经核实，村民张**反映属实，已交由司***牵头整改。"),
    ("局长周建华表示将于6月底前完成整改。", "局长周**表示将于6月底前完成整改。"),
    ("感谢赵丽娟女士的监督。", "感谢赵**女士的监督。"),
])
def test_a_third_persons_name_is_masked_by_its_role_or_act(text, masked):
    result = redact(text, CONTACT)
    assert result.text == masked
    assert "name" in result.counts()


def test_departments_places_and_posts_of_the_ledger_are_not_names():
    text = ("由高新区负责，党组书记任组长，由林业局办理，由单位负责落实。由于时间紧，请各单位于月底前报送。"
            "全体同志要高度重视，由宣传教育部牵头，由金川区、宁县、机关纪委和党组承办。")
    assert redact(text).text == text


def test_no_cell_of_the_demo_ledger_holds_a_name():
    with (DEMO / "sample-ledger.csv").open(encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert len(cells) > 500
    assert [(span.original, cell) for cell in cells for span in find(cell)] == []


def test_segments_have_no_empty_pieces_when_a_span_opens_the_text_or_follows_another():
    result = redact("李女士0931-8821762")
    assert [piece for piece, _ in result.segments()] == ["李女士", "0931-8821762"]
    assert {span.kind for span in result.spans} == {"name", "landline"}
    assert len({span: span.kind for span in result.spans}) == 2


def test_a_two_character_name_and_a_landline_of_the_submitter_are_found():
    contact = FeedbackContact(name="李四", phone="0931-8821762")
    result = redact("李四来电0931-8821762反映", contact)
    assert result.text == "李*来电0931-****762反映"
    assert result.counts() == {"name": 1, "landline": 1}
