"""Removing things: draft scans, initiatives, companies (archived, restored, deleted for good), each confirmed on
a page of its own, done only by POST and recorded in the audit log."""

from __future__ import annotations

import pytest

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.scans.models import Answer, Response
from groeimodel.web.scans.services import ScanError, delete_draft_scan, save_answers, start_scan

from .conftest import make_company, submitted_scan


def audit(kind: str, pk: int) -> list[tuple[str, str, str]]:
    return [
        (r.actor_name, r.action, r.label)
        for r in AuditRecord.objects.filter(object_kind=kind, object_id=pk).order_by("at", "pk")
    ]


def names_in_list(client) -> list[str]:
    return [row["company"].name for row in client.get("/companies/").context["rows"]]


def test_archiving_asks_first_and_a_get_changes_nothing(world):
    client = world.client_for(world.alice)
    page = client.get(f"/companies/{world.garage.pk}/archive/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Garage Aarts archiveren?" in html and 'method="post"' in html
    world.garage.refresh_from_db()
    assert not world.garage.archived and not AuditRecord.objects.exists()


def test_an_archived_company_is_hidden_from_lists_pages_and_selectors_and_the_archive_is_recorded(world):
    scan = submitted_scan(world.garage)
    client = world.client_for(world.alice)
    response = client.post(f"/companies/{world.garage.pk}/archive/")
    assert response.status_code == 302 and response["Location"] == "/companies/"
    assert names_in_list(client) == ["Bakkerij Aaldering"]
    assert client.get(f"/companies/{world.garage.pk}/").status_code == 404
    assert client.get(f"/scans/{scan.pk}/result/").status_code == 404
    assert "Garage Aarts" not in names_in_list(world.client_for(world.beheerder))
    assert audit("company", world.garage.pk) == [("alice", "archive", "Garage Aarts")]
    assert AuditRecord.objects.get().actor == world.alice and AuditRecord.objects.get().at is not None
    assert Response.objects.filter(pk=scan.pk).exists()  # its data is kept


def test_an_archived_company_no_longer_counts_in_the_overview(world):
    companies = [make_company(world.org_a, f"Laag {n}") for n in range(5)]
    for company in companies:
        submitted_scan(company, value=1)
    analist = world.client_for(world.analist)
    assert analist.get("/overview/").context["tables"].positions.total == 5
    world.client_for(world.beheerder).post(f"/companies/{companies[0].pk}/archive/")
    table = analist.get("/overview/").context["tables"].positions
    assert table.total is None  # four firms: too few to show
    assert table.column_totals[0] is None


def test_the_ondernemer_of_an_archived_company_sees_nothing_of_it(world):
    world.client_for(world.beheerder).post(f"/companies/{world.bakery.pk}/archive/")
    client = world.client_for(world.ondernemer)
    assert client.get(f"/companies/{world.bakery.pk}/").status_code == 404
    assert names_in_list(client) == []


def test_the_beheerder_restores_an_archived_company_from_the_archive(world):
    beheerder = world.client_for(world.beheerder)
    beheerder.post(f"/companies/{world.garage.pk}/archive/")
    archive = beheerder.get("/companies/archived/")
    assert [c.name for c in archive.context["companies"]] == ["Garage Aarts"]
    assert "beheerder-a" in archive.content.decode()  # who archived it
    assert beheerder.get(f"/companies/{world.garage.pk}/restore/").status_code == 200
    world.garage.refresh_from_db()
    assert world.garage.archived  # the confirmation page changes nothing
    response = beheerder.post(f"/companies/{world.garage.pk}/restore/")
    assert response.status_code == 302 and response["Location"] == f"/companies/{world.garage.pk}/"
    assert "Garage Aarts" in names_in_list(world.client_for(world.alice))
    assert list(beheerder.get("/companies/archived/").context["companies"]) == []
    assert [a for _, a, _ in audit("company", world.garage.pk)] == ["archive", "restore"]


def test_the_company_list_links_to_the_archive_for_the_beheerder_only(world):
    assert "/companies/archived/" in world.client_for(world.beheerder).get("/companies/").content.decode()
    assert "/companies/archived/" not in world.client_for(world.alice).get("/companies/").content.decode()


def test_deleting_for_good_needs_the_exact_name_and_removes_all_the_data(world):
    scan = submitted_scan(world.garage)
    draft = start_scan(company=world.garage, user=None)
    save_answers(scan=draft, answers={"l1.processen.1": 3})
    initiative = Initiative.objects.create(
        company=world.garage, title="Werkplaats", description="Samen leren.", investment=1000, annual_benefit=500
    )
    beheerder = world.client_for(world.beheerder)
    beheerder.post(f"/companies/{world.garage.pk}/archive/")
    page = beheerder.get(f"/companies/{world.garage.pk}/delete/").content.decode()
    assert "2 scans met hun antwoorden" in page and "1 initiatief met zijn businesscase" in page
    for wrong in ("", "garage aarts", "Garage Aarts "):
        response = beheerder.post(f"/companies/{world.garage.pk}/delete/", {"name": wrong})
        assert response.status_code == 400 and "name" in response.context["form"].errors, wrong
    assert Company.objects.filter(pk=world.garage.pk).exists()
    response = beheerder.post(f"/companies/{world.garage.pk}/delete/", {"name": "Garage Aarts"})
    assert response.status_code == 302 and response["Location"] == "/companies/archived/"
    assert not Company.objects.filter(pk=world.garage.pk).exists()
    assert not Response.objects.filter(pk__in=[scan.pk, draft.pk]).exists()
    assert not Answer.objects.filter(response_id__in=[scan.pk, draft.pk]).exists()
    assert not Initiative.objects.filter(pk=initiative.pk).exists()
    assert audit("company", world.garage.pk) == [
        ("beheerder-a", "archive", "Garage Aarts"), ("beheerder-a", "delete", "Garage Aarts"),
    ]  # fmt: skip


def test_a_company_that_is_not_archived_cannot_be_deleted_for_good(world):
    response = world.client_for(world.beheerder).post(f"/companies/{world.garage.pk}/delete/", {"name": "Garage Aarts"})
    assert response.status_code == 404
    assert Company.objects.filter(pk=world.garage.pk).exists()


def test_an_ondernemer_deletes_the_draft_scan_of_their_company_after_confirming(world):
    draft = start_scan(company=world.bakery, user=None)
    save_answers(scan=draft, answers={"l1.processen.1": 3})
    client = world.client_for(world.ondernemer)
    detail = client.get(f"/companies/{world.bakery.pk}/").content.decode()
    assert f"/scans/{draft.pk}/delete/" in detail
    assert client.get(f"/scans/{draft.pk}/delete/").status_code == 200
    assert Response.objects.filter(pk=draft.pk).exists()
    response = client.post(f"/scans/{draft.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/companies/{world.bakery.pk}/"
    assert (
        not Response.objects.filter(pk=draft.pk).exists() and not Answer.objects.filter(response_id=draft.pk).exists()
    )
    assert audit("scan", draft.pk) == [("ondernemer-a", "delete", "Bakkerij Aaldering T0")]


def test_a_submitted_scan_cannot_be_deleted(world):
    scan = submitted_scan(world.bakery)
    client = world.client_for(world.beheerder)
    assert f"/scans/{scan.pk}/delete/" not in client.get(f"/companies/{world.bakery.pk}/").content.decode()
    assert client.get(f"/scans/{scan.pk}/delete/").status_code == 404
    assert client.post(f"/scans/{scan.pk}/delete/").status_code == 404
    assert Response.objects.filter(pk=scan.pk).exists() and not AuditRecord.objects.exists()


def test_a_scan_submitted_while_the_confirmation_page_was_open_is_kept(world):
    draft = start_scan(company=world.bakery, user=None)
    Response.objects.filter(pk=draft.pk).update(status=Response.Status.SUBMITTED)
    with pytest.raises(ScanError):
        delete_draft_scan(user=world.beheerder, scan=draft)
    assert Response.objects.filter(pk=draft.pk).exists() and not AuditRecord.objects.exists()


def test_an_adviseur_deletes_an_initiative_after_confirming(world):
    initiative = Initiative.objects.create(company=world.garage, title="Werkplaats", description="Samen leren.")
    client = world.client_for(world.alice)
    assert f"/initiatives/{initiative.pk}/delete/" in client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert client.get(f"/initiatives/{initiative.pk}/delete/").status_code == 200
    assert Initiative.objects.filter(pk=initiative.pk).exists()
    response = client.post(f"/initiatives/{initiative.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/companies/{world.garage.pk}/"
    assert not Initiative.objects.filter(pk=initiative.pk).exists()
    assert audit("initiative", initiative.pk) == [("alice", "delete", "Werkplaats")]


def test_the_archive_page_needs_the_same_number_of_queries_for_one_or_many_companies(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    beheerder = world.client_for(world.beheerder)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert beheerder.get("/companies/archived/").status_code == 200
        return len(ctx.captured_queries)

    beheerder.post(f"/companies/{world.garage.pk}/archive/")
    one = queries()
    for n in range(4):
        beheerder.post(f"/companies/{make_company(world.org_a, f'Extra {n}').pk}/archive/")
    assert len(beheerder.get("/companies/archived/").context["companies"]) == 5
    assert queries() == one
