"""The CSV writer handles its rows a batch at a time: what it writes is what writing them one by one gives, a
formula in one row of a batch is neutralised in that row only, and a row of the wrong width is named by its
number wherever it falls."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from groeimodel.monitor.export import BATCH_ROWS, Variable, csv_chunks

VARIABLES = (
    Variable("name", "text", "naam", "name"),
    Variable("n", "integer", "aantal", "count"),
    Variable("score", "number", "score", "score"),
    Variable("day", "date", "dag", "day"),
)


def one_by_one(rows: list[tuple[object, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([v.name for v in VARIABLES])
    for row in rows:
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@\t\r" else c for c in row])
    return buffer.getvalue().encode()


def test_batches_write_what_rows_one_by_one_write_with_one_formula_neutralised_in_its_own_row():
    rows: list[tuple[object, ...]] = [
        (f"firm {i}", i, i / 7, datetime.date(2026, 1, 1 + i % 28)) for i in range(2 * BATCH_ROWS + 5)
    ]
    rows[BATCH_ROWS + 3] = ("=HYPERLINK(1)", 1, None, None)
    rows[7] = ('a "quoted", text\nover lines', None, 100.0, None)
    written = b"".join(csv_chunks(VARIABLES, rows))
    assert written == one_by_one(rows)
    assert written.count(b"'=HYPERLINK") == 1 and b"firm 3," in written


@pytest.mark.parametrize("at", [3, BATCH_ROWS + 3])
def test_a_row_of_the_wrong_width_is_named_by_its_number(at):
    rows: list[tuple[object, ...]] = [("x", 1, 1.5, None)] * (BATCH_ROWS + 10)
    rows[at] = ("x", 1)
    with pytest.raises(ValueError, match=f"row {at}: 2 cells for 4 variables"):
        b"".join(csv_chunks(VARIABLES, rows))
