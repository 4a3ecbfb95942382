"""Reading an uploaded table (CSV or the first sheet of an .xlsx) within limits, with the readers of
:mod:`groeimodel.safeio`: the file size, the zip members and XML of an .xlsx (checked before openpyxl opens it), the
length of a CSV line and field, and the number of rows. Messages are in the active language."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from groeimodel import safeio
from groeimodel.errors import InputError
from groeimodel.questionnaire import XLSX_META_SHEET

SUFFIXES = (".csv", ".xlsx")
MAX_COLUMNS = 1000  # columns read from a sheet (a model has well under 200 items)
MAX_FILE_NAME = 100  # characters of the uploaded file's name kept for messages


class TableError(Exception):
    """A file that cannot be read as a table; ``row`` and ``column`` where known."""

    def __init__(self, message: str, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Table:
    """The header and the data rows of a table, each row with its number in the file (the header is row 1).
    Blank rows are left out; every row has as many cells as the header (missing cells are '')."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1  # a sheet may have blank rows above its header


def display_name(file_name: str) -> str:
    """The uploaded file's name for messages: its last part, cut short."""
    name = Path(file_name.replace("\\", "/")).name or "upload"
    return safeio.bare(name, MAX_FILE_NAME)


def suffix_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise TableError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."))
    return suffix


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TableError(too_large_message(max_bytes))
    if not data:
        raise TableError(_("The file is empty."))


def size_text(size: int) -> str:
    """A size limit as people read it: "5 MB", "2 kB"."""
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.1f}".removesuffix(".0")}
    return _("%(size)s kB") % {"size": f"{size / 1024:.1f}".removesuffix(".0")}


def too_large_message(max_bytes: int) -> str:
    return _("The file is larger than %(size)s; split it into smaller files.") % {"size": size_text(max_bytes)}


def too_many_rows_message(max_rows: int) -> str:
    return ngettext(
        "The file has more than %(rows)s row; split it into smaller files.",
        "The file has more than %(rows)s rows; split it into smaller files.",
        max_rows,
    ) % {"rows": f"{max_rows:,}"}


@contextmanager
def xlsx_on_disk(file_name: str, data: bytes) -> Iterator[Path]:
    """The bytes of an .xlsx as a checked file on disk (safeio's checks and openpyxl read paths): refused when it
    is a zip bomb, holds an XML DOCTYPE or entity declaration, or is no zip at all."""
    with tempfile.TemporaryDirectory(prefix="groeimodel-import-") as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(data)
        try:
            safeio.check_xlsx(str(path))
        except InputError as exc:
            raise TableError(_("The file is refused: %(reason)s") % {"reason": reason(exc, path)}) from None
        yield path


def reason(exc: Exception, path: Path) -> str:
    """The core's message without the temporary path it names."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{path}:", str(path)):
        text = text.replace(prefix, "")
    return text[:300]


def is_form(path: Path) -> bool:
    """Whether a checked .xlsx is an offline questionnaire form (it has the form's 'meta' sheet)."""
    wb = _open_workbook(path)
    try:
        return XLSX_META_SHEET in wb.sheetnames
    finally:
        wb.close()


def read_table(file_name: str, data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    """The table in a CSV file or in the first sheet of an .xlsx; :class:`TableError` when it cannot be read."""
    check_size(data, max_bytes)
    if suffix_of(file_name) == ".csv":
        return _read_csv(data, max_rows)
    with xlsx_on_disk(file_name, data) as path:
        return read_xlsx_table(path, max_rows)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what Excel on Windows writes as "CSV"
    except UnicodeDecodeError:
        raise TableError(_("The file is not a text file (UTF-8).")) from None


def _sniff_delimiter(header: str) -> str:
    """The separator from the header line: the most frequent of comma, semicolon and tab."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise TableError(_("The file is not a text file (UTF-8)."))
    first_line = text.split("\n", 1)[0]
    csv.field_size_limit(safeio.CSV_FIELD_LIMIT)
    lines = safeio.bounded_lines(io.StringIO(text, newline=""), "file", safeio.MAX_CSV_LINE_CHARS)
    reader = csv.reader(lines, delimiter=_sniff_delimiter(first_line), doublequote=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            if header is None:
                header = [cell.strip() for cell in record]
                line = reader.line_num + 1
                continue
            if not any(cell.strip() for cell in record):
                line = reader.line_num + 1
                continue
            if len(rows) >= max_rows:
                raise TableError(too_many_rows_message(max_rows))
            rows.append((line, _fit(record, len(header))))
            line = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            raise TableError(
                _("A cell is longer than %(chars)s characters.") % {"chars": f"{safeio.CSV_FIELD_LIMIT:,}"}, row=line
            ) from None
        raise TableError(_("The row is not valid CSV."), row=line) from None
    except InputError:  # a line over safeio's limit
        raise TableError(
            _("A line is longer than %(chars)s characters.") % {"chars": f"{safeio.MAX_CSV_LINE_CHARS:,}"}
        ) from None
    return _finish(header, rows)


def _fit(cells: list[str], width: int) -> list[str]:
    """The cells of a row, as many as the header has; extra non-empty cells are kept so the check can name them."""
    if len(cells) < width:
        return [*cells, *[""] * (width - len(cells))]
    return cells


def _finish(header: list[str] | None, rows: list[tuple[int, list[str]]], header_row: int = 1) -> Table:
    if header is None or not any(header):
        raise TableError(_("The file is empty: the first row must name the columns."))
    if not rows:
        raise TableError(_("The file has a header row but no data rows."))
    return Table(header=header, rows=rows, header_row=header_row)


def _open_workbook(path: Path) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file; all mean "not readable"
        raise TableError(_("The file is not a readable Excel (.xlsx) file.")) from None


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx_table(path: Path, max_rows: int) -> Table:
    """The first sheet of a checked .xlsx as a table."""
    wb = _open_workbook(path)
    try:
        ws = wb[wb.sheetnames[0]]
        header: list[str] | None = None
        header_row = 1
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(
            ws.iter_rows(max_row=max_rows + 1 + 1000, max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            cells = [cell_text(v) for v in values]
            if header is None:
                if not any(cells):
                    continue
                header, header_row = cells, number
                while header and not header[-1]:
                    header.pop()
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise TableError(too_many_rows_message(max_rows))
            rows.append((number, _fit(cells, len(header))))
        return _finish(header, rows, header_row)
    except TableError:
        raise
    except Exception:  # a malformed sheet fails inside openpyxl's parser (SyntaxError from expat, KeyError, ...)
        raise TableError(_("The file is not a readable Excel (.xlsx) file.")) from None
    finally:
        wb.close()
