from __future__ import annotations

import pytest

from groeimodel.web.companies.models import Company, size_class

VALID = {
    "name": "Timmerbedrijf Aalders",
    "kvk_number": "87654321",
    "sbi_section": "F",
    "employees": "48",
    "province": "OV",
    "founding_year": "1999",
}


def test_an_adviseur_adds_a_company_and_is_assigned_to_it(world):
    client = world.client_for(world.alice)
    response = client.post("/companies/new/", VALID)
    company = Company.objects.get(name="Timmerbedrijf Aalders")
    assert response.status_code == 302 and response["Location"] == f"/companies/{company.pk}/"
    assert company.organisation == world.org_a
    assert company.size_class == "small"
    assert list(company.advisors.all()) == [world.alice]
    assert company.sbi_version.startswith("SBI 2008")


def test_a_beheerder_assigns_advisors_when_adding_a_company(world):
    client = world.client_for(world.beheerder)
    client.post("/companies/new/", {**VALID, "advisors": [world.alice.pk]})
    assert list(Company.objects.get(name=VALID["name"]).advisors.all()) == [world.alice]


def test_a_beheerder_cannot_assign_an_advisor_of_another_organisation(world):
    response = world.client_for(world.beheerder).post("/companies/new/", {**VALID, "advisors": [world.bob.pk]})
    assert response.status_code == 200
    assert "advisors" in response.context["form"].errors
    assert not Company.objects.filter(name=VALID["name"]).exists()


def test_a_wrong_kvk_number_is_explained_at_the_field_and_nothing_is_saved(world):
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "kvk_number": "1234567"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"kvk_number": ["Een KvK-nummer heeft precies 8 cijfers."]}
    assert not Company.objects.filter(name=VALID["name"]).exists()
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'id="id_kvk_number_error"' in html


def test_missing_required_fields_are_named(world):
    response = world.client_for(world.alice).post("/companies/new/", {})
    assert set(response.context["form"].errors) == {"name", "sbi_section", "employees", "province"}


def test_the_eu_size_class_follows_the_head_count():
    assert [size_class(n) for n in (1, 9, 10, 49, 50, 249, 250)] == [
        "micro", "micro", "small", "small", "medium", "medium", "large",
    ]  # fmt: skip


def test_editing_recomputes_the_size_class(world):
    client = world.client_for(world.alice)
    data = {**VALID, "name": world.garage.name, "employees": "8"}
    assert client.post(f"/companies/{world.garage.pk}/edit/", data).status_code == 302
    world.garage.refresh_from_db()
    assert (world.garage.employees, world.garage.size_class) == (8, "micro")


def test_the_list_searches_by_name_and_kvk_and_filters(world):
    client = world.client_for(world.beheerder)
    names = lambda r: [c.name for c in r.context["page"].object_list]  # noqa: E731
    assert names(client.get("/companies/?q=garage")) == ["Garage Aarts"]
    assert names(client.get("/companies/?q=1234")) == ["Bakkerij Aaldering"]
    assert names(client.get("/companies/?sbi_section=G")) == ["Bloemist Abels", "Garage Aarts"]
    assert names(client.get("/companies/?size_class=medium")) == ["Garage Aarts"]
    assert names(client.get("/companies/?province=UT")) == ["Garage Aarts"]


def test_the_company_page_shows_its_facts(world):
    page = world.client_for(world.alice).get(f"/companies/{world.bakery.pk}/").content.decode()
    assert "Bakkerij Aaldering" in page and "12345678" in page


def test_the_list_shows_each_companys_last_scan_position_next_step_and_advisor(world, django_assert_max_num_queries):
    from .conftest import submitted_scan

    submitted_scan(world.bakery, value=4)  # all 4s: level 1 (75) achieved, and every level above it too
    submitted_scan(world.garage, value=2)  # all 2s: 25, nothing achieved
    client = world.client_for(world.alice)
    with django_assert_max_num_queries(12):
        html = client.get("/companies/").content.decode()
    assert "4 – Maatschappelijke innovatie" in html  # the position with the level's name
    assert "0 – nog geen niveau bereikt" in html and "1 – Bedrijfsvoering optimaliseren" in html  # the garage
    assert html.count('class="advisors">alice') == 2
    from groeimodel import formats
    from groeimodel.web.scans.models import Response

    last = Response.objects.get(wave__company=world.bakery).submitted_at
    assert formats.date(last.date(), "nl") in html


def test_the_list_needs_the_same_number_of_queries_for_many_companies(world, django_assert_num_queries):
    from .conftest import make_company, submitted_scan

    client = world.client_for(world.beheerder)
    client.get("/companies/")  # warm up the session
    submitted_scan(world.bakery)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/companies/")
    for i in range(10):
        company = make_company(world.org_a, f"Extra {i}")
        company.advisors.add(world.alice)
        submitted_scan(company)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/companies/")


def test_an_ondernemer_lands_on_their_own_company(world):
    response = world.client_for(world.ondernemer).get("/")
    assert response.status_code == 302 and response["Location"] == f"/companies/{world.bakery.pk}/"
    assert world.client_for(world.alice).get("/")["Location"] == "/companies/"


def kvk_errors(response) -> list[str]:
    return response.context["form"].errors.get("kvk_number", [])


def test_a_second_company_with_the_same_kvk_number_is_refused_with_a_link_to_the_first(world):
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "kvk_number": "12345678"})
    assert response.status_code == 200
    assert kvk_errors(response) == [
        f'Dit KvK-nummer is al geregistreerd voor <a href="/companies/{world.bakery.pk}/">Bakkerij Aaldering</a>.'
    ]
    html = response.content.decode()
    assert f'<a href="/companies/{world.bakery.pk}/">Bakkerij Aaldering</a>' in html  # a link, not escaped text
    assert not Company.objects.filter(name=VALID["name"]).exists()


def test_the_existing_company_is_not_named_to_a_user_who_may_not_see_it(world):
    Company.objects.filter(pk=world.florist.pk).update(kvk_number="11112222")  # alice does not advise the florist
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "kvk_number": "11112222"})
    assert kvk_errors(response) == ["Dit KvK-nummer is al geregistreerd voor een ander bedrijf van uw organisatie."]
    assert "Bloemist Abels" not in response.content.decode()
    assert f"/companies/{world.florist.pk}/" not in response.content.decode()


def test_the_same_kvk_number_in_another_organisation_is_no_duplicate_and_is_not_revealed(world):
    response = world.client_for(world.bob).post("/companies/new/", {**VALID, "kvk_number": "12345678"})
    assert response.status_code == 302
    assert Company.objects.filter(kvk_number="12345678").count() == 2


def test_editing_a_company_to_another_ones_kvk_number_is_refused_but_keeping_its_own_is_fine(world):
    client = world.client_for(world.beheerder)
    data = {**VALID, "name": world.garage.name, "kvk_number": "12345678"}
    response = client.post(f"/companies/{world.garage.pk}/edit/", data)
    assert response.status_code == 200 and kvk_errors(response)
    world.garage.refresh_from_db()
    assert world.garage.kvk_number == ""
    own = {**VALID, "name": world.bakery.name, "kvk_number": "12345678"}
    assert client.post(f"/companies/{world.bakery.pk}/edit/", own).status_code == 302


def test_an_archived_company_counts_as_a_duplicate_and_the_beheerder_is_pointed_to_its_restore_page(world):
    from django.utils import timezone

    Company.objects.filter(pk=world.bakery.pk).update(archived_at=timezone.now())
    response = world.client_for(world.beheerder).post("/companies/new/", {**VALID, "kvk_number": "12345678"})
    (error,) = kvk_errors(response)
    assert "gearchiveerde bedrijf Bakkerij Aaldering" in error
    assert f'href="/companies/{world.bakery.pk}/restore/"' in error
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "kvk_number": "12345678"})
    assert kvk_errors(response) == [
        "Dit KvK-nummer hoort bij een gearchiveerd bedrijf van uw organisatie; de beheerder kan het herstellen."
    ]
    assert Company.objects.filter(kvk_number="12345678").count() == 1


def test_companies_without_a_kvk_number_are_no_duplicates(world):
    client = world.client_for(world.alice)
    assert client.post("/companies/new/", {**VALID, "kvk_number": ""}).status_code == 302
    assert client.post("/companies/new/", {**VALID, "name": "Tweede", "kvk_number": ""}).status_code == 302


def test_the_database_refuses_a_duplicate_kvk_number_in_one_organisation(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(
            organisation=world.org_a, name="Dubbel", kvk_number="12345678", sbi_section="C", employees=3,
            province="GE",
        )  # fmt: skip


def test_a_duplicate_that_wins_the_race_past_the_form_check_gets_the_same_field_message(world, monkeypatch):
    from groeimodel.web.companies.forms import CompanyForm

    # Another request saves the same number between this form's check and its insert.
    monkeypatch.setattr(CompanyForm, "clean_kvk_number", lambda self: self.cleaned_data["kvk_number"])
    client = world.client_for(world.alice)
    response = client.post("/companies/new/", {**VALID, "kvk_number": "12345678"})
    assert response.status_code == 200
    assert kvk_errors(response) == [
        f'Dit KvK-nummer is al geregistreerd voor <a href="/companies/{world.bakery.pk}/">Bakkerij Aaldering</a>.'
    ]
    assert not Company.objects.filter(name=VALID["name"]).exists()
    data = {**VALID, "name": world.garage.name, "kvk_number": "12345678"}
    response = client.post(f"/companies/{world.garage.pk}/edit/", data)
    assert response.status_code == 200 and kvk_errors(response)
    world.garage.refresh_from_db()
    assert world.garage.kvk_number == "" and world.garage.employees == 60
