"""The privacy export (everything about one company in a zip) and deleting a company with everything of it."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.invitations.services import answer_round
from groeimodel.web.scans.models import Response
from groeimodel.web.scans.services import model_of

from .conftest import full_answers, make_company, submitted_scan

FILES = {
    "README.txt", "company.json", "company.csv", "waves.csv", "scans.csv", "answers.csv", "scores.csv",
    "employees.csv", "initiatives.csv", "rounds.csv", "audit.csv",
}  # fmt: skip


def with_everything(company: Company, employees: int) -> tuple[Response, EmployeeRound, Initiative]:
    """A submitted scan, ``employees`` employees' answers through a round, and an initiative with a business case."""
    scan = submitted_scan(company, value=4)
    wave = scan.wave
    wave.revenue = Decimal("1250000.00")
    wave.save()
    round_ = EmployeeRound.objects.create(wave=wave)
    answers = full_answers(model_of(scan), 2)
    for _ in range(employees):
        answer_round(round_pk=round_.pk, answers=answers, leads_people=False)
    round_.refresh_from_db()
    initiative = Initiative.objects.create(
        company=company, title="Leerwerkplaats", description="Samen met scholen.", level=4,
        investment=Decimal("10000"), annual_benefit=Decimal("4000"), annual_cost=Decimal("500"), years=5,
    )  # fmt: skip
    return scan, round_, initiative


def export(client: Any, company: Company) -> zipfile.ZipFile:
    response = client.post(f"/companies/{company.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and ".zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_the_beheerder_exports_everything_about_a_company_as_json_and_csv_and_it_is_recorded(world):
    scan, round_, _initiative = with_everything(world.bakery, employees=5)
    archive = export(world.client_for(world.beheerder), world.bakery)
    assert set(archive.namelist()) == FILES
    document = json.loads(archive.read("company.json"))
    assert document["company"]["name"] == "Bakkerij Aaldering" and document["company"]["kvk_number"] == "12345678"
    assert document["company"]["advisors"] == ["alice"]
    [wave] = document["waves"]
    assert wave["label"] == "T0" and wave["revenue"] == 1250000.0
    [owner] = wave["scans"]  # the owner's scan only: employees' responses are not listed one by one
    assert owner["id"] == scan.pk and owner["status"] == "submitted"
    assert owner["answers"] == {a.item_id: a.value for a in scan.answers.all()} and len(owner["answers"]) > 40
    assert {s["level"] for s in owner["scores"]} == {1, 2, 3, 4} and owner["result"]["position"] == scan.position
    employees = wave["employees"]
    assert employees["answered"] == 5 and employees["shown"] is True
    assert all(agg["n"] == 5 and agg["mean"] == 25.0 for agg in employees["blocks"].values())
    [round_row] = wave["employee_rounds"]
    assert round_row["answered"] == 5 and "token" not in round_row
    [case] = document["initiatives"]
    assert case["title"] == "Leerwerkplaats" and case["business_case"]["payback_years"] is not None
    # the CSV files hold the same rows
    assert [r["id"] for r in read_csv(archive, "scans.csv")] == [str(scan.pk)]
    assert len(read_csv(archive, "answers.csv")) == len(owner["answers"])
    assert {r["scan"] for r in read_csv(archive, "scores.csv")} == {str(scan.pk)}
    assert read_csv(archive, "initiatives.csv")[0]["npv"] != ""
    assert read_csv(archive, "employees.csv")[0]["n"] == "5"
    # no token, no employee's response anywhere in the zip
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert round_.token not in everything
    for employee in Response.objects.filter(wave=scan.wave, respondent="employee"):
        assert f'"id": {employee.pk},' not in everything
    records = AuditRecord.objects.filter(action="export", object_kind="company", object_id=world.bakery.pk)
    assert [(r.actor_name, r.label) for r in records] == [("beheerder-a", "Bakkerij Aaldering")]


def test_below_the_minimum_the_export_holds_only_how_many_employees_answered(world):
    with_everything(world.bakery, employees=4)
    document = json.loads(export(world.client_for(world.beheerder), world.bakery).read("company.json"))
    employees = document["waves"][0]["employees"]
    assert employees == {"answered": 4, "minimum_shown": 5, "shown": False, "blocks": {}, "levels": {}}


def test_the_export_lists_the_audit_records_about_the_company(world):
    client = world.client_for(world.alice)
    client.post(f"/companies/{world.bakery.pk}/edit/", {
        "name": "Bakkerij Aaldering", "kvk_number": "12345678", "sbi_section": "C", "employees": "13",
        "province": "GE",
    })  # fmt: skip
    client.post(f"/companies/{world.bakery.pk}/scans/new/")
    document = json.loads(export(client, world.bakery).read("company.json"))
    assert [(r["actor"], r["action"], r["object_kind"]) for r in document["audit"]] == [
        ("alice", "update", "company"),
        ("alice", "create", "scan"),
    ]
    assert json.loads(export(client, world.garage).read("company.json"))["audit"] == []


def test_the_assigned_adviseur_and_the_firms_own_ondernemer_export_it_and_nobody_else(world):
    assert export(world.client_for(world.alice), world.bakery).namelist()
    assert export(world.client_for(world.ondernemer), world.bakery).namelist()
    assert world.client_for(world.alice).post(f"/companies/{world.florist.pk}/export/").status_code == 404
    assert world.client_for(world.ondernemer).post(f"/companies/{world.garage.pk}/export/").status_code == 404
    assert world.client_for(world.analist).post(f"/companies/{world.bakery.pk}/export/").status_code == 404
    assert world.client_for(world.bob).post(f"/companies/{world.bakery.pk}/export/").status_code == 404
    assert not AuditRecord.objects.filter(object_id=world.florist.pk).exists()


def test_the_export_is_a_post_from_a_button_on_the_company_page(world):
    client = world.client_for(world.ondernemer)
    page = client.get(f"/companies/{world.bakery.pk}/").content.decode()
    assert f'action="/companies/{world.bakery.pk}/export/"' in page
    assert client.get(f"/companies/{world.bakery.pk}/export/").status_code == 405
    assert not AuditRecord.objects.exists()


def test_the_beheerder_exports_an_archived_company_from_the_archive_before_deleting_it(world):
    world.garage.archived_at = timezone.now()
    world.garage.save()
    client = world.client_for(world.beheerder)
    assert f'action="/companies/{world.garage.pk}/export/"' in client.get("/companies/archived/").content.decode()
    assert json.loads(export(client, world.garage).read("company.json"))["company"]["archived_at"] is not None
    assert world.client_for(world.alice).post(f"/companies/{world.garage.pk}/export/").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_as_a_formula_are_neutralised(world):
    sly = make_company(world.org_a, '=HYPERLINK("http://evil.example","klik")')
    Initiative.objects.create(company=sly, title="+SUM(A1)", description="-1+2", level=1)
    archive = export(world.client_for(world.beheerder), sly)
    assert read_csv(archive, "company.csv")[0]["name"] == "'" + sly.name
    row = read_csv(archive, "initiatives.csv")[0]
    assert row["title"] == "'+SUM(A1)" and row["description"] == "'-1+2"
    assert json.loads(archive.read("company.json"))["company"]["name"] == sly.name  # JSON keeps the value


def model_path_to_company(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to the company it belongs to, through foreign keys (``response__wave__company``),
    found by walking every forward foreign key; None when the model does not belong to a company."""
    seen: set[type[models.Model]] = set()
    queue: list[tuple[type[models.Model], str]] = [(model, "")]
    while queue:
        current, path = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        for field in current._meta.get_fields():
            if not (field.is_relation and field.many_to_one and field.concrete) or field.related_model is None:
                continue
            lookup = f"{path}__{field.name}" if path else field.name
            if field.related_model is Company:
                return lookup
            queue.append((field.related_model, lookup))  # type: ignore[arg-type]
    return None


def test_deleting_a_company_leaves_no_row_anywhere_that_belongs_to_it(world):
    with_everything(world.bakery, employees=6)
    with_everything(world.garage, employees=6)  # a neighbour whose rows must all stay
    start_client = world.client_for(world.alice)
    start_client.post(f"/companies/{world.bakery.pk}/scans/new/")  # a draft in a second wave
    belonging = {}
    for model in apps.get_models(include_auto_created=True):
        path = model_path_to_company(model)
        if path is not None and model is not Company:
            belonging[model] = (path, set(model.objects.filter(**{path: world.bakery.pk}).values_list("pk", flat=True)))
    populated = {m._meta.label for m, (_path, pks) in belonging.items() if pks}
    expected = {
        "scans.Wave", "scans.Response", "scans.Answer", "scans.ScoreRow", "initiatives.Initiative",
        "invitations.EmployeeRound", "accounts.Membership", "companies.Company_advisors",
    }  # fmt: skip
    assert expected <= populated  # the walk found every kind of row the company has
    neighbours = {m: m.objects.filter(**{p: world.garage.pk}).count() for m, (p, _pks) in belonging.items()}

    world.bakery.archived_at = timezone.now()
    world.bakery.save()
    client = world.client_for(world.beheerder)
    assert client.post(f"/companies/{world.bakery.pk}/delete/", {"name": "Bakkerij Aaldering"}).status_code == 302

    assert not Company.objects.filter(pk=world.bakery.pk).exists()
    for model, (path, pks) in belonging.items():
        assert not model.objects.filter(**{path: world.bakery.pk}).exists(), model._meta.label
        field = model._meta.get_field(path.split("__")[0])
        if getattr(field.remote_field, "on_delete", None) is models.SET_NULL:  # the ondernemer stays, companyless
            assert model.objects.filter(pk__in=pks).count() == len(pks)
        else:
            assert not model.objects.filter(pk__in=pks).exists(), model._meta.label
    assert {m: m.objects.filter(**{p: world.garage.pk}).count() for m, (p, _pks) in belonging.items()} == neighbours
    world.ondernemer.membership.refresh_from_db()
    assert world.ondernemer.membership.company_id is None


def test_the_record_of_a_deletion_keeps_the_name_and_kvk_number_only(world):
    submitted_scan(world.bakery)
    world.bakery.archived_at = timezone.now()
    world.bakery.save()
    world.client_for(world.beheerder).post(f"/companies/{world.bakery.pk}/delete/", {"name": "Bakkerij Aaldering"})
    [deleted] = AuditRecord.objects.filter(action="delete", object_kind="company")
    assert (deleted.actor_name, deleted.object_id, deleted.label) == (
        "beheerder-a",
        world.bakery.pk,
        "Bakkerij Aaldering (KvK 12345678)",
    )


@pytest.mark.parametrize("employees", [0, 12])
def test_the_export_needs_the_same_number_of_queries_for_few_or_many_employees(
    world, employees, django_assert_max_num_queries
):
    with_everything(world.bakery, employees=employees)
    client = world.client_for(world.beheerder)
    with django_assert_max_num_queries(40):
        export(client, world.bakery)
