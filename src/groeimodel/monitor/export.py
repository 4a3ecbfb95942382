"""Exports for researchers: a table (variables + rows) as CSV, XLSX, Parquet or SPSS ``.sav``, with a codebook.

Pure core: no Django, no database. A table is a tuple of :class:`Variable` (name, type, Dutch and English label,
value labels) and an iterable of rows whose cells are ``str``, ``int``, ``float``, ``datetime.date`` or ``None``
(empty: no value, or not published; the two are never told apart). :func:`export_zip` turns it into one zip
archive, produced chunk by chunk:

* ``<name>.<fmt>``: the data;
* ``codebook-nl.csv`` and ``codebook-en.csv``: every variable with its type, label and value labels;
* ``README.txt``: what the file holds, in Dutch and English.

Memory: CSV, XLSX and Parquet are written in batches of rows, so memory stays flat however many rows there are
(CSV straight into the zip; XLSX with openpyxl's write-only mode and Parquet with pyarrow's ``ParquetWriter`` in
row groups into a temporary file that is then copied into the zip). ``.sav`` is the exception: pyreadstat writes a
whole data frame at once, so the rows are held in memory, and a table with more than ``max_sav_rows`` rows is
refused with :class:`ExportTooLarge` before anything is written.

Spreadsheets run a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula:
in CSV and XLSX such text cells (header and codebook included) get a leading ``'``. Numbers are written as numbers
and left alone (``-3.5`` stays a number). Parquet and ``.sav`` hold the text unchanged: nothing runs them.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from typing import IO, Any, Final, Literal

from groeimodel.monitor.codebook import Lang

Kind = Literal["text", "integer", "number", "date"]
Cell = str | int | float | datetime.date | None
Format = Literal["csv", "xlsx", "parquet", "sav"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "xlsx", "parquet", "sav")
DEFAULT_MAX_SAV_ROWS: Final = 100_000  # about 100 MB of cells in memory for 60 variables (measured)
BATCH_ROWS: Final = 10_000
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_COPY_CHUNK: Final = 1 << 20
# Scores (0-100) to 4 decimals: exact in every format (XLSX keeps 15 significant digits), and far finer than a
# scan can tell apart (one answer on a block of four statements moves its score by 6.25).
SCORE_DIGITS: Final = 4
_SCORE_QUANTUM: Final = Decimal(1).scaleb(-SCORE_DIGITS)

KIND_LABELS: Final[dict[Kind, tuple[str, str]]] = {
    "text": ("tekst", "text"),
    "integer": ("geheel getal", "integer"),
    "number": ("getal", "number"),
    "date": ("datum (JJJJ-MM-DD)", "date (YYYY-MM-DD)"),
}


@dataclass(frozen=True)
class Variable:
    """One column of an export, as the codebook describes it."""

    name: str
    kind: Kind
    label_nl: str
    label_en: str
    values: Mapping[str | int, tuple[str, str]] = field(default_factory=dict)  # code -> (nl, en)

    def label(self, lang: Lang) -> str:
        return self.label_nl if lang == "nl" else self.label_en

    def value_labels(self, lang: Lang) -> dict[str | int, str]:
        return {code: (nl if lang == "nl" else en) for code, (nl, en) in self.values.items()}


@lru_cache(maxsize=1 << 16)  # scores take few distinct values
def round_score(score: float | None) -> float | None:
    """``score`` to ``SCORE_DIGITS`` decimals, half away from zero on the decimal the float prints as (``repr``):
    what PostgreSQL's ``round(numeric, 4)`` does with the same text, so an export written by the database and one
    written here hold the same numbers. None stays None."""
    if score is None:
        return None
    return float(Decimal(repr(float(score))).quantize(_SCORE_QUANTUM, ROUND_HALF_UP))


@dataclass(frozen=True)
class ExportTable:
    """A table to export: ``name`` is the base of the file names; ``rows`` may be a one-pass iterator.

    ``csv_body``, when given, writes the CSV's data lines (without the header) itself, as the bytes
    :func:`csv_chunks` would write for ``rows`` (the wave data on PostgreSQL: the database writes them); the other
    formats read ``rows``."""

    name: str
    variables: tuple[Variable, ...]
    rows: Iterable[Sequence[Cell]]
    title_nl: str = ""
    title_en: str = ""
    csv_body: Callable[[], Iterator[bytes]] | None = None


class ExportTooLarge(ValueError):
    """The table has more rows than a ``.sav`` export allows (pyreadstat holds the whole table in memory)."""

    def __init__(self, rows: int, limit: int):
        super().__init__(f"a .sav export holds at most {limit} rows; this one has more ({rows} so far)")
        self.rows = rows
        self.limit = limit


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert with a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _check(variables: Sequence[Variable], row: Sequence[Cell], index: int) -> None:
    if len(row) != len(variables):
        raise ValueError(f"row {index}: {len(row)} cells for {len(variables)} variables")


def csv_chunks(variables: Sequence[Variable], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """The table as UTF-8 CSV (RFC 4180: comma, ``"`` quoting, CRLF), header first, in chunks of ``BATCH_ROWS`` rows.

    The csv module writes ``None`` as an empty field, a float as its shortest exact form and a date as
    ``YYYY-MM-DD``; only the text columns are looked at, for formulas. A batch whose text columns hold no text to
    neutralise (their distinct values are few and checked once) is written by the csv module in one call."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; a field with \r or \n is quoted
    writer.writerow([neutralise(v.name) for v in variables])
    text_columns = [i for i, v in enumerate(variables) if v.kind == "text"]
    columns = [itemgetter(i) for i in text_columns]
    width = len(variables)
    done = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_ROWS)):
        if set(map(len, batch)) != {width}:
            for index, row in enumerate(batch):
                _check(variables, row, done + index)
        if any(isinstance(value, str) and value.startswith(FORMULA_START)
               for column in columns for value in set(map(column, batch))):  # fmt: skip
            writer.writerows(_neutralised(row, text_columns) for row in batch)
        else:
            writer.writerows(batch)
        done += len(batch)
        if len(batch) == BATCH_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _neutralised(row: Sequence[Cell], text_columns: Sequence[int]) -> Sequence[Cell]:
    out = list(row)
    for i in text_columns:
        value = out[i]
        if isinstance(value, str) and value.startswith(FORMULA_START):
            out[i] = "'" + value
    return out


def write_csv(variables: Sequence[Variable], rows: Iterable[Sequence[Cell]], out: IO[bytes]) -> None:
    for chunk in csv_chunks(variables, rows):
        out.write(chunk)


def codebook_rows(variables: Sequence[Variable], lang: Lang) -> list[list[str]]:
    """The codebook as text rows, a header first: variable, type, label, value labels (``code = label; ...``)."""
    header = ["variabele", "type", "label", "waarden"] if lang == "nl" else ["variable", "type", "label", "values"]
    out = [header]
    for v in variables:
        nl, en = KIND_LABELS[v.kind]
        values = "; ".join(f"{code} = {text}" for code, text in v.value_labels(lang).items())
        out.append([v.name, nl if lang == "nl" else en, v.label(lang), values])
    return out


def codebook_csv(variables: Sequence[Variable], lang: Lang) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; a field with \r or \n is quoted
    for row in codebook_rows(variables, lang):
        writer.writerow([neutralise(c) for c in row])
    return buffer.getvalue().encode()


_ILLEGAL_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_text(value: str) -> str:
    return neutralise(_ILLEGAL_XLSX.sub("", value))


def write_xlsx(variables: Sequence[Variable], rows: Iterable[Sequence[Cell]], out: IO[bytes]) -> None:
    """A workbook with the sheet ``data`` (header, then the rows) and the sheets ``codebook-nl`` and
    ``codebook-en``, written with openpyxl's write-only mode (rows go to a temporary file, not to memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append([_xlsx_text(v.name) for v in variables])
    for index, row in enumerate(rows):
        _check(variables, row, index)
        sheet.append([_xlsx_text(c) if isinstance(c, str) else c for c in row])
    for lang in ("nl", "en"):
        book = workbook.create_sheet(f"codebook-{lang}")
        for text_row in codebook_rows(variables, lang):
            book.append([_xlsx_text(c) for c in text_row])
    workbook.save(out)


def _arrow_schema(variables: Sequence[Variable]) -> Any:
    import pyarrow as pa

    types = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    fields = []
    for v in variables:
        metadata = {
            "label_nl": v.label_nl,
            "label_en": v.label_en,
            "value_labels": json.dumps({str(k): list(t) for k, t in v.values.items()}, ensure_ascii=False),
        }
        fields.append(pa.field(v.name, types[v.kind], metadata=metadata))
    codebook = {"nl": codebook_rows(variables, "nl"), "en": codebook_rows(variables, "en")}
    return pa.schema(fields, metadata={"codebook": json.dumps(codebook, ensure_ascii=False)})


def write_parquet(
    variables: Sequence[Variable], rows: Iterable[Sequence[Cell]], out: IO[bytes], *, batch_rows: int = BATCH_ROWS
) -> None:
    """Parquet with one row group per ``batch_rows`` rows; each field carries its labels in its metadata and the
    schema the whole codebook (``codebook``: JSON, ``{"nl": rows, "en": rows}``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(variables)
    columns: list[list[Cell]] = [[] for _ in variables]

    def batch() -> Any:
        arrays = [pa.array(col, type=schema.field(i).type) for i, col in enumerate(columns)]
        return pa.record_batch(arrays, schema=schema)

    with pq.ParquetWriter(out, schema) as writer:
        for index, row in enumerate(rows):
            _check(variables, row, index)
            for col, value in zip(columns, row, strict=True):
                col.append(value)
            if len(columns[0]) >= batch_rows:
                writer.write_batch(batch())
                columns = [[] for _ in variables]
        if variables and columns[0]:
            writer.write_batch(batch())


def write_sav(
    variables: Sequence[Variable],
    rows: Iterable[Sequence[Cell]],
    path: str,
    *,
    lang: Lang,
    max_rows: int = DEFAULT_MAX_SAV_ROWS,
    file_label: str = "",
) -> None:
    """An SPSS ``.sav`` file with variable labels and value labels in ``lang``; empty numbers are system-missing,
    empty text is an empty string. Refuses (:class:`ExportTooLarge`) more than ``max_rows`` rows."""
    import pyreadstat

    # Numbers go into arrays of doubles (8 bytes a value, not a Python float each) and repeated text is kept
    # once: that is what bounds the memory of a .sav export to about 8 bytes per cell.
    numeric = [v.kind in ("integer", "number") for v in variables]
    columns: list[Any] = [array("d") if n else [] for n in numeric]
    texts: dict[str, str] = {}
    nan = float("nan")
    for index, row in enumerate(rows):
        if index >= max_rows:
            raise ExportTooLarge(index + 1, max_rows)
        _check(variables, row, index)
        for i, value in enumerate(row):
            if numeric[i]:
                columns[i].append(nan if value is None else float(value))  # type: ignore[arg-type]
            elif isinstance(value, str):
                columns[i].append(texts.setdefault(value, value))
            else:
                columns[i].append(value)
    frame = _frame(variables, columns)
    del columns
    frame.columns = [sav_name(v.name) for v in variables]
    value_labels: dict[str, dict[Any, str]] = {}
    for v in variables:
        if v.values:
            labels = v.value_labels(lang)
            value_labels[v.name] = {
                (float(code) if v.kind in ("integer", "number") else str(code)): text for code, text in labels.items()
            }
    pyreadstat.write_sav(
        frame,
        path,
        file_label=file_label[:64],
        column_labels={sav_name(v.name): v.label(lang) for v in variables},
        variable_value_labels={sav_name(name): labels for name, labels in value_labels.items()},
        variable_measure={sav_name(v.name): _measure(v) for v in variables},
    )


_SAV_INVALID = re.compile(r"[^A-Za-z0-9_.@#$]")


def sav_name(name: str) -> str:
    """A variable name as SPSS accepts it: letters, digits and ``_ . @ # $`` (a block id's ``-`` becomes ``_``),
    not ending in a period. The shipped models' names need no change."""
    return _SAV_INVALID.sub("_", name).rstrip(".") or "v"


def _measure(v: Variable) -> str:
    if v.kind in ("number", "date"):
        return "scale"
    if v.values:
        return "nominal" if v.kind == "text" else "ordinal"
    return "scale" if v.kind == "integer" else "nominal"


def _frame(variables: Sequence[Variable], columns: list[Any]) -> Any:
    """A pandas data frame (what pyreadstat writes from): numbers as float64 with NaN for empty, text with "" for
    empty (SPSS text has no missing value), dates as ``datetime.date`` objects."""
    import numpy as np
    import pandas as pd

    data: dict[str, Any] = {}
    for v, col in zip(variables, columns, strict=True):
        if v.kind == "text":
            data[v.name] = pd.Series(["" if c is None else c for c in col], dtype=object)
        elif v.kind in ("integer", "number"):
            data[v.name] = pd.Series(np.frombuffer(col, dtype=np.float64))
        else:
            data[v.name] = pd.Series(col, dtype=object)
    return pd.DataFrame(data, copy=False)  # the columns as they are: no second copy of the numbers


def readme_text(table: ExportTable, fmt: Format) -> str:
    data = f"{table.name}.{fmt}"
    return (
        f"{table.title_nl}\n\n"
        f"{data}: de gegevens. codebook-nl.csv en codebook-en.csv: elke variabele met haar type, label en de\n"
        "betekenis van de codes. Een lege cel betekent: geen waarde, of niet gepubliceerd om de anonimiteit te\n"
        "beschermen; die twee zijn bewust niet te onderscheiden. Een tekstcel die met = + - @ begint, staat in\n"
        "CSV en XLSX met een ' ervoor, zodat een spreadsheet haar niet als formule uitvoert.\n\n"
        f"{table.title_en}\n\n"
        f"{data}: the data. codebook-nl.csv and codebook-en.csv: every variable with its type, label and the\n"
        "meaning of its codes. An empty cell means: no value, or not published to protect anonymity; the two are\n"
        "deliberately indistinguishable. A text cell starting with = + - @ has a ' in front of it in CSV and\n"
        "XLSX, so that a spreadsheet does not run it as a formula.\n"
    )


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream that hands out what was written so far (zipfile streams into it)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def export_zip(
    table: ExportTable, fmt: Format, *, lang: Lang, max_sav_rows: int = DEFAULT_MAX_SAV_ROWS
) -> Iterator[bytes]:
    """The zip archive of ``table`` in ``fmt`` with the codebooks, chunk by chunk (see the module docstring).

    For ``sav`` the rows are read (and the row limit checked) before the first chunk is produced."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    sink = _Sink()
    data_name = f"{table.name}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="groeimodel-export-") as tmp:
        binary_path = f"{tmp}/{data_name}"
        if fmt == "sav":
            write_sav(table.variables, table.rows, binary_path, lang=lang, max_rows=max_sav_rows, file_label=table.name)
        # xlsx and parquet are compressed already; CSV at level 1: a quarter of level 6's CPU for a zip about a
        # quarter larger (the wave data at 1,000,000 waves: 14 s of CPU less, bench/README.md).
        level = 1 if fmt in ("xlsx", "parquet", "csv") else 6
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=level) as archive:
            archive.writestr("README.txt", readme_text(table, fmt))
            for lang_ in ("nl", "en"):
                archive.writestr(f"codebook-{lang_}.csv", codebook_csv(table.variables, lang_))
            yield sink.take()
            with archive.open(data_name, "w", force_zip64=True) as member:
                if fmt == "csv":
                    chunks = csv_chunks(table.variables, table.rows if table.csv_body is None else ())
                    if table.csv_body is not None:  # the header, then the lines the table writes itself
                        chunks = chain(chunks, table.csv_body())
                    for chunk in chunks:
                        member.write(chunk)
                        yield sink.take()
                else:
                    if fmt != "sav":
                        with open(binary_path, "wb") as binary:
                            if fmt == "xlsx":
                                write_xlsx(table.variables, table.rows, binary)
                            else:
                                write_parquet(table.variables, table.rows, binary)
                    with open(binary_path, "rb") as binary:
                        while block := binary.read(_COPY_CHUNK):
                            member.write(block)
                            yield sink.take()
        yield sink.take()


def write_export(
    table: ExportTable, fmt: Format, out: IO[bytes], *, lang: Lang, max_sav_rows: int = DEFAULT_MAX_SAV_ROWS
) -> None:
    """:func:`export_zip` written to ``out``."""
    for chunk in export_zip(table, fmt, lang=lang, max_sav_rows=max_sav_rows):
        out.write(chunk)
