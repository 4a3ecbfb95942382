"""Imports through the API: the web app's import functions behind three operations, all or nothing, with every
problem named by row and column in the API's error shape."""

from __future__ import annotations

from typing import Any

import pytest

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Response, ScoreRow

from .api_client import ApiClient, Upload, assert_error
from .test_imports import COMPANIES_NL, wave_csv, xlsx

pytestmark = pytest.mark.django_db


def api_for(world: Any, who: str, language: str | None = None) -> ApiClient:
    return ApiClient(getattr(world, who), language=language)


def test_the_beheerder_imports_companies_and_gets_their_ids(world):
    response = api_for(world, "beheerder").post("/api/v1/imports/companies", Upload("bedrijven.csv", COMPANIES_NL))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "companies" and body["rows"] == 2
    made = Company.objects.filter(pk__in=body["created"]).order_by("pk")
    assert [(c.name, c.organisation_id, c.province) for c in made] == [
        ("Timmerbedrijf Aalders", world.org_a.pk, "OV"),
        ("Drukkerij Baas", world.org_a.pk, "GE"),
    ]
    assert AuditRecord.objects.filter(action="import", object_kind="company").count() == 2


def test_an_xlsx_of_companies_is_imported_by_an_adviseur(world):
    data = xlsx([["name", "kvk number", "sbi section", "employees", "province"], ["Smederij Vos", "", "C", 12, "UT"]])
    response = api_for(world, "alice").post("/api/v1/imports/companies", Upload("companies.xlsx", data))
    assert response.status_code == 201, response.content
    assert Company.objects.get(pk=response.json()["created"][0]).advisors.filter(pk=world.alice.pk).exists()


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row_and_column(world):
    before = Company.objects.count()
    data = b"name,kvk,sbi,employees,province\nGoed Bedrijf,99887766,C,10,UT\nVeel Mensen,,C,veel,UT\nNergens,,C,5,XX\n"
    response = api_for(world, "beheerder", "en").post("/api/v1/imports/companies", Upload("fout.csv", data))
    body = assert_error(response, 422)
    assert body["detail"] == "The file has problems; nothing was imported."
    assert {e["field"] for e in body["errors"]} == {"row 3: employees", "row 4: province"}
    assert Company.objects.count() == before and not AuditRecord.objects.filter(action="import").exists()


def test_a_file_that_is_not_a_table_is_named_as_the_file(world):
    body = assert_error(
        api_for(world, "beheerder").post("/api/v1/imports/companies", Upload("bedrijven.pdf", b"%PDF-1.4")), 422
    )
    assert [e["field"] for e in body["errors"]] == ["file"]


def test_a_file_over_the_size_limit_is_refused_with_413(world, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = COMPANIES_NL + b"Bakkerij X;;C;5;UT;\n" * 100
    body = assert_error(api_for(world, "beheerder").post("/api/v1/imports/companies", Upload("groot.csv", data)), 413)
    assert body["errors"][0]["field"] == "file"
    assert not Company.objects.filter(name="Bakkerij X").exists()


def test_a_wave_file_for_a_company_submits_and_scores_each_row(world):
    api = api_for(world, "alice")
    data = wave_csv([("t0", 2), ("t1", 4)])
    response = api.post(f"/api/v1/imports/companies/{world.garage.pk}/scans", Upload("golf.csv", data))
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    scans = list(Response.objects.filter(pk__in=created).order_by("wave__number"))
    assert [(s.wave.company_id, s.wave.number, s.status) for s in scans] == [
        (world.garage.pk, 0, "submitted"),
        (world.garage.pk, 1, "submitted"),
    ]
    assert ScoreRow.objects.filter(response__in=scans, block="").count() == 2 * 4
    result = api.get(f"/api/v1/responses/{created[1]}").json()
    assert result["status"] == "submitted"


def test_scans_of_several_companies_are_named_by_kvk_number(world):
    world.garage.kvk_number = "12121212"
    world.garage.save()
    data = wave_csv([("12121212", 3), ("99999999", 3)])
    body = assert_error(api_for(world, "beheerder").post("/api/v1/imports/scans", Upload("golf.csv", data)), 422)
    assert [e["field"] for e in body["errors"]] == ["row 3: id"]
    assert not Response.objects.filter(wave__company=world.garage).exists()
    data = wave_csv([("12121212", 3)])
    response = api_for(world, "beheerder").post("/api/v1/imports/scans", Upload("golf.csv", data))
    assert response.status_code == 201, response.content
    assert Response.objects.get(pk=response.json()["created"][0]).wave.company_id == world.garage.pk


@pytest.mark.parametrize("who", ["analist", "ondernemer"])
def test_roles_that_may_not_add_companies_get_404_for_the_company_import(world, who):
    assert_error(api_for(world, who).post("/api/v1/imports/companies", Upload("b.csv", COMPANIES_NL)), 404)
    assert_error(api_for(world, who).post("/api/v1/imports/scans", Upload("g.csv", wave_csv([("x", 3)]))), 404)
    assert not Company.objects.filter(name="Timmerbedrijf Aalders").exists()


def test_the_analist_may_not_import_scans_for_a_company(world):
    url = f"/api/v1/imports/companies/{world.garage.pk}/scans"
    assert_error(api_for(world, "analist").post(url, Upload("golf.csv", wave_csv([("t0", 3)]))), 404)
    assert not Response.objects.filter(wave__company=world.garage).exists()
