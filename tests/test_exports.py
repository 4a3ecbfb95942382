"""The export writers (groeimodel.monitor.export, no database): every format opens with its own reader and holds
the CSV's values; hidden cells are empty everywhere; formulas are neutralised; labels and codebooks go along."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pyreadstat
import pytest

from groeimodel.model import load_model
from groeimodel.monitor import protect_counts, protect_means
from groeimodel.monitor.export import (
    FORMATS,
    ExportTable,
    ExportTooLarge,
    Variable,
    export_zip,
    neutralise,
)
from groeimodel.monitor.variables import count_table_export, mean_table_export, wave_variables

VARIABLES = (
    Variable(
        "province",
        "text",
        "provincie",
        "province",
        {"GE": ("Gelderland", "Gelderland"), "NB": ("Noord-Brabant", "North Brabant")},
    ),
    Variable(
        "position",
        "integer",
        "positie op de ladder",
        "position on the ladder",
        {0: ("geen", "none"), 1: ("niveau 1", "level 1")},
    ),
    Variable("score", "number", "score", "score"),
    Variable("date", "date", "datum", "date"),
    Variable("note", "text", "opmerking", "note"),
)
ROWS = [
    ("GE", 1, 55.5, datetime.date(2024, 3, 1), "gewoon"),
    ("NB", None, None, None, None),
    ("NB", 0, -3.5, datetime.date(2025, 1, 2), "ook gewoon"),
]


def unzip(table: ExportTable, fmt: str, lang: str = "nl", **options: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(export_zip(table, fmt, lang=lang, **options))))  # type: ignore[arg-type]


def read_data(table: ExportTable, fmt: str, tmp_path: Any, lang: str = "nl") -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the data file, read with the format's own reader; empty cells as None."""
    archive = unzip(table, fmt, lang)
    name = f"{table.name}.{fmt}"
    path = tmp_path / name
    path.write_bytes(archive.read(name))
    if fmt == "csv":
        header, *rows = list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))
        return header, [[c if c != "" else None for c in r] for r in rows]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True)["data"]
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        # openpyxl's read-only mode leaves out a row's trailing empty cells
        return [str(h) for h in header], [r + [None] * (len(header) - len(r)) for r in rows]
    if fmt == "parquet":
        data = pq.read_table(path)
        return data.column_names, [list(r.values()) for r in data.to_pylist()]
    frame, _meta = pyreadstat.read_sav(str(path), output_format="dict")
    names = list(frame)
    return names, [[frame[n][i] for n in names] for i in range(len(frame[names[0]]))]


def as_text(value: Any) -> str | None:
    """A cell as the CSV writes it, to compare the formats with the CSV."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table(rows: list[tuple[Any, ...]] = ROWS) -> ExportTable:
    return ExportTable("test", VARIABLES, iter(rows), "Toets", "Test")


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "sav"])
def test_each_format_opens_with_its_own_reader_and_holds_the_csvs_values(fmt, tmp_path):
    header, csv_rows = read_data(table(), "csv", tmp_path)
    other_header, other_rows = read_data(table(), fmt, tmp_path)
    assert other_header == header == [v.name for v in VARIABLES]
    assert [[as_text(c) for c in r] for r in other_rows] == [[as_text(c) for c in r] for r in csv_rows]
    assert len(csv_rows) == 3 and csv_rows[1] == ["NB", None, None, None, None]


def test_numbers_stay_numbers_and_dates_dates_in_the_typed_formats(tmp_path):
    _, rows = read_data(table(), "parquet", tmp_path)
    assert rows[0] == ["GE", 1, 55.5, datetime.date(2024, 3, 1), "gewoon"]
    assert rows[2][2] == -3.5
    _, rows = read_data(table(), "xlsx", tmp_path)
    assert rows[2][1] == 0 and rows[2][2] == -3.5 and isinstance(rows[2][2], float)
    _, rows = read_data(table(), "sav", tmp_path)
    assert rows[0][1] == 1 and rows[0][3] == datetime.date(2024, 3, 1)


HOSTILE = ['=HYPERLINK("http://x","klik")', "+31 6 1234", "-1+2", "@SUM(A1)", "\tTab", "\rCR"]


def test_text_that_a_spreadsheet_would_run_is_neutralised_in_csv_and_xlsx_but_numbers_are_not(tmp_path):
    rows = [("GE", 1, -2.5, None, text) for text in HOSTILE]
    _, csv_rows = read_data(table(rows), "csv", tmp_path)
    assert [r[4] for r in csv_rows] == ["'" + t for t in HOSTILE]
    assert all(r[2] == "-2.5" for r in csv_rows)  # a negative number is not text
    path = tmp_path / "test.xlsx"
    path.write_bytes(unzip(table(rows), "xlsx").read("test.xlsx"))
    sheet = openpyxl.load_workbook(path)["data"]
    notes = [sheet.cell(row=r, column=5) for r in range(2, 2 + len(HOSTILE))]
    assert all(c.data_type == "s" for c in notes)  # text, never a formula
    assert [c.value for c in notes] == ["'" + t.replace("\r", "\n") for t in HOSTILE]  # XML reads CR as LF
    assert all(sheet.cell(row=r, column=3).value == -2.5 for r in range(2, 2 + len(HOSTILE)))
    # Parquet and SPSS run nothing: the text is kept as it is.
    _, parquet_rows = read_data(table(rows), "parquet", tmp_path)
    assert [r[4] for r in parquet_rows] == HOSTILE


def test_a_label_from_a_model_file_that_starts_with_a_formula_is_neutralised_in_the_codebooks(tmp_path):
    variables = (Variable("l1.x", "number", "=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),)
    archive = unzip(ExportTable("t", variables, iter([(1.0,)])), "xlsx")
    codebook = list(csv.reader(io.StringIO(archive.read("codebook-nl.csv").decode())))
    assert codebook[1][2] == "'=cmd|' /C calc'!A0"
    path = tmp_path / "t.xlsx"
    path.write_bytes(archive.read("t.xlsx"))
    sheet = openpyxl.load_workbook(path)["codebook-en"]
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert neutralise("gewoon") == "gewoon"


def test_the_sav_file_holds_the_variable_and_value_labels_in_the_chosen_language(tmp_path):
    for lang, province_label, value in (("nl", "provincie", "Noord-Brabant"), ("en", "province", "North Brabant")):
        path = tmp_path / f"{lang}.sav"
        path.write_bytes(unzip(table(), "sav", lang).read("test.sav"))
        _, meta = pyreadstat.read_sav(str(path), output_format="dict")
        assert meta.column_names_to_labels["province"] == province_label
        assert meta.variable_value_labels["province"]["NB"] == value
        assert meta.variable_value_labels["position"][1.0] == ("niveau 1" if lang == "nl" else "level 1")


def test_every_download_holds_the_codebook_in_dutch_and_english(tmp_path):
    for fmt in FORMATS:
        archive = unzip(table(), fmt)
        assert sorted(archive.namelist()) == sorted(["README.txt", "codebook-nl.csv", "codebook-en.csv", f"test.{fmt}"])
        nl = list(csv.reader(io.StringIO(archive.read("codebook-nl.csv").decode())))
        en = list(csv.reader(io.StringIO(archive.read("codebook-en.csv").decode())))
        assert nl[0] == ["variabele", "type", "label", "waarden"] and en[0] == ["variable", "type", "label", "values"]
        assert nl[1] == ["province", "tekst", "provincie", "GE = Gelderland; NB = Noord-Brabant"]
        assert en[1] == ["province", "text", "province", "GE = Gelderland; NB = North Brabant"]
        assert en[2][:3] == ["position", "integer", "position on the ladder"]
        readme = archive.read("README.txt").decode()
        assert "Een lege cel betekent" in readme and "An empty cell means" in readme
    path = tmp_path / "test.xlsx"
    path.write_bytes(unzip(table(), "xlsx").read("test.xlsx"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "codebook-nl", "codebook-en"]
    assert book["codebook-en"].cell(row=2, column=3).value == "province"
    path = tmp_path / "test.parquet"
    path.write_bytes(unzip(table(), "parquet").read("test.parquet"))
    schema = pq.read_schema(path)
    assert schema.field("province").metadata[b"label_nl"].decode() == "provincie"
    assert json.loads(schema.metadata[b"codebook"])["en"][1][2] == "province"


def test_a_sav_export_beyond_its_row_limit_is_refused_before_anything_is_written():
    chunks = export_zip(table(), "sav", lang="nl", max_sav_rows=2)
    with pytest.raises(ExportTooLarge, match="at most 2 rows"):
        next(chunks)


def test_the_csv_goes_out_while_the_rows_are_still_being_read():
    read = 0

    def rows() -> Any:
        nonlocal read
        for n in range(50_000):
            read += 1
            yield ("GE", n, float(n), None, "x")

    chunks = export_zip(ExportTable("big", VARIABLES, rows()), "csv", lang="nl")
    for chunk in chunks:
        if read and chunk:
            break
    assert read < 50_000  # the first data went out before the last row was read


def protected_positions():
    """GE: 6 firms at position 0, 1 at position 1 (hidden, and a complement with it); NB: 5 and 5."""
    return protect_counts("province", ("GE", "NB"), (0, 1), [[6, 1], [5, 5]], k=5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hidden_cell_of_a_protected_table_is_empty_in_every_format_like_an_empty_one(fmt, tmp_path):
    counts = protected_positions()
    assert counts.cells[0][1] is None
    export = count_table_export(counts, load_model("groeimodel"), name="positions")
    header, rows = read_data(export, fmt, tmp_path)
    assert header == ["province", "position_0", "position_1", "firms"]
    by_group = {r[0]: [as_text(c) for c in r[1:]] for r in rows}
    shown = [
        [as_text(c) for c in (*cells, total)] for cells, total in zip(counts.cells, counts.row_totals, strict=True)
    ]
    assert by_group["GE"] == shown[0] and by_group["NB"] == shown[1]
    assert by_group["GE"][1] is None  # the cell of one firm: empty, with no count and no mark
    assert by_group["total"] == [as_text(c) for c in (*counts.column_totals, counts.total)]
    assert not any("<" in str(c) for r in rows for c in r)


def test_a_table_of_means_exports_firms_and_means_rounded_as_on_the_page(tmp_path):
    means = protect_means(
        "province", ("GE", "NB"), ("level_1",), [[6], [5]], [[6 * 40.04], [5 * 70.0]], hidden_groups=[False, False]
    )
    export = mean_table_export(means, load_model("groeimodel"), name="means")
    header, rows = read_data(export, "parquet", tmp_path)
    assert header == ["province", "level_1_n", "level_1"]
    assert rows[0] == ["GE", 6, 40.0] and rows[1] == ["NB", 5, 70.0]
    assert rows[2][0] == "total" and rows[2][1] == 11
    assert export.variables[2].label_en.startswith("level 1 score (Optimising operations)")


def test_the_wave_data_codebook_names_every_level_block_and_the_employees_aggregates():
    model = load_model("mkb-2011")
    names = [v.name for v in wave_variables(model, employees_min=5)]
    assert names[:10] == [
        "company",
        "sbi_section",
        "size_class",
        "province",
        "founding_year",
        "wave",
        "date",
        "model_id",
        "model_version",
        "position",
    ]
    assert "level_3" in names and "level_4" not in names
    assert all(b.id in names and f"{b.id}_employees" in names for b in model.blocks)
    assert "kvk_number" not in names and "name" not in names


def test_a_block_id_spss_does_not_accept_is_written_with_an_underscore_in_the_sav(tmp_path):
    variables = (Variable("l1.co-creatie", "number", "score co-creatie", "co-creation score"),)
    path = tmp_path / "t.sav"
    path.write_bytes(unzip(ExportTable("t", variables, iter([(50.0,)])), "sav").read("t.sav"))
    frame, meta = pyreadstat.read_sav(str(path), output_format="dict")
    assert list(frame) == ["l1.co_creatie"] and meta.column_names_to_labels["l1.co_creatie"] == "score co-creatie"
