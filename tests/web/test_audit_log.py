"""The audit log page (/audit/) for the beheerder, and that every create, change, submit, export and removal in
the app leaves a record there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.audit.services import record
from groeimodel.web.audit.views import PER_PAGE
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.services import model_of, save_answers

from .conftest import full_answers, submitted_scan


def trail() -> list[tuple[str, str, str, str]]:
    return [(r.actor_name, r.action, r.object_kind, r.label) for r in AuditRecord.objects.order_by("at", "pk")]


def rows(client: Any, query: str = "") -> list[tuple[str, str, str]]:
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200
    return [(r["record"].actor_name, r["record"].action, r["record"].label) for r in response.context["rows"]]


def test_the_beheerder_reads_the_records_of_their_own_organisation_only(world):
    record(actor=world.alice, organisation=world.org_a, action="update", object_kind="company",
           object_id=world.bakery.pk, label="Bakkerij Aaldering")  # fmt: skip
    record(actor=world.bob, organisation=world.org_b, action="update", object_kind="company",
           object_id=world.mill.pk, label="Molen Bakker")  # fmt: skip
    client = world.client_for(world.beheerder)
    assert rows(client) == [("alice", "update", "Bakkerij Aaldering")]
    page = client.get("/audit/").content.decode()
    assert "Molen Bakker" not in page and "bob" not in page
    assert 'href="/audit/"' in client.get("/companies/").content.decode()  # in the main menu


@pytest.mark.parametrize("persona", ["alice", "ondernemer", "analist", "bob"])
def test_every_other_role_gets_404_and_no_menu_entry(world, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get("/audit/").status_code == 404
    home = client.get("/", follow=True).content.decode()
    assert 'href="/audit/"' not in home


def test_the_log_filters_by_action_user_and_date(world):
    for actor, action in ((world.alice, "create"), (world.beheerder, "delete"), (world.alice, "export")):
        record(actor=actor, organisation=world.org_a, action=action, object_kind="company",
               object_id=world.bakery.pk, label=f"{action} by {actor.username}")  # fmt: skip
    old = AuditRecord.objects.get(action="create")
    AuditRecord.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    client = world.client_for(world.beheerder)
    assert rows(client, "?action=delete") == [("beheerder-a", "delete", "delete by beheerder-a")]
    assert [r[1] for r in rows(client, "?actor=alice")] == ["export", "create"]
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert [r[1] for r in rows(client, f"?date_from={since}")] == ["export", "delete"]
    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert [r[1] for r in rows(client, f"?date_to={until}&actor=alice")] == ["create"]
    assert rows(client, "?actor=alice&action=delete") == []


def test_a_bad_date_is_named_at_its_field(world):
    client = world.client_for(world.beheerder)
    response = client.get("/audit/?date_from=31-31-2026")
    assert response.status_code == 400
    assert response.context["form"].errors["date_from"]
    today = timezone.localdate()
    response = client.get(f"/audit/?date_from={today.isoformat()}&date_to={(today - timedelta(days=1)).isoformat()}")
    assert response.status_code == 400
    assert response.context["form"].errors["date_to"] == ["De einddatum ligt vóór de begindatum."]


def test_the_log_is_paginated_newest_first_with_the_same_number_of_queries(world, django_assert_num_queries):
    for n in range(PER_PAGE + 3):
        record(actor=world.alice, organisation=world.org_a, action="update", object_kind="company",
               object_id=world.bakery.pk, label=f"change {n}")  # fmt: skip
    client = world.client_for(world.beheerder)
    first = client.get("/audit/")
    assert len(first.context["rows"]) == PER_PAGE
    assert first.context["rows"][0]["record"].label == f"change {PER_PAGE + 2}"
    assert "?page=2" in first.content.decode().replace("&amp;", "&")
    assert [r[2] for r in rows(client, "?page=2")] == ["change 2", "change 1", "change 0"]
    with django_assert_num_queries(len(_queries(client, "/audit/?page=2"))):
        client.get("/audit/")


def _queries(client: Any, url: str) -> list[Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return list(ctx.captured_queries)


def test_every_create_change_submit_export_and_removal_in_the_app_is_recorded(world):
    alice = world.client_for(world.alice)
    company = {"name": "Drukkerij Aalbers", "sbi_section": "C", "employees": "8", "province": "GE", "kvk_number": ""}
    assert alice.post("/companies/new/", company).status_code == 302
    assert alice.post(f"/companies/{world.bakery.pk}/edit/", {
        "name": "Bakkerij Aaldering", "kvk_number": "12345678", "sbi_section": "C", "employees": "14",
        "province": "GE",
    }).status_code == 302  # fmt: skip
    scan_url = alice.post(f"/companies/{world.bakery.pk}/scans/new/")["Location"]
    scan_pk = int(scan_url.strip("/").split("/")[-1])
    from groeimodel.web.scans.models import Response

    scan = Response.objects.get(pk=scan_pk)
    save_answers(scan=scan, answers=full_answers(model_of(scan), 4))
    assert alice.post(f"/scans/{scan_pk}/submit/").status_code == 302
    assert alice.post(f"/waves/{scan.wave_id}/growth/", {"date": "2026-01-01", "revenue": "1.000"}).status_code == 302
    assert alice.post(f"/waves/{scan.wave_id}/employees/open/").status_code == 302
    token = EmployeeRound.objects.get(wave=scan.wave).token
    employee = world.client_for(world.analist)
    employee.logout()
    answers = {k: str(v) for k, v in full_answers(model_of(scan), 3).items()}
    employee.post(f"/e/{token}/", {**answers, "leads_people": "no"})
    assert alice.post(f"/waves/{scan.wave_id}/employees/close/").status_code == 302
    initiative = {
        "title": "Werkplaats",
        "description": "Samen met de gemeente een leerwerkplaats.",
        "status": "idea",
        "level_choice": "",
    }
    assert alice.post(f"/companies/{world.bakery.pk}/initiatives/new/", initiative).status_code == 302
    made = Initiative.objects.get(title="Werkplaats")
    assert alice.post(f"/initiatives/{made.pk}/edit/", {**initiative, "title": "Leerwerkplaats"}).status_code == 302
    assert alice.post(f"/companies/{world.bakery.pk}/export/").status_code == 200
    beheerder = world.client_for(world.beheerder)
    new_user = {"username": "carla", "password": "a-long-enough-password-1", "role": "adviseur"}
    assert beheerder.post("/users/", new_user).status_code == 302
    from django.contrib.auth import get_user_model

    carla = get_user_model().objects.get(username="carla")
    assert beheerder.post(f"/users/{carla.pk}/toggle-active/").status_code == 302

    assert trail() == [
        ("alice", "create", "company", "Drukkerij Aalbers"),
        ("alice", "update", "company", "Bakkerij Aaldering"),
        ("alice", "create", "scan", "Bakkerij Aaldering T0"),
        ("alice", "submit", "scan", "Bakkerij Aaldering T0"),
        ("alice", "update", "wave", "Bakkerij Aaldering T0"),
        ("alice", "open", "round", "Bakkerij Aaldering T0"),
        ("alice", "close", "round", "Bakkerij Aaldering T0"),  # the employee's answer is not recorded
        ("alice", "create", "initiative", "Werkplaats"),
        ("alice", "update", "initiative", "Leerwerkplaats"),
        ("alice", "export", "company", "Bakkerij Aaldering"),
        ("beheerder-a", "create", "user", "carla"),
        ("beheerder-a", "update", "user", "carla"),
    ]
    assert EmployeeRound.objects.get(wave=scan.wave).answered == 1  # the employee did answer


def test_work_without_a_signed_in_user_is_not_recorded(world):
    submitted_scan(world.bakery)  # services called with user=None, as the demo loader does
    assert not AuditRecord.objects.exists()
