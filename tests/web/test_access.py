"""The permission table (docs/permissions.md), row by row, and 404 for every id-taking URL across organisations."""

from __future__ import annotations

import pytest
from django.core import mail

from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.models import Response

from .conftest import submitted_scan


def status(client, method: str, url: str, data: dict | None = None) -> int:
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def id_urls(world):
    """Every URL that takes an id, for organisation B's objects."""
    scan = submitted_scan(world.mill)
    from groeimodel.web.scans.services import start_scan

    draft = start_scan(company=world.mill, user=None)
    from groeimodel.web.initiatives.models import Initiative

    initiative = Initiative.objects.create(company=world.mill, title="Molen", description="Samen malen.", level=1)
    from django.utils import timezone

    from .conftest import make_company

    archived = make_company(world.org_b, "Gearchiveerde Molen", archived_at=timezone.now())
    from groeimodel.web.invitations.models import EmployeeRound

    EmployeeRound.objects.create(wave=scan.wave)
    wave = scan.wave_id
    from groeimodel.web.api.tokens import create_token

    token = create_token(user=world.bob, name="Bob's CRM").token
    return [
        ("get", f"/account/tokens/{token.pk}/revoke/"),
        ("post", f"/account/tokens/{token.pk}/revoke/"),
        ("get", f"/companies/{world.mill.pk}/"),
        ("get", f"/companies/{world.mill.pk}/edit/"),
        ("post", f"/companies/{world.mill.pk}/edit/"),
        ("post", f"/companies/{world.mill.pk}/scans/new/"),
        ("get", f"/companies/{world.mill.pk}/scans/import/"),
        ("post", f"/companies/{world.mill.pk}/scans/import/"),
        ("get", f"/scans/{draft.pk}/"),
        ("post", f"/scans/{draft.pk}/"),
        ("post", f"/scans/{draft.pk}/answer/"),
        ("get", f"/scans/{draft.pk}/review/"),
        ("post", f"/scans/{draft.pk}/submit/"),
        ("post", f"/scans/{draft.pk}/carry-over/"),
        ("get", f"/scans/{scan.pk}/result/"),
        ("get", f"/scans/{scan.pk}/report.pdf"),
        ("get", f"/scans/{scan.pk}/report.html"),
        ("post", f"/users/{world.bob.pk}/toggle-active/"),
        ("get", f"/companies/{world.mill.pk}/initiatives/new/"),
        ("post", f"/companies/{world.mill.pk}/initiatives/new/"),
        ("get", f"/initiatives/{initiative.pk}/"),
        ("get", f"/initiatives/{initiative.pk}/edit/"),
        ("post", f"/initiatives/{initiative.pk}/edit/"),
        ("get", f"/initiatives/{initiative.pk}/delete/"),
        ("post", f"/initiatives/{initiative.pk}/delete/"),
        ("get", f"/scans/{draft.pk}/delete/"),
        ("post", f"/scans/{draft.pk}/delete/"),
        ("get", f"/companies/{world.mill.pk}/archive/"),
        ("post", f"/companies/{world.mill.pk}/archive/"),
        ("get", f"/companies/{archived.pk}/restore/"),
        ("post", f"/companies/{archived.pk}/restore/"),
        ("get", f"/companies/{archived.pk}/delete/"),
        ("post", f"/companies/{archived.pk}/delete/"),
        ("get", f"/users/{world.bob.pk}/edit/"),
        ("post", f"/users/{world.bob.pk}/edit/"),
        ("post", f"/users/{world.bob.pk}/send-reset/"),
        ("get", f"/waves/{scan.wave_id}/growth/"),
        ("post", f"/waves/{scan.wave_id}/growth/"),
        ("get", f"/waves/{wave}/employees/"),
        ("post", f"/waves/{wave}/employees/open/"),
        ("get", f"/waves/{wave}/employees/close/"),
        ("post", f"/waves/{wave}/employees/close/"),
        ("get", f"/waves/{wave}/employees/print/"),
        ("post", f"/waves/{wave}/employees/send/"),
        ("get", f"/waves/{draft.wave_id}/employees/"),
        ("post", f"/waves/{draft.wave_id}/employees/open/"),
        ("post", f"/companies/{world.mill.pk}/export/"),
        ("post", f"/companies/{archived.pk}/export/"),
    ]


@pytest.mark.parametrize("persona", ["beheerder", "alice", "ondernemer", "analist"])
def test_it_answers_404_for_every_url_of_another_organisation(world, persona):
    client = world.client_for(getattr(world, persona))
    data = {
        "item": "l1.processen.1", "l1.processen.1": "3", "name": "Gearchiveerde Molen", "role": "analist",
        "first_name": "Boef", "date": "2026-01-01", "revenue": "1.000",
        "addresses": "boef@example.org", "language": "nl",
    }  # fmt: skip
    for method, url in id_urls(world):
        assert status(client, method, url, data) == 404, (method, url)
    world.mill.refresh_from_db()
    assert (
        Response.objects.filter(wave__company=world.mill).count() == 2
    )  # nothing was started, submitted or deleted on B's side
    assert world.mill.initiatives.count() == 1 and not world.mill.archived
    assert not world.mill.waves.filter(revenue__isnull=False).exists()  # no growth figures recorded
    from groeimodel.web.invitations.models import EmployeeRound

    assert list(EmployeeRound.objects.values_list("closed_at", flat=True)) == [None]  # not closed, none opened
    assert Company.objects.get(name="Gearchiveerde Molen").archived  # not restored, not deleted
    world.bob.refresh_from_db()
    assert world.bob.is_active and world.bob.first_name == "" and world.bob.membership.role == "adviseur"
    assert not mail.outbox and not AuditRecord.objects.exists()
    from groeimodel.web.api.models import ApiToken

    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()  # Bob's token still works


def test_a_beheerder_sees_all_companies_of_the_organisation(world):
    page = world.client_for(world.beheerder).get("/companies/").content.decode()
    assert all(name in page for name in ("Bakkerij Aaldering", "Garage Aarts", "Bloemist Abels"))
    assert "Molen Bakker" not in page


def test_an_adviseur_sees_only_the_companies_assigned_to_them(world):
    client = world.client_for(world.alice)
    page = client.get("/companies/").content.decode()
    assert "Bakkerij Aaldering" in page and "Garage Aarts" in page
    assert "Bloemist Abels" not in page
    assert client.get(f"/companies/{world.florist.pk}/").status_code == 404
    assert client.get(f"/companies/{world.garage.pk}/edit/").status_code == 200


def test_an_ondernemer_sees_only_their_own_company_and_cannot_edit_it(world):
    client = world.client_for(world.ondernemer)
    page = client.get("/companies/").content.decode()
    assert "Bakkerij Aaldering" in page and "Garage Aarts" not in page
    assert client.get(f"/companies/{world.bakery.pk}/").status_code == 200
    assert client.get(f"/companies/{world.garage.pk}/").status_code == 404
    assert client.get(f"/companies/{world.bakery.pk}/edit/").status_code == 404
    assert client.get("/companies/new/").status_code == 404


def test_an_ondernemer_can_run_the_scan_of_their_own_company(world):
    client = world.client_for(world.ondernemer)
    response = client.post(f"/companies/{world.bakery.pk}/scans/new/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_an_analist_never_sees_a_single_company_or_scan(world):
    scan = submitted_scan(world.bakery)
    client = world.client_for(world.analist)
    assert client.get("/companies/").status_code == 404
    assert client.get(f"/companies/{world.bakery.pk}/").status_code == 404
    assert client.get(f"/scans/{scan.pk}/result/").status_code == 404
    assert client.get("/").url == "/overview/"
    assert client.get("/overview/").status_code == 200


def test_only_a_beheerder_manages_users(world):
    assert world.client_for(world.beheerder).get("/users/").status_code == 200
    for persona in ("alice", "ondernemer", "analist"):
        client = world.client_for(getattr(world, persona))
        assert client.get("/users/").status_code == 404
        assert client.post(f"/users/{world.alice.pk}/toggle-active/").status_code == 404


def test_only_beheerder_and_analist_see_aggregates(world):
    assert world.client_for(world.beheerder).get("/overview/").status_code == 200
    assert world.client_for(world.alice).get("/overview/").status_code == 404
    assert world.client_for(world.ondernemer).get("/overview/").status_code == 404


def test_only_beheerder_and_analist_download_the_overviews_tables(world):
    url = "/overview/download/positions/csv/"
    assert world.client_for(world.beheerder).get(url).status_code == 200
    assert world.client_for(world.analist).get(url).status_code == 200
    for user in (world.alice, world.ondernemer, world.bob):
        assert world.client_for(user).get(url).status_code == 404


def test_only_the_beheerder_exports_the_wave_data(world):
    url = "/overview/wave-data/csv/?model=groeimodel"
    assert world.client_for(world.beheerder).get(url).status_code == 200
    for user in (world.analist, world.alice, world.ondernemer, world.bob):
        assert world.client_for(user).get(url).status_code == 404


def test_a_deactivated_user_is_logged_out_and_sees_nothing(world):
    client = world.client_for(world.alice)
    world.alice.is_active = False
    world.alice.save()
    response = client.get(f"/companies/{world.bakery.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for url in (
        "/companies/",
        f"/companies/{world.bakery.pk}/",
        "/users/",
        "/overview/",
        "/overview/means.csv",
        "/overview/downloads/",
        "/overview/download/means/sav/",
        "/overview/wave-data/csv/?model=groeimodel",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_overview_hides_small_groups_and_a_total_that_would_reveal_them(world):

    from .conftest import make_company

    for n in range(5):
        submitted_scan(make_company(world.org_a, f"Laag {n}"), value=1)  # position 0
    top = make_company(world.org_a, "Top")
    submitted_scan(top, value=5)  # position 4: a group of one
    page = world.client_for(world.analist).get("/overview/?by=size_class")
    table = page.context["tables"].positions
    assert table.column_totals[4] is None  # the firm of one
    assert table.column_totals[0] is None  # the five: with the total of 6 shown, 6 - 5 would give the one away
    assert table.total == 6
    # each company counts once, with its latest wave
    submitted_scan(top, value=1)
    table = world.client_for(world.analist).get("/overview/?by=size_class").context["tables"].positions
    assert table.column_totals[0] == 6 and table.total == 6


def test_only_beheerder_and_the_assigned_adviseur_archive_a_company(world):
    assert world.client_for(world.alice).get(f"/companies/{world.garage.pk}/archive/").status_code == 200
    assert world.client_for(world.beheerder).get(f"/companies/{world.florist.pk}/archive/").status_code == 200
    assert world.client_for(world.alice).post(f"/companies/{world.florist.pk}/archive/").status_code == 404
    for persona in ("ondernemer", "analist"):
        assert (
            world.client_for(getattr(world, persona)).post(f"/companies/{world.bakery.pk}/archive/").status_code == 404
        )
    world.bakery.refresh_from_db()
    world.florist.refresh_from_db()
    assert not world.bakery.archived and not world.florist.archived


def test_only_a_beheerder_restores_or_deletes_an_archived_company(world):
    from django.utils import timezone

    Company.objects.filter(pk=world.bakery.pk).update(archived_at=timezone.now())
    assert world.client_for(world.beheerder).get("/companies/archived/").status_code == 200
    for persona in ("alice", "ondernemer", "analist"):
        client = world.client_for(getattr(world, persona))
        assert client.get("/companies/archived/").status_code == 404
        assert client.post(f"/companies/{world.bakery.pk}/restore/").status_code == 404
        assert client.post(f"/companies/{world.bakery.pk}/delete/", {"name": world.bakery.name}).status_code == 404
    world.bakery.refresh_from_db()
    assert world.bakery.archived


def test_draft_scans_and_initiatives_are_deleted_by_those_who_may_fill_and_register_them(world):
    from groeimodel.web.initiatives.models import Initiative
    from groeimodel.web.scans.services import start_scan

    draft = start_scan(company=world.bakery, user=None)
    initiative = Initiative.objects.create(company=world.bakery, title="Bakken", description="Samen bakken.")
    florist_draft = start_scan(company=world.florist, user=None)
    for persona in ("beheerder", "alice", "ondernemer"):
        client = world.client_for(getattr(world, persona))
        assert client.get(f"/scans/{draft.pk}/delete/").status_code == 200, persona
        assert client.get(f"/initiatives/{initiative.pk}/delete/").status_code == 200, persona
    for persona in ("alice", "ondernemer", "analist"):
        assert world.client_for(getattr(world, persona)).post(f"/scans/{florist_draft.pk}/delete/").status_code == 404
    analist = world.client_for(world.analist)
    assert analist.post(f"/scans/{draft.pk}/delete/").status_code == 404
    assert analist.post(f"/initiatives/{initiative.pk}/delete/").status_code == 404
    assert (
        Response.objects.filter(wave__company=world.bakery).count() == 1
        and world.florist.waves.count() == 1
        and world.bakery.initiatives.count() == 1
    )
