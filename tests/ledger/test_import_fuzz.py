"""Fuzzing the ledger importer: whatever file an operator hands it — random bytes, a CSV with the real header and
random cells, an .xlsx with random values of every type — import_ledger either imports it or raises LedgerRejected
with readable Chinese errors, never anything else. SQLite only, to stay quick; each example is rolled back. What the
fuzzing found is pinned at the end as cases on both databases."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.ledger_files import HEADER, ROWS
from tests.ledger_files import campaign as ledger_campaign
from portal import db
from portal.models import Base, Problem
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.reader import ALIASES, LedgerRejected

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: cells a real ledger holds in each kind of column, and their near misses (what FOUND pins among them)
NUMBERS = ["1", "１２", "35", "三十五", "-1", "0", "2.0", "2.5", "1e9", "2147483647", "2147483648",
           "99999999999999999999"]
DEADLINES = ["1个月内整改到位", "3个月内取得阶段性成效并在1年内整改到位", "120个月内整改到位", "二十年内", "半年",
             "0个月", "立行立改", "长期坚持", "年底前", "100000个月内整改到位", "9000年内整改到位"]
CODES = ["1-1", "35-2", "35－2", "35—2", "-", "1-1-1", "措施" * 20]
STATUSES = ["已完成", "正在整改", "完成", "整改中", "未开始"]
DATES = ["2021-03-15", "2021/3/15", "2021年3月15日", "2021.3.15", "2021-02-30", "9999-12-31", "0000-01-01", "44270",
         "0", "2958466", "1e10", "2021-03-15 10:30"]
TEXTS = ["", " ", "\u3000", "\r\n", "办公室、组织部", "针对党的领导不够有力的问题", "＝SUM(A1)", "=1+1", "a\x00b",
         "长" * 300]
#: column (position in HEADER) → what its cells typically hold
COLUMN_CELLS = {2: NUMBERS, 4: DEADLINES, 8: CODES, 10: STATUSES, 11: DATES}
TYPICAL = st.sampled_from(NUMBERS + DEADLINES + CODES + STATUSES + DATES + TEXTS)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
#: any text a ledger may hold: NUL is refused (PostgreSQL cannot store it)
VALID_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
CELL_TEXT = st.one_of(TYPICAL, TEXT)
#: what an .xlsx cell may hold
XLSX_VALUE = st.one_of(
    st.none(), CELL_TEXT.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.dates(min_value=date(1900, 3, 1)), st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(), st.text(max_size=2000).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
)


def mutated_rows(cells: st.SearchStrategy) -> st.SearchStrategy:
    """A real ledger row with a few cells replaced: deep enough into the importer to reach every column's parser."""
    return st.tuples(st.sampled_from(ROWS), st.dictionaries(st.integers(0, 12), cells, max_size=4)).map(
        lambda pair: [pair[1].get(i, cell) for i, cell in enumerate(pair[0])])


def column_cell(column: int) -> st.SearchStrategy:
    """A value for one column: what such columns hold and their near misses, odd texts, or any text."""
    return st.one_of(st.sampled_from(COLUMN_CELLS.get(column, TEXTS)), st.sampled_from(TEXTS), TEXT)


#: a real row with one or two cells replaced by values typical of their column, the parsed columns most often
NEAR_VALID_ROW = st.tuples(st.sampled_from(ROWS), st.lists(
    st.one_of(st.sampled_from(sorted(COLUMN_CELLS)), st.integers(0, 12)).flatmap(
        lambda i: st.tuples(st.just(i), column_cell(i))), min_size=1, max_size=2)).map(
    lambda pair: [dict(pair[1]).get(i, cell) for i, cell in enumerate(pair[0])])


#: the real header, the real header shuffled, or column names the importer knows in any number and order
KNOWN_NAMES = [alias for aliases in ALIASES.values() for alias in aliases]
HEADERS = st.one_of(st.just(HEADER), st.permutations(HEADER), st.lists(st.sampled_from(KNOWN_NAMES), max_size=15))


@pytest.fixture
def database(tmp_path) -> Path:
    """A fresh SQLite database with the schema, of this test's own."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fuzz.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def import_file(engine, tmp_path: Path, name: str, data: bytes) -> None:
    """Import data as the ledger file name into a new campaign; only LedgerRejected may escape, and it must read."""
    path = tmp_path / name
    path.write_bytes(data)
    with Session(engine) as session:
        try:
            campaign = create_campaign(session, "fuzz", "模糊测试", date(2020, 11, 16))
            import_ledger(session, campaign, path, actor="fuzz")
            session.flush()
        except LedgerRejected as exc:
            assert exc.errors, "LedgerRejected without errors"
            for error in exc.errors:
                message = str(error)
                assert CHINESE.search(message) and "Traceback" not in message, message
        finally:
            session.rollback()


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list], merges: list[tuple[int, int, int, int]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    for top, left, height, width in merges:
        sheet.merge_cells(start_row=top, start_column=left, end_row=top + height, end_column=left + width)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".CSV", ".txt"]))
def test_arbitrary_bytes_are_imported_or_refused(database, tmp_path, data, suffix):
    import_file(database, tmp_path, "ledger" + suffix, data)


@pytest.mark.slow
@FUZZ
@given(header=HEADERS, rows=st.lists(st.one_of(mutated_rows(CELL_TEXT), st.lists(CELL_TEXT, max_size=15)), max_size=12),
       encoding=st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]))
def test_csv_with_the_real_header_and_random_cells_is_imported_or_refused(database, tmp_path, header, rows,
                                                                          encoding):
    import_file(database, tmp_path, "ledger.csv", csv_bytes([header, *rows], encoding))


@pytest.mark.slow
@settings(FUZZ, max_examples=500)
@given(rows=st.lists(NEAR_VALID_ROW, min_size=1, max_size=3, unique_by=lambda row: str(row[8])))
def test_real_rows_with_a_cell_or_two_replaced_are_imported_or_refused(database, tmp_path, rows):
    """Valid but for one or two cells: past reading and checking, into applying (dates, deadlines, departments)."""
    import_file(database, tmp_path, "ledger.csv", csv_bytes([HEADER, *rows], "utf-8-sig"))


@pytest.mark.slow
@FUZZ
@given(header=HEADERS, rows=st.lists(st.one_of(mutated_rows(XLSX_VALUE), st.lists(XLSX_VALUE, max_size=15)),
                                      max_size=10),
       merges=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 14), st.integers(0, 3), st.integers(0, 2)),
                       max_size=3))
def test_xlsx_with_random_values_is_imported_or_refused(database, tmp_path, header, rows, merges):
    try:
        data = xlsx_bytes(header, rows, merges)
    except ValueError:
        return  # openpyxl itself refuses to write such a workbook (overlapping merges): nothing to import
    import_file(database, tmp_path, "ledger.xlsx", data)


@pytest.mark.slow
@FUZZ
@given(rows=st.lists(st.tuples(st.integers(1, 60), st.sampled_from(["已完成", "正在整改"]), VALID_TEXT), min_size=1,
                     max_size=20))
def test_well_formed_ledgers_import(database, tmp_path, rows):
    """A ledger with valid cells and random texts imports (the fuzzing above must not only ever reject)."""
    lines = [HEADER] + [[i + 1, "方面甲", number, f"问题{number}", "1个月内整改到位", "", "办公室", "", f"{number}-{i + 1}",
                         text.strip() or "措施", status, "2021-01-15" if status == "已完成" else "", text]
                        for i, (number, status, text) in enumerate(rows)]
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_bytes(lines, "utf-8-sig"))
    with Session(database) as session:
        campaign = create_campaign(session, "fuzz", "模糊测试", date(2020, 11, 16))
        result = import_ledger(session, campaign, path, actor="fuzz")
        session.rollback()
    assert result.measures == len(rows)


#: what the fuzzing found, pinned as cases: column (position in HEADER) and the value that once escaped as a
#: database or calendar error
FOUND = {
    "problem number past the database's integers": (2, "99999999999999999999"),
    "problem number one past the database's integers": (2, "2147483648"),
    "deadline months past year 9999": (4, "100000个月内整改到位"),
    "deadline years past year 9999": (4, "9000年内整改到位"),
    "NUL in a text cell": (12, "已印发\x00"),
    "NUL in a measure code": (8, "3-1\x00"),
    "department name over 100 characters": (6, "办公室、" + "长" * 101),
}


@pytest.mark.parametrize("case", FOUND)
def test_cells_the_fuzzing_found_are_refused_with_a_row_error(session, tmp_path, case):
    """Each is refused as a row error naming the row and column, in Chinese, and nothing is written."""
    column, value = FOUND[case]
    row = list(ROWS[2])
    row[column] = value
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_bytes([HEADER, row], "utf-8-sig"))
    campaign = ledger_campaign(session)
    with pytest.raises(LedgerRejected) as refused:
        import_ledger(session, campaign, path, actor="fuzz")
    session.flush()
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, HEADER[column])]
    assert CHINESE.search(refused.value.errors[0].message)
    assert session.scalar(select(func.count()).select_from(Problem)) == 0
