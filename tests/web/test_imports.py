"""Imports of companies and scans: good files create everything, a file with one bad row writes nothing and names
the row and column, every limit gives a clear message, and only those who may create companies or run scans reach
the pages (404 for the rest, and for another organisation's company)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from groeimodel.model import load_model
from groeimodel.questionnaire import to_xlsx
from groeimodel.scoring import score
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.imports.companies import import_companies
from groeimodel.web.imports.report import ImportReport
from groeimodel.web.imports.scans import import_scans
from groeimodel.web.scans.models import Response, ScoreRow

from .conftest import full_answers

MODEL = load_model("groeimodel")

COMPANIES_NL = (
    "Naam;KvK-nummer;Sector;Aantal werknemers;Provincie;Oprichtingsjaar\n"
    "Timmerbedrijf Aalders;87654321;F;48;OV;1999\n"
    "Drukkerij Baas;11223344;c – Manufacturing;7;Gelderland;\n"
).encode()


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def wave_csv(rows: list[tuple[str, int]], *, extra: dict[str, str] | None = None) -> bytes:
    """A wave CSV with every statement: each row answers ``value`` (reverse-keyed ones mirrored)."""
    ids = [item.id for item in MODEL.items]
    lines = [",".join(["id", *ids])]
    for scan_id, value in rows:
        answers = full_answers(MODEL, value)
        cells = [str(answers[i]) for i in ids]
        for item, cell in (extra or {}).items():
            cells[ids.index(item)] = cell
        lines.append(",".join([scan_id, *cells]))
    return ("\n".join(lines) + "\n").encode()


def upload(client: Any, url: str, name: str, data: bytes, lang: str = "nl") -> Any:
    client.cookies["django_language"] = lang
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE=lang)


def page(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Companies


def test_a_beheerder_imports_companies_from_a_csv_with_dutch_headers(world):
    response = upload(world.client_for(world.beheerder), "/companies/import/", "bedrijven.csv", COMPANIES_NL)
    assert response.status_code == 302 and response["Location"] == "/companies/import/done/"
    timmer = Company.objects.get(name="Timmerbedrijf Aalders")
    druk = Company.objects.get(name="Drukkerij Baas")
    assert (timmer.organisation, timmer.kvk_number, timmer.sbi_section, timmer.employees, timmer.province) == (
        world.org_a, "87654321", "F", 48, "OV",
    )  # fmt: skip
    assert timmer.founding_year == 1999 and timmer.size_class == "small"
    assert (druk.sbi_section, druk.province, druk.founding_year) == ("C", "GE", None)
    records = AuditRecord.objects.filter(object_kind="company", action="import")
    assert sorted(records.values_list("object_id", flat=True)) == sorted([timmer.pk, druk.pk])
    client = world.client_for(world.beheerder)
    client.cookies["django_language"] = "nl"
    upload(client, "/companies/import/", "meer.csv", b"name,sbi,employees,province\nKapper Cor,S,2,UT\n")
    done = page(client.get("/companies/import/done/"))
    assert "meer.csv: 1 bedrijf toegevoegd." in done and "Kapper Cor" in done


def test_an_adviseur_imports_companies_from_an_xlsx_with_english_headers_and_is_assigned(world):
    data = xlsx(
        [["Name", "KvK number", "SBI section", "Employees", "Province"], ["Smederij Cas", 55667788, "C", 12, "ut"]]
    )
    report = import_companies(user=world.alice, file_name="firms.xlsx", data=data, lang="en")
    assert report.ok, report.errors
    company = Company.objects.get(pk=report.created[0])
    assert company.name == "Smederij Cas" and company.kvk_number == "55667788" and company.province == "UT"
    assert list(company.advisors.all()) == [world.alice]


def test_a_beheerder_assigns_advisors_by_user_name_and_an_adviseur_may_not(world):
    data = b"name,sbi,employees,province,advisors\nBakker Dirk,C,3,UT,alice\n"
    report = import_companies(user=world.beheerder, file_name="a.csv", data=data)
    assert report.ok and list(Company.objects.get(name="Bakker Dirk").advisors.all()) == [world.alice]
    other = b"name,sbi,employees,province,advisors\nBakker Eef,C,3,UT,alice\n"
    report = import_companies(user=world.alice, file_name="b.csv", data=other, lang="en")
    assert [(e.row, e.column) for e in report.errors] == [(2, "advisors")]
    assert not Company.objects.filter(name="Bakker Eef").exists()


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row_and_column(world):
    data = (
        b"name,kvk,sbi,employees,province,founding year\n"
        b"Goed Bedrijf,99887766,C,10,UT,2001\n"
        b"Veel Mensen,,C,veel,UT,\n"
        b"Nergens,,C,5,XX,\n"
        b",12345678,Z,5,UT,1500\n"
        b"Dubbel,99887766,C,5,UT,\n"
    )
    before = Company.objects.count()
    report = import_companies(user=world.beheerder, file_name="fout.csv", data=data, lang="en")
    assert Company.objects.count() == before and report.created == [] and not AuditRecord.objects.exists()
    places = {(e.row, e.column) for e in report.errors}
    assert places == {
        (3, "employees"), (4, "province"), (5, "name"), (5, "kvk"), (5, "sbi"), (5, "founding year"), (6, "kvk"),
    }  # fmt: skip
    by_place = {(e.row, e.column): e.message for e in report.errors}
    assert by_place[(6, "kvk")] == "This KvK number is also in row 2 of the file."
    assert "Bakkerij Aaldering" in by_place[(5, "kvk")]  # the beheerder sees which company has it
    issue = next(e for e in report.errors if (e.row, e.column) == (5, "kvk"))
    assert issue.to_dict() == {
        "file": "fout.csv", "row": 5, "column": "kvk",
        "message": "This KvK number is already registered for Bakkerij Aaldering.",
    }  # fmt: skip
    assert all(e.file == "fout.csv" for e in report.errors)


def test_the_page_lists_the_problems_in_dutch_and_in_english(world):
    client = world.client_for(world.beheerder)
    data = b"naam,sector,werknemers,provincie\nA,C,veel,UT\n"
    response = upload(client, "/companies/import/", "fout.csv", data, lang="nl")
    text = page(response)
    assert response.status_code == 400
    assert "fout.csv: 1 probleem; er is niets geïmporteerd" in text and "Voer een geheel getal in." in text
    assert "<code>werknemers</code>" in text
    response = upload(client, "/companies/import/", "fout.csv", data, lang="en")
    assert "fout.csv: 1 problem; nothing was imported" in page(response) and "Enter a whole number." in page(response)
    assert not Company.objects.filter(name="A").exists()


def test_values_from_the_file_are_shown_escaped_in_the_report(world):
    data = b"name,sbi,employees,province,<script>alert(1)</script>\nA,C,5,UT,x\n"
    text = page(upload(world.client_for(world.beheerder), "/companies/import/", "x.csv", data, "en"))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_scans_of_several_companies_are_imported_on_their_own_page(world):
    client = world.client_for(world.beheerder)
    data = wave_csv([("12345678", 4)])
    response = upload(client, "/companies/import/scans/", "golf.csv", data, "en")
    assert response.status_code == 302
    done = page(client.get("/companies/import/done/"))
    assert "golf.csv: 1 scan submitted." in done and "Bakkerij Aaldering T0" in done


def test_a_header_with_an_unknown_or_missing_column_is_refused(world):
    report = import_companies(user=world.beheerder, file_name="x.csv", data=b"name,colour\nA,red\n", lang="en")
    assert {(e.row, e.column) for e in report.errors} == {
        (1, "colour"), (1, "sbi section"), (1, "employees"), (1, "province"),
    }  # fmt: skip


def test_a_csv_saved_by_excel_in_windows_encoding_is_read(world):
    data = "naam;sector;werknemers;provincie\nCafé Fryslân;I;4;Fryslân\n".encode("cp1252")
    report = import_companies(user=world.beheerder, file_name="excel.csv", data=data, lang="en")
    assert report.ok and Company.objects.get(pk=report.created[0]).name == "Café Fryslân"
    assert Company.objects.get(pk=report.created[0]).province == "FR"


def test_a_sheet_with_blank_rows_above_its_header_names_the_real_rows(world):
    data = xlsx([[], [], ["name", "sbi", "employees", "province", "kleur"], ["A", "C", 5, "UT", "rood"]])
    report = import_companies(user=world.beheerder, file_name="blad.xlsx", data=data, lang="en")
    assert [(e.row, e.column) for e in report.errors] == [(3, "kleur")]
    data = xlsx([[], ["name", "sbi", "employees", "province"], ["A", "C", "veel", "UT"]])
    report = import_companies(user=world.beheerder, file_name="blad.xlsx", data=data, lang="en")
    assert [(e.row, e.column) for e in report.errors] == [(3, "employees")]


def test_a_row_with_more_cells_than_the_header_is_named(world):
    data = b"name,sbi,employees,province\nA,C,5,UT,extra\n"
    report = import_companies(user=world.beheerder, file_name="x.csv", data=data, lang="en")
    assert [(e.row, e.message) for e in report.errors] == [(2, "The row has more cells than the header has columns.")]


# ---------------------------------------------------------------------------------------------------------------
# Limits


def zip_bomb_xlsx() -> bytes:
    """A real workbook whose sharedStrings part unpacks to 30 MB of spaces (about 30 kB packed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["name"], ["A"]]))) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (30 * 1024 * 1024) + b"</sst>")
    return out.getvalue()


def doctype_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["name"], ["A"]]))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                head, sep, rest = body.partition(b"?>")
                body = head + sep + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + rest if sep else b"<!DOCTYPE x>" + body
            dst.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.parametrize("importer", ["companies", "scans"])
def test_a_zip_bomb_and_a_doctype_xlsx_are_refused_before_openpyxl_reads_them(world, importer):
    def run(data: bytes) -> ImportReport:
        if importer == "companies":
            return import_companies(user=world.beheerder, file_name="x.xlsx", data=data, lang="en")
        return import_scans(user=world.beheerder, company=world.bakery, file_name="x.xlsx", data=data, lang="en")

    bomb = run(zip_bomb_xlsx())
    assert [(e.row, e.column) for e in bomb.errors] == [(None, "")]
    assert bomb.errors[0].message.startswith("The file is refused: part 'xl/sharedStrings.xml': unpacks to")
    doctype = run(doctype_xlsx())
    assert (
        doctype.errors[0].message == "The file is refused: part 'xl/workbook.xml': an XML doctype declaration; refused"
    )
    assert "/tmp" not in bomb.errors[0].message + doctype.errors[0].message  # no server path in a message


def test_a_zip_bomb_is_named_at_the_upload_field(world):
    response = upload(world.client_for(world.beheerder), "/companies/import/", "bom.xlsx", zip_bomb_xlsx(), "en")
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and "unpacks to" in errors[0]


def test_a_100_mb_upload_is_refused_at_the_field_without_reading_it(world):
    client = world.client_for(world.beheerder)
    client.cookies["django_language"] = "en"
    # The request says it carries 100 MB: the body is never read (the test client would fail if it were).
    response = client.post(
        "/companies/import/", {"file": SimpleUploadedFile("big.csv", b"name\n")}, CONTENT_LENGTH=str(100 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert response.context["form"].errors["file"] == ["The file is larger than 5 MB; split it into smaller files."]
    assert "The file is larger than 5 MB" in page(response)


@override_settings(IMPORT_MAX_BYTES=2048)
def test_an_upload_over_the_limit_without_a_telling_length_is_cut_off_while_it_streams(world):
    client = world.client_for(world.beheerder)
    client.cookies["django_language"] = "nl"
    big = b"name,sbi,employees,province\n" + b"Bedrijf,C,5,UT\n" * 300  # 4.5 kB; the form around it stays under 64 kB
    response = client.post("/companies/import/", {"file": SimpleUploadedFile("groot.csv", big)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Het bestand is groter dan 2 kB; splits het in kleinere bestanden."
    ]
    assert not Company.objects.filter(name="Bedrijf").exists()


@override_settings(IMPORT_MAX_BYTES=2048)
def test_the_import_functions_refuse_a_file_over_the_size_limit(world):
    big = b"name,sbi,employees,province\n" + b"Bedrijf,C,5,UT\n" * 300
    report = import_companies(user=world.beheerder, file_name="groot.csv", data=big, lang="en")
    assert [e.message for e in report.errors] == ["The file is larger than 2 kB; split it into smaller files."]


@override_settings(IMPORT_MAX_ROWS=2)
def test_a_file_with_more_rows_than_the_limit_is_refused(world):
    data = b"name,sbi,employees,province\n" + b"".join(b"B%d,C,5,UT\n" % i for i in range(3))
    report = import_companies(user=world.beheerder, file_name="lang.csv", data=data, lang="en")
    assert [e.message for e in report.errors] == ["The file has more than 2 rows; split it into smaller files."]
    sheet = xlsx([["name", "sbi", "employees", "province"], *[[f"B{i}", "C", 5, "UT"] for i in range(3)]])
    report = import_scans(user=world.beheerder, company=world.bakery, file_name="lang.xlsx", data=sheet, lang="en")
    assert [e.message for e in report.errors] == ["The file has more than 2 rows; split it into smaller files."]
    assert not Company.objects.filter(name__startswith="B0").exists()


@override_settings(IMPORT_MAX_SCANS=1)
def test_a_wave_file_with_more_scans_than_the_scan_limit_is_refused(world):
    report = import_scans(
        user=world.alice, company=world.garage, file_name="g.csv", data=wave_csv([("t0", 3), ("t1", 4)]), lang="en"
    )
    assert [e.message for e in report.errors] == ["The file has more than 1 row; split it into smaller files."]
    assert not Response.objects.exists()


def test_a_csv_field_over_the_csv_limit_is_named_by_its_row(world):
    data = b'name,sbi,employees,province\n"' + b"x" * 140_000 + b'",C,5,UT\n'
    report = import_companies(user=world.beheerder, file_name="lang.csv", data=data, lang="en")
    assert [(e.row, e.message) for e in report.errors] == [(2, "A cell is longer than 131,072 characters.")]


def test_another_kind_of_file_is_refused_at_the_field(world):
    response = upload(world.client_for(world.beheerder), "/companies/import/", "a.pdf", b"%PDF", "en")
    assert response.context["form"].errors["file"] == ["Only CSV (.csv) and Excel (.xlsx) files can be imported."]


# ---------------------------------------------------------------------------------------------------------------
# Scans


def test_a_wave_csv_for_a_company_submits_each_row_as_a_new_scored_wave(world):
    client = world.client_for(world.alice)
    response = upload(
        client, f"/companies/{world.garage.pk}/scans/import/", "golf.csv",
        wave_csv([("t0", 2), ("t1", 4)], extra={MODEL.items[0].id: "weet niet"}),
    )  # fmt: skip
    assert response.status_code == 302
    scans = list(Response.objects.filter(wave__company=world.garage).order_by("wave__number"))
    assert [(s.wave.number, s.status, s.created_by) for s in scans] == [
        (0, "submitted", world.alice),
        (1, "submitted", world.alice),
    ]
    answers = {**full_answers(MODEL, 4), MODEL.items[0].id: None}
    expected = score(MODEL, answers)
    assert scans[1].position == expected.position and scans[1].result == expected.to_dict("nl")
    levels = ScoreRow.objects.filter(response=scans[1], block="").order_by("level")
    assert [row.score for row in levels] == [lv.score for lv in expected.levels]
    assert AuditRecord.objects.filter(object_kind="scan", action="import").count() == 2
    done = page(client.get("/companies/import/done/"))
    assert "Garage Aarts T0" in done and "Garage Aarts T1" in done


def test_a_wave_file_names_its_companies_by_kvk_number_within_reach(world):
    data = wave_csv([("12345678", 3)])
    report = import_scans(user=world.alice, company=None, file_name="golf.csv", data=data, lang="en")
    assert report.ok and Response.objects.get(pk=report.created[0]).wave.company == world.bakery
    world.mill.kvk_number = "44556677"
    world.mill.save()
    report = import_scans(
        user=world.alice, company=None, file_name="golf.csv", data=wave_csv([("44556677", 3)]), lang="en"
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "id", "None of your companies has the KvK number 44556677.")
    ]
    assert not Response.objects.filter(wave__company=world.mill).exists()


def test_a_wave_file_with_one_bad_answer_writes_nothing_and_names_row_and_statement(world):
    item = MODEL.items[3].id
    data = wave_csv([("t0", 3), ("t1", 4)], extra={item: "7"})
    report = import_scans(user=world.alice, company=world.garage, file_name="golf.csv", data=data, lang="nl")
    assert [(e.row, e.column) for e in report.errors] == [(2, item), (3, item)]
    assert report.errors[0].message.startswith("Een antwoord is 1 tot en met 5")
    assert not Response.objects.filter(wave__company=world.garage).exists() and not ScoreRow.objects.exists()


def test_a_wave_file_with_an_unknown_statement_column_is_refused_at_the_header(world):
    data = b"id,l9.onzin.1\nt0,3\n"
    report = import_scans(user=world.alice, company=world.garage, file_name="golf.csv", data=data, lang="en")
    assert [(e.row, e.column) for e in report.errors] == [(1, "l9.onzin.1")]


def test_a_company_with_a_scan_in_progress_gets_it_finished_first(world):
    from groeimodel.web.scans.services import start_scan

    start_scan(company=world.garage, user=world.alice)
    report = import_scans(
        user=world.alice, company=world.garage, file_name="g.csv", data=wave_csv([("t0", 3)]), lang="en"
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "id")]
    assert "scan in progress" in report.errors[0].message
    assert Response.objects.filter(wave__company=world.garage).count() == 1


def test_a_filled_in_offline_form_becomes_one_new_wave_of_the_chosen_company(world):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx(MODEL, "nl")))
    ws = wb[wb.sheetnames[0]]
    answers = full_answers(MODEL, 5)
    for row in ws.iter_rows():
        if row[0].value in answers:
            row[4].value = answers[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    client = world.client_for(world.ondernemer)  # an ondernemer imports their own company's form
    response = upload(client, f"/companies/{world.bakery.pk}/scans/import/", "vragenlijst.xlsx", out.getvalue())
    assert response.status_code == 302
    scan = Response.objects.get(wave__company=world.bakery)
    assert scan.submitted and scan.position == score(MODEL, answers).position
    assert ScoreRow.objects.filter(response=scan).exists()


def test_an_offline_form_with_a_bad_answer_names_its_row_and_no_server_path(world):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx(MODEL, "nl")))
    ws = wb[wb.sheetnames[0]]
    target = next(row for row in ws.iter_rows() if row[0].value == MODEL.items[0].id)
    target[4].value = 7
    out = io.BytesIO()
    wb.save(out)
    report = import_scans(user=world.alice, company=world.garage, file_name="f.xlsx", data=out.getvalue(), lang="en")
    assert [e.row for e in report.errors] == [target[0].row]
    assert report.errors[0].message.startswith("The form cannot be read: sheet ")
    assert "/tmp" not in report.errors[0].message and "upload.xlsx" not in report.errors[0].message
    refused = import_scans(user=world.alice, company=None, file_name="f.xlsx", data=out.getvalue(), lang="en")
    assert [e.message for e in refused.errors] == [
        "A questionnaire form is one scan of one company: import it on the company's page."
    ]
    assert not Response.objects.exists()


def test_an_empty_offline_form_is_refused(world):
    report = import_scans(
        user=world.alice, company=world.garage, file_name="leeg.xlsx", data=to_xlsx(MODEL, "nl"), lang="en"
    )
    assert [e.message for e in report.errors] == ["The form has no answers."]


def test_a_wave_table_in_an_xlsx_is_read_like_the_csv(world):
    ids = [item.id for item in MODEL.items]
    answers = full_answers(MODEL, 2)
    data = xlsx([["id", *ids], ["t0", *[answers[i] for i in ids]]])
    report = import_scans(user=world.alice, company=world.garage, file_name="golf.xlsx", data=data, lang="en")
    assert report.ok, report.errors
    assert Response.objects.get(pk=report.created[0]).position == score(MODEL, answers).position


# ---------------------------------------------------------------------------------------------------------------
# Who may import


def test_roles_that_may_not_import_get_404(world):
    for user in (world.ondernemer, world.analist):
        client = world.client_for(user)
        assert client.get("/companies/import/").status_code == 404
        assert client.post("/companies/import/", {"file": SimpleUploadedFile("a.csv", COMPANIES_NL)}).status_code == 404
        assert client.get("/companies/import/scans/").status_code == 404
        with pytest.raises(Http404):
            import_companies(user=user, file_name="a.csv", data=COMPANIES_NL)
    analist = world.client_for(world.analist)
    assert analist.get(f"/companies/{world.bakery.pk}/scans/import/").status_code == 404
    with pytest.raises(Http404):
        import_scans(user=world.analist, company=None, file_name="a.csv", data=wave_csv([("12345678", 3)]))
    assert not Company.objects.filter(name="Timmerbedrijf Aalders").exists() and not Response.objects.exists()


def test_another_organisations_company_as_target_gives_404(world):
    client = world.client_for(world.alice)
    url = f"/companies/{world.mill.pk}/scans/import/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": SimpleUploadedFile("g.csv", wave_csv([("t0", 3)]))}).status_code == 404
    with pytest.raises(Http404):
        import_scans(user=world.alice, company=world.mill, file_name="g.csv", data=wave_csv([("t0", 3)]))
    with pytest.raises(Http404):  # in the organisation, but not assigned to alice
        import_scans(user=world.alice, company=world.florist, file_name="g.csv", data=wave_csv([("t0", 3)]))
    assert not Response.objects.exists()


def test_the_pages_show_for_those_who_may_import(world):
    assert world.client_for(world.alice).get("/companies/import/").status_code == 200
    assert world.client_for(world.alice).get("/companies/import/scans/").status_code == 200
    assert world.client_for(world.ondernemer).get(f"/companies/{world.bakery.pk}/scans/import/").status_code == 200
    assert 'href="/companies/import/"' in page(world.client_for(world.alice).get("/companies/"))
    assert 'href="/companies/import/"' not in page(world.client_for(world.ondernemer).get("/companies/"))


def test_the_upload_is_protected_against_cross_site_requests(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.beheerder)
    response = client.post("/companies/import/", {"file": SimpleUploadedFile("a.csv", COMPANIES_NL)})
    assert response.status_code == 403 and not Company.objects.filter(name="Timmerbedrijf Aalders").exists()


# ---------------------------------------------------------------------------------------------------------------
# Fuzzing: any bytes give a report, never a crash


_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_CSV_TEXT = st.lists(
    st.sampled_from([*'abc;,\t"\n\r 12345?é\x00', "naam", "id", "kvk", "sbi", "l1.processen.1", "werknemers"])
).map("".join)


@_fuzz
@given(
    data=st.one_of(st.binary(max_size=2000), _CSV_TEXT.map(str.encode)),
    name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]),
)
def test_the_import_functions_take_any_bytes_and_answer_with_a_report(world, data, name):
    for report in (
        import_companies(user=world.beheerder, file_name=name, data=data, lang="en"),
        import_scans(user=world.beheerder, company=world.bakery, file_name=name, data=data, lang="nl"),
        import_scans(user=world.beheerder, company=None, file_name=name, data=data, lang="en"),
    ):
        assert isinstance(report, ImportReport)
        assert report.ok or (not report.created and all(e.message for e in report.errors))
