"""Downloads of the monitor's tables (beheerder, analist) and of the wave data (beheerder): every format, the
suppression of the page, the codebook, role access and the audit log."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pyreadstat
import pytest

from groeimodel.model import load_model
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.monitor import exports
from groeimodel.web.monitor.wave_data import export_waves
from groeimodel.web.scans.models import ScoreRow
from groeimodel.web.scans.services import model_of, submit_employee_response

from .conftest import full_answers, make_company, submitted_scan
from .test_monitor_page import get, html_table, number, population

FORMATS = ("csv", "xlsx", "parquet", "sav")


def archive_of(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def data_of(archive: zipfile.ZipFile, tmp_path: Any) -> tuple[list[str], list[list[Any]]]:
    """The data file's header and rows, read with its format's own reader; an empty cell is None."""
    (name,) = [n for n in archive.namelist() if not n.startswith(("codebook-", "README"))]
    path = tmp_path / name
    path.write_bytes(archive.read(name))
    fmt = name.rsplit(".", 1)[1]
    if fmt == "csv":
        header, *rows = list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))
        return header, [[None if c == "" else c for c in r] for r in rows]
    if fmt == "xlsx":
        header, *rows = [list(r) for r in openpyxl.load_workbook(path, read_only=True)["data"].values]
        return [str(h) for h in header], [r + [None] * (len(header) - len(r)) for r in rows]
    if fmt == "parquet":
        table = pq.read_table(path)
        return table.column_names, [list(r.values()) for r in table.to_pylist()]
    frame, _meta = pyreadstat.read_sav(str(path), output_format="dict")
    names = list(frame)
    return names, [[frame[n][i] for n in names] for i in range(len(frame[names[0]]))]


def text(value: Any) -> str | None:
    """A cell as the CSV has it."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            value = float(value)  # the CSV's "75.0" and the other formats' 75.0
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_texts(rows: list[list[Any]]) -> list[list[str | None]]:
    return [[text(c) for c in r] for r in rows]


@pytest.mark.django_db
def test_the_analist_downloads_the_positions_in_every_format_with_the_pages_figures_and_hidden_cells_empty(
    world, tmp_path
):
    population(world)
    client = world.client_for(world.analist)
    page = html_table(get(client, "/overview/?by=sbi_section").content.decode(), "positions-table")[1:]
    csv_rows: list[list[str | None]] = []
    for fmt in FORMATS:
        header, rows = data_of(archive_of(client.get(f"/overview/download/positions/{fmt}/?by=sbi_section")), tmp_path)
        assert header == ["sbi_section", "position_0", "position_1", "position_2", "position_3", "position_4", "firms"]
        assert [r[0] for r in rows] == [*"ABCDEFGHIJKLMNOPQRSTU", "total"]
        for page_row, row in zip(page, rows, strict=True):
            assert [number(c) for c in page_row[1:]] == [None if c is None else int(c) for c in row[1:]], row[0]
        g = next(r for r in rows if r[0] == "G")
        assert [text(c) for c in g[1:]] == [None] * 5 + ["7"]  # the firm of one and its give-aways: empty
        if fmt == "csv":
            csv_rows = as_texts(rows)
        assert as_texts(rows) == csv_rows


@pytest.mark.django_db
def test_the_means_download_hides_the_groups_the_page_hides_and_rounds_as_the_page(world, tmp_path):
    population(world)
    client = world.client_for(world.beheerder)
    page = html_table(get(client, "/overview/?by=province").content.decode(), "means-table")[1:]
    for fmt in FORMATS:
        header, rows = data_of(archive_of(client.get(f"/overview/download/means/{fmt}/?by=province")), tmp_path)
        assert header == ["province"] + [f"level_{lv}{n}" for lv in range(1, 5) for n in ("_n", "")]
        for page_row, row in zip(page, rows, strict=True):
            assert [None if c == "–" else c for c in page_row[1:]] == [
                None if m is None else f"{float(m):.1f}" for m in row[2::2]
            ], row[0]
        utrecht = next(r for r in rows if r[0] == "UT")
        assert [text(c) for c in utrecht[1:]] == [None] * 8  # the firm of one: no mean, no count


@pytest.mark.django_db
def test_a_table_download_carries_its_codebook_in_dutch_and_english_and_the_sav_its_labels(world, tmp_path):
    population(world)
    client = world.client_for(world.analist)
    archive = archive_of(client.get("/overview/download/positions/csv/?by=province"))
    nl = list(csv.reader(io.StringIO(archive.read("codebook-nl.csv").decode())))
    en = list(csv.reader(io.StringIO(archive.read("codebook-en.csv").decode())))
    assert nl[1][:3] == ["province", "tekst", "provincie"] and "NB = Noord-Brabant" in nl[1][3]
    assert en[1][:3] == ["province", "text", "province"] and "NB = North Brabant" in en[1][3]
    assert en[-1] == ["firms", "integer", "number of firms (row total)", ""]
    get(client, "/overview/")  # the English UI: the .sav carries English labels
    path = tmp_path / "p.sav"
    sav = archive_of(client.get("/overview/download/positions/sav/?by=province"))
    path.write_bytes(sav.read("monitor-groeimodel-positions-province.sav"))
    _, meta = pyreadstat.read_sav(str(path))
    assert meta.column_names_to_labels["position_4"] == "number of firms at position 4 (level 4: Societal innovation)"
    assert meta.variable_value_labels["province"]["NB"] == "North Brabant"


def employees_answer(scan: Any, values: list[int]) -> None:
    for value in values:
        submit_employee_response(wave=scan.wave, answers=full_answers(model_of(scan), value), leads_people=False)


@pytest.mark.django_db
def test_the_beheerder_exports_the_wave_data_with_employees_only_as_suppressed_means(world, tmp_path):
    bakery = submitted_scan(world.bakery, 4)
    employees_answer(bakery, [1, 2, 3, 4, 5, 5])  # six employees: their means are shown
    garage = submitted_scan(world.garage, 2)
    employees_answer(garage, [5, 5, 5, 5])  # four: nothing of them
    submitted_scan(world.mill, 5)  # organisation B
    client = world.client_for(world.beheerder)
    model = load_model("groeimodel")
    csv_rows: list[list[str | None]] = []
    for fmt in FORMATS:
        archive = archive_of(client.get(f"/overview/wave-data/{fmt}/?model=groeimodel"))
        header, rows = data_of(archive, tmp_path)
        assert header[:10] == [
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
        by_company = {int(r[0]): dict(zip(header, r, strict=True)) for r in rows}
        assert sorted(by_company) == sorted([world.bakery.pk, world.garage.pk])  # not B's mill
        b, g = by_company[world.bakery.pk], by_company[world.garage.pk]
        assert (b["sbi_section"], b["size_class"], b["province"], text(b["wave"])) == ("C", "small", "GE", "0")
        assert text(b["position"]) == str(bakery.position) and text(b["model_id"]) == "groeimodel"
        for row in ScoreRow.objects.filter(response=bakery):
            column = row.block or f"level_{row.level}"
            assert float(b[column]) == pytest.approx(row.score)
        block = model.blocks[0].id
        employee_scores = ScoreRow.objects.filter(wave=bakery.wave, respondent="employee", block=block)
        mean = sum(r.score for r in employee_scores) / 6
        assert text(b["employees_n"]) == "6" and float(b[f"{block}_employees"]) == pytest.approx(mean)
        assert text(g["employees_n"]) is None
        assert all(text(g[f"{blk.id}_employees"]) is None for blk in model.blocks)  # four employees: empty
        if fmt == "csv":
            csv_rows = as_texts(rows)
        assert as_texts(rows) == csv_rows
        data = b"".join(archive.read(n) for n in archive.namelist())
        assert b"Bakkerij" not in data and b"12345678" not in data  # no name, no KvK number


@pytest.mark.django_db
def test_the_wave_data_of_a_model_without_scans_is_a_header_and_its_codebook(world, tmp_path):
    submitted_scan(world.bakery, 4)
    archive = archive_of(world.client_for(world.beheerder).get("/overview/wave-data/parquet/?model=mkb-2011"))
    header, rows = data_of(archive, tmp_path)
    assert rows == [] and "level_3" in header and "level_4" not in header
    codebook = list(csv.reader(io.StringIO(archive.read("codebook-nl.csv").decode())))
    assert [r[0] for r in codebook[1:]] == header


@pytest.mark.django_db
def test_export_waves_writes_the_same_zip_without_http(world, tmp_path):
    submitted_scan(world.bakery, 4)
    out = io.BytesIO()
    export_waves(world.org_a, "csv", out)
    offline = data_of(zipfile.ZipFile(out), tmp_path)
    online = data_of(
        archive_of(world.client_for(world.beheerder).get("/overview/wave-data/csv/?model=groeimodel")), tmp_path
    )
    assert offline == online and len(offline[1]) == 1


@pytest.mark.django_db
def test_every_download_is_recorded_in_the_audit_log(world):
    submitted_scan(world.bakery, 4)
    archive_of(world.client_for(world.beheerder).get("/overview/wave-data/csv/?model=groeimodel"))
    archive_of(world.client_for(world.analist).get("/overview/download/means/xlsx/?by=year"))
    records = list(AuditRecord.objects.order_by("pk"))
    assert [(r.actor, r.action, r.object_kind, r.label) for r in records] == [
        (world.beheerder, "export", "wave data", "metingen-groeimodel.csv"),
        (world.analist, "export", "monitor table", "monitor-groeimodel-means-year.xlsx"),
    ]
    assert all(r.organisation == world.org_a for r in records)


@pytest.mark.django_db
def test_only_the_beheerder_exports_wave_data_and_only_the_monitors_readers_its_tables(world):
    submitted_scan(world.bakery, 4)
    wave_data = "/overview/wave-data/csv/?model=groeimodel"
    table = "/overview/download/positions/csv/"
    page = "/overview/downloads/"
    for user in (world.alice, world.ondernemer, world.bob):
        client = world.client_for(user)
        assert [client.get(url).status_code for url in (wave_data, table, page)] == [404, 404, 404]
    analist = world.client_for(world.analist)
    assert [analist.get(url).status_code for url in (wave_data, table, page)] == [404, 200, 200]
    beheerder = world.client_for(world.beheerder)
    assert beheerder.get("/overview/wave-data/docx/?model=groeimodel").status_code == 404
    assert beheerder.get("/overview/wave-data/csv/?model=nope").status_code == 404
    assert beheerder.get("/overview/download/secrets/csv/").status_code == 404
    assert beheerder.get("/overview/download/positions/pdf/").status_code == 404
    assert world.client_for(world.beheerder).get(table + "?by=kvk").status_code == 404
    assert AuditRecord.objects.filter(action="export").count() == 1  # the analist's table; no refused one


@pytest.mark.django_db
def test_the_beheerder_finds_the_wave_data_and_the_analist_only_the_tables_on_the_downloads_page(world):
    submitted_scan(world.bakery, 4)
    submitted_scan(world.garage, 3)
    beheerder = get(world.client_for(world.beheerder), "/overview/downloads/?by=province").content.decode()
    rows = html_table(beheerder, "wave-data-table")
    assert rows[1][:2] == ["Growth model for social innovation in SMEs (groeimodel)", "2"]
    assert "/overview/wave-data/sav/?model=groeimodel" in beheerder
    assert "/overview/download/means/parquet/?by=province" in beheerder
    analist = get(world.client_for(world.analist), "/overview/downloads/").content.decode()
    assert "wave-data" not in analist and "/overview/download/positions/sav/" in analist


@pytest.mark.django_db
def test_the_downloads_page_counts_the_scans_only_up_to_the_spss_limit(world, monkeypatch):
    from groeimodel.web.monitor import exports

    monkeypatch.setattr(exports, "DEFAULT_MAX_SAV_ROWS", 1)
    submitted_scan(world.bakery, 4)
    submitted_scan(world.garage, 3)
    page = get(world.client_for(world.beheerder), "/overview/downloads/").content.decode()
    rows = html_table(page, "wave-data-table")
    assert rows[1][1] == "more than 1"


@pytest.mark.django_db
def test_the_overview_links_its_downloads_for_the_same_choice(world):
    html = get(world.client_for(world.analist), "/overview/?by=year&model=mkb-2011").content.decode()
    assert "/overview/download/positions/xlsx/?by=year&amp;model=mkb-2011" in html
    assert "/overview/downloads/?by=year&amp;model=mkb-2011" in html


@pytest.mark.django_db
def test_an_sav_export_beyond_its_limit_is_refused_with_a_message_naming_the_other_formats(world, monkeypatch):
    submitted_scan(world.bakery, 4)
    submitted_scan(world.garage, 4)
    monkeypatch.setattr(exports, "DEFAULT_MAX_SAV_ROWS", 1)
    client = world.client_for(world.beheerder)
    get(client, "/")
    response = client.get("/overview/wave-data/sav/?model=groeimodel", follow=True)
    assert response.redirect_chain[-1][0] == "/overview/downloads/"
    assert "An SPSS file holds at most 1 scans" in response.content.decode()
    assert "Parquet or CSV" in response.content.decode()
    assert not AuditRecord.objects.filter(action="export").exists()
    assert client.get("/overview/wave-data/parquet/?model=groeimodel").status_code == 200


@pytest.mark.django_db
def test_an_archived_company_is_left_out_of_the_wave_data(world, tmp_path):
    from django.utils import timezone

    submitted_scan(world.bakery, 4)
    gone = make_company(world.org_a, "Weg BV")
    submitted_scan(gone, 4)
    gone.archived_at = timezone.now()
    gone.save()
    _, rows = data_of(
        archive_of(world.client_for(world.beheerder).get("/overview/wave-data/csv/?model=groeimodel")), tmp_path
    )
    assert [int(r[0]) for r in rows] == [world.bakery.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["positions", "means", "positions-by-year", "means-by-year", "movement", "growth"])
def test_every_table_of_the_page_downloads_with_its_filter_and_holds_the_csv_exports_figures(world, tmp_path, table):
    population(world)
    client = world.client_for(world.analist)
    query = "?by=province&filter=sbi_section:C"
    page_csv = list(csv.reader(io.StringIO(b"".join(get(client, f"/overview/{table}.csv{query}").streaming_content)
                                           .decode(), newline="")))  # fmt: skip
    _header, rows = data_of(archive_of(client.get(f"/overview/download/{table}/csv/{query}")), tmp_path)
    assert len(rows) == len(page_csv) - 1  # the same groups and the total row
    published = sorted(c for r in page_csv[1:] for c in r[1:] if c)
    downloaded = [text(c) for r in rows for c in r[1:]]
    for figure in published:  # every figure of the page's CSV is in the download (counts, counts of means, means)
        assert text(figure.replace(",", ".")) in downloaded or figure in downloaded, (table, figure)
    assert sum(c is not None for c in downloaded) >= len(published)
