"""Why a ledger is refused: each problem found, named by spreadsheet row and column, in Chinese for the operator."""
from __future__ import annotations

from dataclasses import dataclass

from portal.services.common.errors import ServiceError


@dataclass(frozen=True)
class RowError:
    """One problem found in a ledger: the spreadsheet row as Excel numbers it, the column as the file names it."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "".join([f"第{self.row}行" if self.row else "",
                         "，" if self.row and self.column else "",
                         f"“{self.column}”列" if self.column else ""])
        return f"{where}：{self.message}" if where else self.message


class LedgerRejected(ServiceError):
    """The ledger is refused as a whole; errors lists every problem found, in row order."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.row or 0)
        super().__init__("\n".join(map(str, self.errors)))


def rejected(message: str, row: int | None = None, column: str | None = None) -> LedgerRejected:
    """The whole file refused for one reason."""
    return LedgerRejected([RowError(row, column, message)])
