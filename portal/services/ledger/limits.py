"""How much of a ledger file is read at most: a hostile or broken file is refused before it can exhaust memory.

A real ledger has a few hundred to a few thousand measures in a dozen columns; the caps leave ample room for that
and keep the worst accepted file well under a gigabyte of memory."""
from __future__ import annotations

#: rows searched for the header (a title, a date or a note may stand above it)
HEADER_SCAN_ROWS = 30
#: measure rows under the header
MAX_DATA_ROWS = 20_000
#: spreadsheet rows read at most: the header's search area and the measure rows
MAX_SHEET_ROWS = HEADER_SCAN_ROWS + MAX_DATA_ROWS
#: columns read at most; a ledger has 13
MAX_COLUMNS = 50
#: characters in one cell
MAX_CELL_CHARS = 10_000
#: the file on disk, .xlsx or .csv
MAX_FILE_BYTES = 50 * 2**20
#: an .xlsx unzipped: the sum of the sizes its members declare (zipfile refuses a member larger than declared)
MAX_UNZIPPED_BYTES = 200 * 2**20
#: members of an .xlsx (a workbook has a dozen or so; a few hundred with many sheets or images)
MAX_ZIP_MEMBERS = 2_000
#: merged ranges in one worksheet
MAX_MERGED_RANGES = 20_000
#: row errors listed before the rest of the file is left unread
MAX_LISTED_ERRORS = 100
