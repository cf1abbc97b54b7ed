"""措施推荐: an opinion, written as citizens write, is matched to the measure it is about — or to none."""
import json

import pytest

from portal.models import Measure
from portal.services.feedback import suggest
from portal.services.feedback.links import add_link, resolve_target
from portal.services.ops.demo import load_demo

#: each test loads the demo ledger (193 measures): kept out of the quick loop
pytestmark = pytest.mark.slow


@pytest.fixture
def demo(session):
    campaign = load_demo(session)
    session.commit()
    return campaign


def codes(result) -> list[str]:
    return [s.measure for s in result.suggestions]


@pytest.mark.parametrize("text", [
    "劳模补助资金什么时候发放？",
    "劳模 补助",
    "勞模補助資金甚麼時候發放？",
    "When will the model worker subsidy be paid?",
])
def test_the_measure_a_citizen_means_comes_first_whatever_the_wording(session, demo, text):
    result = suggest.suggest(session, demo, text)
    assert not result.abstain
    assert codes(result)[0] == "35-3" and result.suggestions[0].problem == 35
    assert {"劳模", "补助"} <= set(result.suggestions[0].matched)
    assert len(result.suggestions) <= 3
    assert [s.score for s in result.suggestions] == sorted((s.score for s in result.suggestions), reverse=True)


@pytest.mark.parametrize("text, measure", [
    ("单位领导天天开公车，三公经费的台账能不能公开", "30-2"),
    ("我们是户外环卫工，夏天连个喝水歇脚的地方都没有，工会驿站啥时候能建到我们县", "17-2"),
])
def test_colloquial_words_reach_the_ledgers_words(session, demo, text, measure):
    """公车 → 公务用车 → 三公; 驿站 → 服务站点; 外卖骑手 → 八大群体 (lexicon data, not code)."""
    assert measure in codes(suggest.suggest(session, demo, text))


def test_related_words_call_up_the_ledgers_term(session, demo):
    """外卖骑手 and 网约车司机 are among the 八大群体 the ledger speaks of."""
    first = suggest.suggest(session, demo, "网约车司机和外卖骑手怎么加入工会").suggestions[0]
    assert "八大群体" in first.matched and first.problem in (25, 26, 27, 28)


@pytest.mark.parametrize("text", [
    "我们公司拖欠了三个月工资，老板跑路了，怎么办",
    "工会会员卡丢了怎么补办",
    "医保报销比例是多少？住院能报多少",
    "How do I get a new union membership card? I lost mine.",
    "",
])
def test_opinions_about_other_things_get_no_confident_match(session, demo, text):
    result = suggest.suggest(session, demo, text)
    assert result.abstain and result.suggestions == []
    assert result.as_dict() == {"abstain": True, "suggestions": []}


def test_linked_items_teach_the_index(session, demo, new_item, make_user):
    """Once staff link opinions worded a certain way to a measure, a new opinion worded so finds that measure."""
    text = "厂里的老师傅们都说光荣称号的钱一直没见着"
    before = suggest.suggest(session, demo, text)
    assert "35-3" not in codes(before)
    triager = make_user("triager")
    target = resolve_target(session, demo.id, "35-3")
    assert isinstance(target, Measure)
    for _ in range(3):
        item, _code = new_item(content=text, campaign_id=demo.id)
        add_link(session, item, target, triager)
    session.commit()
    assert codes(suggest.suggest(session, demo, text))[:1] == ["35-3"]


def test_a_ledger_change_rebuilds_the_index(session, demo):
    measure = session.query(Measure).filter_by(campaign_id=demo.id, code="35-3").one()
    measure.text = "及时发放省财政劳模专项补助资金和冬季取暖慰问品"
    demo.touch()
    session.commit()
    assert codes(suggest.suggest(session, demo, "取暖慰问品什么时候发"))[:1] == ["35-3"]


def test_suggest_command_prints_json(runner, session, demo, tmp_path):
    result = runner.invoke(args=["feedback", "suggest", "--campaign", demo.slug, "--text", "劳模补助资金什么时候发放",
                                 "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["abstain"] is False and answer["suggestions"][0]["measure"] == "35-3"
    assert answer["suggestions"][0]["problem"] == 35 and "劳模" in answer["suggestions"][0]["matched"]
    lines = tmp_path / "in.jsonl"
    lines.write_text('{"text": "劳模补助资金什么时候发放"}\n\n{"text": "工会会员卡丢了怎么补办"}\n', encoding="utf-8")
    result = runner.invoke(args=["feedback", "suggest", "--campaign", demo.slug, "--jsonl", str(lines), "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["abstain"] for line in result.output.splitlines()] == [False, True]


def test_suggest_command_says_what_is_wrong(runner, demo, tmp_path):
    assert "--text 或 --jsonl" in runner.invoke(args=["feedback", "suggest", "--campaign", demo.slug]).output
    assert "没有标识为" in runner.invoke(args=["feedback", "suggest", "--campaign", "none", "--text", "x"]).output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "好"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(args=["feedback", "suggest", "--campaign", demo.slug, "--jsonl", str(bad)])
    assert result.exit_code != 0 and "第2行不是 JSON" in result.output
    readable = runner.invoke(args=["feedback", "suggest", "--campaign", demo.slug, "--text", "工会会员卡丢了怎么补办"])
    assert "无把握匹配" in readable.output


def test_a_built_index_is_found_again_with_one_primary_key_read_whatever_the_number_of_items(session, demo, new_item):
    """Every new opinion asks for suggestions: finding the built index reads the links' version, never the items."""
    from sqlalchemy import event

    for _ in range(3):
        new_item(content="劳模补助资金什么时候发放", campaign_id=demo.id)
    session.commit()
    suggest.suggest(session, demo, "劳模补助资金什么时候发放")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        suggest.suggest(session, demo, "劳模补助资金什么时候发放")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "public_version" in statements[0] and "feedback_item" not in statements[0]
