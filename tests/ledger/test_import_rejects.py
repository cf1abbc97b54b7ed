"""Bad ledgers are refused as a whole, nothing written, every problem named by row and column."""
from __future__ import annotations

import pytest
from tests.ledger_files import HEADER, ROWS, campaign, counts, measure, write_csv, write_xlsx

from portal.services.ledger.importer import import_ledger
from portal.services.ledger.reader import LedgerRejected, RowError


def refused(session, path, c=None) -> list[str]:
    """The error lines of an import that must be refused, after checking it wrote nothing."""
    c = c or campaign(session)
    before, version = counts(session), c.data_version
    with pytest.raises(LedgerRejected) as caught:
        import_ledger(session, c, path, actor="test")
    assert counts(session) == before
    assert c.data_version == version
    return [str(error) for error in caught.value.errors]


def with_cells(row: list, **cells) -> list:
    """row with some cells replaced, named by their header."""
    row = row[:]
    for name, value in cells.items():
        row[HEADER.index(name)] = value
    return row


def test_row_error_reads_row_then_column_then_reason():
    assert str(RowError(7, "完成情况", "无法识别")) == "第7行，“完成情况”列：无法识别"
    assert str(RowError(None, None, "文件已损坏")) == "文件已损坏"


def test_unknown_status_word_is_refused(session, tmp_path):
    rows = [ROWS[0], with_cells(ROWS[1], 完成情况="基本完成"), ROWS[2]]
    errors = refused(session, write_csv(tmp_path / "l.csv", rows))
    assert errors == ["第3行，“完成情况”列：无法识别的完成情况“基本完成”"
                      "（可填：已完成、已整改、完成、整改完成、正在整改、整改中、持续推进、推进中）"]


def test_errors_name_the_column_as_the_file_words_it(session, tmp_path):
    header = [("整改状态" if h == "完成情况" else h) for h in HEADER]
    rows = [with_cells(ROWS[0], 完成情况="ok")]
    assert refused(session, write_csv(tmp_path / "l.csv", rows, header=header))[0].startswith("第2行，“整改状态”列：")


@pytest.mark.parametrize("column", ["问题类别", "问题编号", "问题描述", "整改时限", "措施编号", "整改措施", "完成情况"])
def test_missing_required_column_is_refused(session, tmp_path, column):
    keep = [i for i, h in enumerate(HEADER) if h != column]
    path = write_csv(tmp_path / "l.csv", [[row[i] for i in keep] for row in ROWS], header=[HEADER[i] for i in keep],
                     above=[["台账"]])
    errors = refused(session, path)
    assert len(errors) == 1 and errors[0].startswith(f"第2行，“{column}”列：缺少必需的列")


def test_measure_without_problem_is_refused(session, tmp_path):
    rows = [with_cells(ROWS[0], 问题编号="", 问题描述="", 整改时限=""), ROWS[2]]
    errors = refused(session, write_csv(tmp_path / "l.csv", rows))
    assert errors[0] == "第2行，“问题编号”列：措施没有所属问题：问题编号为空，上方也没有可沿用的问题"


def test_empty_required_cell_is_refused(session, tmp_path):
    rows = [ROWS[0], with_cells(ROWS[1], 整改措施=" "), ROWS[2]]
    assert refused(session, write_csv(tmp_path / "l.csv", rows)) == ["第3行，“整改措施”列：不能为空"]


@pytest.mark.parametrize("name, content, message", [
    ("l.xlsx", b"PK\x03\x04 not really a zip", "文件已损坏或不是有效的 .xlsx 工作簿，无法读取。"),
    ("l.xlsx", b"", "文件已损坏或不是有效的 .xlsx 工作簿，无法读取。"),
    ("l.csv", b"\xff\xfe\xff\xff", "无法识别文件编码：请将台账另存为 UTF-8 或 GBK 编码的 CSV。"),
    ("l.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型“.xls”：请使用 .xlsx 或 .csv 格式的台账。"),
    ("ledger", b"", "不支持的文件类型“ledger”：请使用 .xlsx 或 .csv 格式的台账。"),
])
def test_unreadable_or_unsupported_file_is_refused(session, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert refused(session, path) == [message]


def test_missing_file_is_refused(session, tmp_path):
    assert refused(session, tmp_path / "absent.csv")[0].startswith("无法读取文件“absent.csv”")


def test_file_without_a_header_row_is_refused(session, tmp_path):
    path = write_csv(tmp_path / "l.csv", [["一", "二"], ["三", "四"]], header=["甲", "乙"])
    assert refused(session, path)[0].startswith("找不到表头")


def test_duplicate_measure_code_is_refused(session, tmp_path):
    rows = [ROWS[0], with_cells(ROWS[1], 措施编号="1－1"), ROWS[2]]
    errors = refused(session, write_csv(tmp_path / "l.csv", rows))
    assert errors == ["第3行，“措施编号”列：措施编号“1-1”与第2行重复"]


def test_overlong_measure_code_is_refused(session, tmp_path):
    rows = [with_cells(ROWS[0], 措施编号="1-" + "1" * 40)]
    assert refused(session, write_csv(tmp_path / "l.csv", rows)) == ["第2行，“措施编号”列：内容过长（42个字符，最多32个）"]


def test_non_numeric_problem_number_is_refused(session, tmp_path):
    rows = [ROWS[0], ROWS[1], with_cells(ROWS[2], 问题编号="二")]
    assert refused(session, write_csv(tmp_path / "l.csv", rows)) == ["第4行，“问题编号”列：问题编号“二”不是数字"]


@pytest.mark.parametrize("written", ["2021-02-30", "下月", "2021年3月", "3/15/2021"])
def test_unparseable_date_is_refused(session, tmp_path, written):
    rows = [with_cells(ROWS[0], 完成时间=written)]
    errors = refused(session, write_csv(tmp_path / "l.csv", rows))
    assert errors == [f"第2行，“完成时间”列：无法识别的日期“{written}”（可写作 2021-03-15、2021/3/15、2021年3月15日）"]


def test_problem_described_differently_on_two_rows_is_refused(session, tmp_path):
    rows = [ROWS[0], with_cells(ROWS[1], 问题描述="议事制度不够健全"), ROWS[2]]
    errors = refused(session, write_csv(tmp_path / "l.csv", rows))
    assert errors == ["第3行，“问题描述”列：问题1的问题描述与第2行不一致"]


def test_measure_missing_from_the_new_ledger_is_refused_and_old_data_kept(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "v1.csv", ROWS), actor="test")
    updated = [with_cells(ROWS[0], 完成情况="正在整改"), ROWS[2]]
    errors = refused(session, write_csv(tmp_path / "v2.csv", updated), c)
    assert errors == ["第2行，“措施编号”列：台账缺少已导入的措施“1-2”（问题1）：导入不能删除措施"]
    assert measure(session, "1-1").status == "done"


def test_every_problem_in_the_ledger_is_reported_at_once(session, tmp_path):
    rows = [
        with_cells(ROWS[0], 完成情况="未知"),
        with_cells(ROWS[1], 完成时间="昨天", 措施编号="1-1"),
        [],
        with_cells(ROWS[2], 问题编号="X"),
    ]
    path = write_xlsx(tmp_path / "l.xlsx", rows, above=[["某单位整改台账"]])
    errors = refused(session, path)
    assert [e.split("：")[0] for e in errors] == [
        "第3行，“完成情况”列", "第4行，“完成时间”列", "第4行，“措施编号”列", "第6行，“问题编号”列"]
