"""flask feedback list / show / export: what operators see, exit codes, masked and full contact data."""
from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.feedback.attachments import Upload
from portal.services.feedback.intake import Contact
from tests.samples import pdf

PDF = pdf()
SHOW_KEYS = {"case_number", "channel", "kind", "state", "received_at", "accept_due", "handle_due", "measures",
             "problems", "subject", "content", "attachments", "contact"}


@pytest.fixture
def items(session, new_item, small_campaign):
    """A web opinion with contact, links and a file; an anonymous phone call that was marked spam."""
    web, _ = new_item(subject="职工书屋", content="=HYPERLINK(\"http://x\") 建议公开职工书屋整改进度。",
                      contact=Contact(name="张三", phone="13812341762", email="zhangsan@example.org"),
                      campaign_id=small_campaign.id, targets=["2-1", "3"], uploads=[Upload("材料.pdf", PDF)],
                      received_at=datetime(2021, 3, 31, 2, tzinfo=UTC))
    call, _ = new_item(channel="phone", kind="inquiry", content="来电咨询整改进展，未留姓名。",
                       received_at=datetime(2021, 4, 1, 2, tzinfo=UTC))
    call.state = "spam"
    session.commit()
    return web, call


def test_list_as_json_and_by_state(runner, items):
    web, call = items
    result = runner.invoke(args=["feedback", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["case_number"] for r in rows] == [web.case_number, call.case_number]
    assert rows[0]["measures"] == ["2-1"] and rows[0]["problems"] == [3] and "contact" not in rows[0]
    spam = json.loads(runner.invoke(args=["feedback", "list", "--json", "--state", "spam"]).output)
    assert [r["case_number"] for r in spam] == [call.case_number]
    assert runner.invoke(args=["feedback", "list", "--state", "nonsense"]).exit_code == 2


def test_list_as_a_table(runner, items):
    web, call = items
    result = runner.invoke(args=["feedback", "list"])
    lines = result.output.splitlines()
    assert result.exit_code == 0 and lines[0].split() == ["受理编号", "渠道", "类型", "状态", "收到时间", "受理期限", "主题"]
    assert web.case_number in lines[2] and "网上留言" in lines[2] and "2021-03-31 10:00" in lines[2]
    assert call.case_number in lines[3] and "无效" in lines[3] and lines[-1] == "共2件。"
    assert "13812341762" not in result.output
    assert "没有符合条件" in runner.invoke(args=["feedback", "list", "--state", "closed"]).output


def test_show_as_json_with_full_contact_is_audited(runner, session, items):
    web, _ = items
    result = runner.invoke(args=["feedback", "show", web.case_number, "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert set(shown) == SHOW_KEYS
    assert shown["received_at"] == "2021-03-31T02:00:00+00:00"
    assert (shown["accept_due"], shown["handle_due"]) == ("2021-04-15", None)
    assert (shown["measures"], shown["problems"], shown["attachments"]) == (["2-1"], [3], ["材料.pdf"])
    assert shown["contact"] == {"name": "张三", "email": "zhangsan@example.org", "phone": "13812341762",
                                "address": None}
    reveal = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.reveal_contact"))
    assert reveal.item_id == web.id and reveal.actor_label.startswith("运维命令")


def test_show_as_text_gives_the_name_and_postal_address_and_is_audited(runner, session, new_item):
    from portal.services.feedback.intake import Contact
    letter, _ = new_item(channel="letter", contact=Contact(name="李四", address="兰州市城关区某路1号"))
    session.commit()
    result = runner.invoke(args=["feedback", "show", letter.case_number])
    assert result.exit_code == 0 and "姓名：李四" in result.output and "通信地址：兰州市城关区某路1号" in result.output
    session.rollback()
    reveal = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.reveal_contact"))
    assert reveal.item_id == letter.id


def test_show_as_text_and_an_unknown_case(runner, items):
    _, call = items
    result = runner.invoke(args=["feedback", "show", call.case_number.lower()])
    assert result.exit_code == 0 and f"受理编号：{call.case_number}" in result.output and "电话：—" in result.output
    missing = runner.invoke(args=["feedback", "show", "GH-2099-999999", "--json"])
    assert missing.exit_code == 1 and "找不到受理编号为“GH-2099-999999”" in missing.output


def test_export_xlsx_masks_contact_unless_asked(runner, session, items, tmp_path):
    web, call = items
    path = tmp_path / "items.xlsx"
    result = runner.invoke(args=["feedback", "export", str(path)])
    assert result.exit_code == 0 and "已导出2件" in result.output
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    assert header[:4] == ("受理编号", "渠道", "类型", "状态") and len(rows) == 3
    assert (first["受理编号"], first["电话"], first["电子邮箱"], first["姓名"]) == (
        web.case_number, "138****1762", "z***@example.org", "张*")
    assert first["关联措施"] == "2-1" and first["附件"] == "材料.pdf" and first["内容"].startswith("'=HYPERLINK")
    assert first["收到时间"] == datetime(2021, 3, 31, 10, 0)

    runner.invoke(args=["feedback", "export", str(path), "--with-contact"])
    first = dict(zip(*list(load_workbook(path).active.iter_rows(values_only=True))[:2]))
    assert (first["电话"], first["电子邮箱"]) == ("13812341762", "zhangsan@example.org")
    exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "items.export")).all()
    assert [e.details["with_contact"] for e in exports] == [False, True]


def test_export_csv_is_utf8_with_bom(runner, items, tmp_path):
    web, call = items
    path = tmp_path / "items.csv"
    assert runner.invoke(args=["feedback", "export", str(path)]).exit_code == 0
    assert path.read_bytes().startswith("\ufeff受理编号".encode())
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["受理编号"] for r in rows] == [web.case_number, call.case_number]
    assert rows[0]["电话"] == "138****1762" and rows[1]["电话"] == "" and rows[1]["状态"] == "无效件"
    assert rows[0]["收到时间"] == "2021-03-31 10:00" and rows[0]["受理期限"] == "2021-04-15"


def test_export_refuses_an_unknown_format(runner, items, tmp_path):
    result = runner.invoke(args=["feedback", "export", str(tmp_path / "items.txt")])
    assert result.exit_code == 1 and "不支持的导出格式" in result.output


MESSY_PHONES = ("13800001762-1", "0931 8821762-9", "+86 139 1234 5678", "（０９３１）８８２１７６３转１２",
                "12345", "0571-123", "15012345678，13698765432")


def _unmasked_runs(phone: str) -> set[str]:
    """Every run of 4 digits of a stored phone except the last 4 of a mobile and an area code."""
    digits = "".join(str(int(c)) for c in phone if c.isdecimal())
    shown = {m[-4:] for m in re.findall(r"1[0-9]{10}", digits)} | {"0931"}
    return {digits[i:i + 4] for i in range(len(digits) - 3)} - shown


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_masked_export_holds_no_digit_run_of_a_stored_phone(runner, session, new_item, tmp_path, suffix):
    for phone in MESSY_PHONES:
        item, _ = new_item(contact=Contact(name="李四", phone="13812341762"))
        item.contact.phone = phone
    session.commit()
    path = tmp_path / f"items{suffix}"
    assert runner.invoke(args=["feedback", "export", str(path)]).exit_code == 0
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            shown = [row["电话"] for row in csv.DictReader(f)]
    else:
        rows = list(load_workbook(path).active.iter_rows(values_only=True))
        shown = [row[rows[0].index("电话")] for row in rows[1:]]
    assert len(shown) == len(MESSY_PHONES)
    for phone, masked in zip(MESSY_PHONES, shown, strict=True):
        assert not [run for run in _unmasked_runs(phone) if run in masked], (phone, masked)
    assert shown[:2] == ["138****1762-*", "0931-****762-*"] and shown[-1] == "150****5678，136****5432"
