from __future__ import annotations

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
    from groeimodel.web.scans.models import Scan

    last = Scan.objects.get(company=world.bakery).submitted_at
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
