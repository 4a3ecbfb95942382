"""The REST API: every endpoint for every role, other organisations' ids as 404, errors in one shape."""

from __future__ import annotations

import re
from typing import Any

import pytest

from groeimodel.model import load_model
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.models import Answer, Response, Wave
from groeimodel.web.scans.services import start_scan

from .api_client import ApiClient, Upload, assert_error
from .conftest import full_answers, make_company, submitted_scan

ROLES = ["beheerder", "alice", "ondernemer", "analist"]
SEE_COMPANIES = {"beheerder", "alice", "ondernemer"}
EDIT_COMPANIES = {"beheerder", "alice"}
AGGREGATES = {"beheerder", "analist"}


def api_for(world: Any, who: str, language: str | None = None) -> ApiClient:
    return ApiClient(getattr(world, who), language=language)


def answers(value: int = 4) -> dict[str, int | None]:
    return full_answers(load_model(), value)


# --- models and questionnaires ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_every_role_lists_the_models_and_reads_a_questionnaire(world, who):
    api = api_for(world, who)
    models = api.get("/api/v1/models").json()
    assert {m["id"] for m in models} == {"groeimodel", "mkb-2011"}
    q = api.get("/api/v1/models/groeimodel/questionnaire").json()
    items = [i for lv in q["levels"] for b in lv["blocks"] for i in b["items"]]
    assert len(items) == 60 and q["model_version"] == models[0]["version"]


def test_the_questionnaire_is_dutch_by_default_and_english_on_request(world):
    nl = api_for(world, "alice").get("/api/v1/models/groeimodel/questionnaire").json()
    en = api_for(world, "alice", language="en-GB,en;q=0.9").get("/api/v1/models/groeimodel/questionnaire").json()
    model = load_model()
    assert nl["levels"][0]["name"] == model.levels[0].name.nl
    assert en["levels"][0]["name"] == model.levels[0].name.en != nl["levels"][0]["name"]
    first = model.items[0]
    employee = api_for(world, "alice").get("/api/v1/models/groeimodel/questionnaire?respondent=employee").json()
    assert employee["levels"][0]["blocks"][0]["items"][0]["text"] == first.text_for("employee").nl


def test_an_older_model_version_is_readable_and_an_unknown_one_is_404(world):
    api = api_for(world, "alice")
    assert api.get("/api/v1/models/groeimodel/questionnaire?version=1.0.0").json()["model_version"] == "1.0.0"
    assert_error(api.get("/api/v1/models/groeimodel/questionnaire?version=9.9.9"), 404)
    assert_error(api.get("/api/v1/models/../../etc/questionnaire"), 404)
    assert_error(api.get("/api/v1/models/nope/questionnaire"), 404)


# --- companies ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("beheerder", ["Bakkerij Aaldering", "Bloemist Abels", "Garage Aarts"]),
        ("alice", ["Bakkerij Aaldering", "Garage Aarts"]),
        ("ondernemer", ["Bakkerij Aaldering"]),
    ],
)
def test_each_role_lists_exactly_the_companies_in_its_reach(world, who, names):
    body = api_for(world, who).get("/api/v1/companies").json()
    assert [c["name"] for c in body["items"]] == names
    assert body["total"] == len(names)


def test_the_analist_may_not_list_companies(world):
    assert_error(api_for(world, "analist").get("/api/v1/companies"), 403)


def test_the_company_list_filters_and_pages(world):
    api = api_for(world, "beheerder")
    assert [c["name"] for c in api.get("/api/v1/companies?sbi_section=G").json()["items"]] == [
        "Bloemist Abels",
        "Garage Aarts",
    ]
    assert [c["name"] for c in api.get("/api/v1/companies?q=garage").json()["items"]] == ["Garage Aarts"]
    assert [c["name"] for c in api.get("/api/v1/companies?q=1234").json()["items"]] == ["Bakkerij Aaldering"]
    assert api.get("/api/v1/companies?size_class=medium").json()["total"] == 1
    assert api.get("/api/v1/companies?province=UT").json()["items"][0]["name"] == "Garage Aarts"
    page = api.get("/api/v1/companies?limit=1&offset=1").json()
    assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == 1
    assert [c["name"] for c in page["items"]] == ["Bloemist Abels"]
    body = assert_error(api.get("/api/v1/companies?limit=0&province=XX"), 422)
    assert {e["field"] for e in body["errors"]} == {"limit", "province"}


NEW_COMPANY = {"name": "Drukkerij Nieuw", "kvk_number": "87654321", "sbi_section": "C", "employees": 8,
               "province": "NH"}  # fmt: skip


@pytest.mark.parametrize("who", ["beheerder", "alice"])
def test_a_beheerder_and_an_adviseur_add_a_company(world, who):
    response = api_for(world, who).post("/api/v1/companies", NEW_COMPANY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["size_class"] == "micro" and body["name"] == "Drukkerij Nieuw"
    company = Company.objects.get(pk=body["id"])
    assert company.organisation == world.org_a
    if who == "alice":
        assert list(company.advisors.all()) == [world.alice]


@pytest.mark.parametrize("who", ["ondernemer", "analist"])
def test_an_ondernemer_and_an_analist_may_not_add_a_company(world, who):
    assert_error(api_for(world, who).post("/api/v1/companies", NEW_COMPANY), 403)
    assert not Company.objects.filter(name="Drukkerij Nieuw").exists()


def test_a_bad_company_names_each_field_and_stores_nothing(world):
    api = api_for(world, "beheerder")
    body = assert_error(api.post("/api/v1/companies", {**NEW_COMPANY, "kvk_number": "12", "employees": -1}), 422)
    assert {e["field"] for e in body["errors"]} == {"employees"}
    body = assert_error(api.post("/api/v1/companies", {**NEW_COMPANY, "kvk_number": "12"}), 422)
    assert [e["field"] for e in body["errors"]] == ["kvk_number"]
    body = assert_error(api.post("/api/v1/companies", {**NEW_COMPANY, "kvk_number": "12345678"}), 422)
    assert body["errors"][0]["field"] == "kvk_number" and "<a" not in body["errors"][0]["message"]
    assert (
        assert_error(api.post("/api/v1/companies", "{not json"), 400)["detail"]
        == "De inhoud van het verzoek is geen geldige JSON."
    )
    assert not Company.objects.filter(name="Drukkerij Nieuw").exists()


def test_only_the_beheerder_assigns_advisors(world):
    body = assert_error(api_for(world, "alice").post("/api/v1/companies", {**NEW_COMPANY, "advisors": [1]}), 422)
    assert body["errors"][0]["field"] == "advisors"
    created = api_for(world, "beheerder").post("/api/v1/companies", {**NEW_COMPANY, "advisors": [world.alice.pk]})
    assert [a["id"] for a in created.json()["advisors"]] == [world.alice.pk]


@pytest.mark.parametrize("who", ROLES)
def test_reading_a_company_follows_the_web_apps_rules(world, who):
    response = api_for(world, who).get(f"/api/v1/companies/{world.bakery.pk}")
    if who in SEE_COMPANIES:
        assert response.json()["name"] == "Bakkerij Aaldering"
    else:
        assert_error(response, 404)
    if who in ("alice", "ondernemer"):
        assert_error(api_for(world, who).get(f"/api/v1/companies/{world.florist.pk}"), 404)


@pytest.mark.parametrize("who", ROLES)
def test_changing_a_company_is_for_the_beheerder_and_its_adviseur(world, who):
    response = api_for(world, who).patch(f"/api/v1/companies/{world.bakery.pk}", {"employees": 300})
    world.bakery.refresh_from_db()
    if who in EDIT_COMPANIES:
        assert response.status_code == 200 and response.json()["size_class"] == "large"
        assert world.bakery.employees == 300 and world.bakery.kvk_number == "12345678"
    else:
        assert_error(response, 404)
        assert world.bakery.employees == 12


def test_a_bad_change_names_the_field_and_changes_nothing(world):
    api = api_for(world, "beheerder")
    body = assert_error(api.patch(f"/api/v1/companies/{world.bakery.pk}", {"name": None, "employees": 5}), 422)
    assert body["errors"][0]["field"] == "name"
    body = assert_error(api.patch(f"/api/v1/companies/{world.garage.pk}", {"kvk_number": "12345678"}), 422)
    assert body["errors"][0]["field"] == "kvk_number"
    world.bakery.refresh_from_db()
    assert world.bakery.employees == 12


@pytest.mark.parametrize("who", ROLES)
def test_archiving_a_company_hides_it(world, who):
    api = api_for(world, who)
    response = api.post(f"/api/v1/companies/{world.garage.pk}/archive")
    world.garage.refresh_from_db()
    if who in EDIT_COMPANIES:
        assert response.status_code == 200 and response.json()["archived_at"]
        assert world.garage.archived
        assert_error(api.get(f"/api/v1/companies/{world.garage.pk}"), 404)
    else:
        assert_error(response, 404)
        assert not world.garage.archived


# --- waves and responses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_a_wave_with_all_answers_is_submitted_and_scored(world, who):
    api = api_for(world, who)
    response = api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": answers(5), "date": "2026-03-01"})
    if who not in SEE_COMPANIES:
        assert_error(response, 404)
        assert not Wave.objects.exists()
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["wave"] == "T0" and body["answered"] == 60
    assert body["result"]["position"] == 4 and body["missing"] == []
    assert Wave.objects.get(pk=body["wave_id"]).date.isoformat() == "2026-03-01"
    again = api.get(f"/api/v1/responses/{body['id']}").json()
    assert again["result"] == body["result"]
    wave = api.get(f"/api/v1/waves/{body['wave_id']}").json()
    assert wave["response_id"] == body["id"] and wave["position"] == 4
    assert [w["label"] for w in api.get(f"/api/v1/companies/{world.bakery.pk}/waves").json()] == ["T0"]


def test_the_result_is_in_the_language_asked_for(world):
    scan = submitted_scan(world.bakery, value=3)
    nl = api_for(world, "alice").get(f"/api/v1/responses/{scan.pk}").json()["result"]
    en = api_for(world, "alice", language="en").get(f"/api/v1/responses/{scan.pk}").json()["result"]
    model = load_model()
    assert nl["levels"][0]["name"] == model.levels[0].name.nl and en["levels"][0]["name"] == model.levels[0].name.en
    assert nl["advice"] and nl["advice"][0]["text"] != en["advice"][0]["text"]


def test_bad_answers_name_each_statement_and_store_nothing(world):
    api = api_for(world, "alice")
    url = f"/api/v1/companies/{world.bakery.pk}/waves"
    body = assert_error(api.post(url, {"answers": {**answers(), "1x-nope": 3}}), 422)
    assert body["errors"] == [{"field": "answers.1x-nope", "message": body["errors"][0]["message"]}]
    first = load_model().items[0].id
    body = assert_error(api.post(url, {"answers": {**answers(), first: 7}}), 422)
    assert {e["field"] for e in body["errors"]} >= {f"answers.{first}"}
    partial = dict(list(answers().items())[:10])
    body = assert_error(api.post(url, {"answers": partial}), 422)
    assert len(body["errors"]) == 50 and all(e["field"].startswith("answers.") for e in body["errors"])
    assert_error(api.post(url, {"model": "nope", "answers": answers()}), 422)
    assert not Wave.objects.exists() and not Answer.objects.exists()


def test_a_draft_is_kept_filled_in_and_submitted(world):
    api = api_for(world, "ondernemer")
    all_answers = answers(2)
    items = list(all_answers)
    draft = api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": {items[0]: 2}, "submit": False}).json()
    assert draft["status"] == "draft" and draft["result"] is None and len(draft["missing"]) == 59
    assert_error(api.post(f"/api/v1/companies/{world.bakery.pk}/waves", {"answers": all_answers}), 409)
    assert_error(api.post(f"/api/v1/responses/{draft['id']}/submit"), 422)
    saved = api.put(f"/api/v1/responses/{draft['id']}/answers", {"answers": all_answers}).json()
    assert saved["missing"] == []
    done = api.post(f"/api/v1/responses/{draft['id']}/submit").json()
    assert done["status"] == "submitted" and done["result"]["position"] == 0
    assert_error(api.post(f"/api/v1/responses/{draft['id']}/submit"), 409)
    assert_error(api.put(f"/api/v1/responses/{draft['id']}/answers", {"answers": {items[0]: 5}}), 409)
    assert Answer.objects.get(response_id=draft["id"], item_id=items[0]).value == 2


def test_the_analist_cannot_read_a_response(world):
    scan = submitted_scan(world.bakery)
    assert_error(api_for(world, "analist").get(f"/api/v1/responses/{scan.pk}"), 404)
    assert_error(api_for(world, "analist").get(f"/api/v1/waves/{scan.wave_id}"), 404)


@pytest.mark.parametrize("who", ROLES)
def test_the_benchmark_of_a_wave(world, who):
    scan = submitted_scan(world.bakery)
    response = api_for(world, who).get(f"/api/v1/waves/{scan.wave_id}/benchmark")
    if who not in SEE_COMPANIES:
        assert_error(response, 404)
        return
    body = response.json()
    assert body["group_size"] == 0 and body["minimum"] == 5
    draft = start_scan(company=world.garage, user=None)
    if who != "ondernemer":
        assert_error(api_for(world, who).get(f"/api/v1/waves/{draft.wave_id}/benchmark"), 409)


def test_the_benchmark_shows_the_peers_distribution_from_five_peers(world):
    for i in range(5):
        submitted_scan(make_company(world.org_a, f"Peer {i}"), value=2 + i % 3)
    scan = submitted_scan(world.bakery, value=4)
    body = api_for(world, "beheerder").get(f"/api/v1/waves/{scan.wave_id}/benchmark").json()
    assert body["group_size"] >= 5
    assert all(lv["distribution"] is not None and lv["peers"] >= 5 for lv in body["levels"])


# --- employee rounds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_an_employee_round_is_opened_counted_and_closed(world, who):
    scan = submitted_scan(world.bakery)
    api = api_for(world, who)
    base = f"/api/v1/waves/{scan.wave_id}/employee-round"
    if who not in SEE_COMPANIES:
        for method, url in [("get", base), ("post", f"{base}/open"), ("post", f"{base}/close")]:
            assert_error(api.request(method, url), 404)
        assert not EmployeeRound.objects.exists()
        return
    assert api.get(base).json()["open"] is False
    opened = api.post(f"{base}/open").json()
    token = EmployeeRound.objects.get().token
    assert opened["open"] is True and opened["link"].endswith(f"/e/{token}/") and opened["answered"] == 0
    assert set(opened) == {"wave_id", "open", "link", "opened_at", "closed_at", "answered", "answered_in_wave",
                           "shown_from"}  # fmt: skip
    assert api.post(f"{base}/open").json()["link"] == opened["link"]  # the open round, not a second one
    closed = api.post(f"{base}/close").json()
    assert closed["open"] is False and closed["link"] is None and closed["closed_at"]
    assert_error(api.post(f"{base}/close"), 409)


# --- initiatives -----------------------------------------------------------------------------------------------

INITIATIVE = {
    "title": "Leerwerkplaats",
    "description": "Samen met de gemeente en twee scholen zetten we een leerwerkplaats op voor jongeren zonder "
    "diploma.",
    "business_case": {"investment": 20000, "annual_benefit": 8000, "annual_cost": 1000, "years": 5},
}


@pytest.mark.parametrize("who", ROLES)
def test_registering_an_initiative_stores_the_suggestion_and_the_business_case(world, who):
    api = api_for(world, who)
    response = api.post(f"/api/v1/companies/{world.bakery.pk}/initiatives", INITIATIVE)
    if who not in SEE_COMPANIES:
        assert_error(response, 404)
        assert not Initiative.objects.exists()
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == body["suggested_level"] and body["level_overridden"] is False
    assert Initiative.objects.get(pk=body["id"]).investment == 20000
    assert body["business_case"]["payback_years"] == pytest.approx(20000 / 7000)
    assert api.get(f"/api/v1/initiatives/{body['id']}").json() == body
    assert [i["id"] for i in api.get(f"/api/v1/companies/{world.bakery.pk}/initiatives").json()] == [body["id"]]


def test_a_chosen_level_overrides_the_suggestion(world):
    body = api_for(world, "alice").post(f"/api/v1/companies/{world.bakery.pk}/initiatives", {**INITIATIVE, "level": 0})
    assert body.json()["level"] == 0 and body.json()["level_overridden"] is True


def test_a_bad_initiative_names_each_field_and_stores_nothing(world):
    api = api_for(world, "alice")
    url = f"/api/v1/companies/{world.bakery.pk}/initiatives"
    body = assert_error(api.post(url, {**INITIATIVE, "blocks": ["nope"], "indicators": {"x": 1}}), 422)
    assert {e["field"] for e in body["errors"]} == {"blocks.0", "indicators.x"}
    body = assert_error(api.post(url, {**INITIATIVE, "business_case": {"investment": -1, "annual_benefit": 1}}), 422)
    assert body["errors"][0]["field"] == "business_case.investment"
    assert_error(api.post(url, {**INITIATIVE, "level": 9}), 422)
    assert_error(api.post(url, {"title": "", "description": ""}), 422)
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("who", ROLES)
def test_classifying_a_text(world, who):
    response = api_for(world, who, language="en").post("/api/v1/classify", {"text": INITIATIVE["description"]})
    if who not in SEE_COMPANIES:
        assert_error(response, 403)
        return
    body = response.json()
    assert 0 <= body["level"] <= 4 and body["level_name"]
    assert sum(body["probabilities"].values()) == pytest.approx(1, abs=0.01)
    assert_error(api_for(world, who).post("/api/v1/classify", {"text": ""}), 422)


@pytest.mark.parametrize("who", ROLES)
def test_computing_a_business_case(world, who):
    body = api_for(world, who).post("/api/v1/business-case", {"investment": 1000, "annual_benefit": 500}).json()
    assert body["payback_years"] == pytest.approx(2) and body["discount_rate"] == pytest.approx(0.05)
    assert_error(api_for(world, who).post("/api/v1/business-case", {"investment": 1000}), 422)


# --- the monitor -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_the_monitor_tables_are_for_the_beheerder_and_the_analist(world, who):
    api = api_for(world, who)
    for table in ("positions", "means"):
        response = api.get(f"/api/v1/monitor/{table}?by=sbi_section")
        if who not in AGGREGATES:
            assert_error(response, 403)
        else:
            assert response.status_code == 200


def test_the_monitor_tables_are_protected_as_on_the_page(world):
    """Sector C: 6 firms at position 0 and 5 at position 4; G: one firm at 4 (a cell of one)."""
    from django.conf import settings

    from groeimodel.web.access import aggregate_organisations_for
    from groeimodel.web.monitor.queries import monitor_tables

    for n in range(6):
        submitted_scan(make_company(world.org_a, f"Laag {n}"), value=1)
    for n in range(5):
        submitted_scan(make_company(world.org_a, f"Hoog {n}"), value=5)
    submitted_scan(make_company(world.org_a, "Top", sbi_section="G"), value=5)
    api = api_for(world, "analist")
    page = monitor_tables(aggregate_organisations_for(world.analist), "groeimodel", "sbi_section", settings.MONITOR_MIN)
    positions = api.get("/api/v1/monitor/positions?by=sbi_section").json()
    rows = {r["key"]: r for r in positions["rows"]}
    assert [r["firms"] for r in positions["rows"]] == [list(c) for c in page.positions.cells]
    assert rows["C"]["firms"][0] == 6 and rows["G"]["firms"][4] is None
    means = api.get("/api/v1/monitor/means?by=sbi_section").json()
    assert [[c and (c["firms"], c["mean"]) for c in r["levels"]] for r in means["rows"]] == [
        [m and (m.firms, m.mean) for m in row] for row in page.means.cells
    ]
    assert {r["key"]: r["levels"] for r in means["rows"]}["G"][0] is None
    assert_error(api.get("/api/v1/monitor/positions?by=colour"), 422)
    assert_error(api.get("/api/v1/monitor/means?model=nope"), 422)


# --- other organisations, authentication, methods --------------------------------------------------------------


def other_organisations_ids(world: Any) -> list[tuple[str, str, Any]]:
    scan = submitted_scan(world.mill)
    initiative = Initiative.objects.create(company=world.mill, title="Molen", description="Samen malen.", level=1)
    EmployeeRound.objects.create(wave=scan.wave)
    c, w, r = world.mill.pk, scan.wave_id, scan.pk
    return [
        ("get", f"/api/v1/companies/{c}", None),
        ("patch", f"/api/v1/companies/{c}", {"employees": 1}),
        ("post", f"/api/v1/companies/{c}/archive", None),
        ("get", f"/api/v1/companies/{c}/waves", None),
        ("post", f"/api/v1/companies/{c}/waves", {"answers": answers()}),
        ("get", f"/api/v1/companies/{c}/initiatives", None),
        ("post", f"/api/v1/companies/{c}/initiatives", INITIATIVE),
        ("get", f"/api/v1/waves/{w}", None),
        ("get", f"/api/v1/waves/{w}/benchmark", None),
        ("get", f"/api/v1/waves/{w}/employee-round", None),
        ("post", f"/api/v1/waves/{w}/employee-round/open", None),
        ("post", f"/api/v1/waves/{w}/employee-round/close", None),
        ("get", f"/api/v1/responses/{r}", None),
        ("put", f"/api/v1/responses/{r}/answers", {"answers": {}}),
        ("post", f"/api/v1/responses/{r}/submit", None),
        ("get", f"/api/v1/initiatives/{initiative.pk}", None),
        ("post", f"/api/v1/imports/companies/{c}/scans", Upload("golf.csv", b"id,x\nt0,1\n")),
    ]


def test_every_id_of_another_organisation_is_404_for_every_role(world):
    calls = other_organisations_ids(world)
    draft = start_scan(company=world.mill, user=None)
    calls += [("put", f"/api/v1/responses/{draft.pk}/answers", {"answers": {}}),
              ("post", f"/api/v1/responses/{draft.pk}/submit", None)]  # fmt: skip
    for who in ROLES:
        api = api_for(world, who)
        for method, url, body in calls:
            assert_error(api.request(method, url, body), 404)
    world.mill.refresh_from_db()
    assert world.mill.employees == 30 and not world.mill.archived
    assert Response.objects.filter(wave__company=world.mill).count() == 2
    assert EmployeeRound.objects.get().is_open


def test_every_id_taking_operation_is_in_the_cross_organisation_test(world):
    from groeimodel.web.api.main import api

    schema = api.get_openapi_schema()
    # every path with an id of an organisation's object (a model id is public)
    taking = {(m, p) for p, ops in schema["paths"].items() if "{" in p and "/models/" not in p for m in ops}
    covered = {(m, re.sub(r"/\d+", "/{id}", p)) for m, p, _b in other_organisations_ids(world)}
    assert {(m, re.sub(r"\{\w+\}", "{id}", p)) for m, p in taking} == covered


def test_a_request_without_a_valid_token_is_401(world):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer gm_00000000_nope"}, {"HTTP_AUTHORIZATION": "Basic abc"}):
        api = ApiClient()
        api.headers = headers
        body = assert_error(api.get("/api/v1/companies"), 401)
        assert "Bearer" in body["detail"]


def test_a_session_cookie_does_not_open_the_api(world):
    client = world.client_for(world.beheerder)
    assert_error(client.get("/api/v1/companies"), 401)
    response = client.post("/api/v1/companies", NEW_COMPANY, content_type="application/json")
    assert_error(response, 401)
    assert not Company.objects.filter(name="Drukkerij Nieuw").exists()


def test_a_wrong_method_and_an_unknown_path_answer_in_the_error_shape(world):
    api = api_for(world, "beheerder")
    assert_error(api.request("delete", "/api/v1/companies"), 405)
    assert_error(api.get("/api/v1/no-such-thing"), 404)
    assert_error(api.get("/api/v1/"), 404)
    assert_error(api.get("/api/v1/companies/"), 404)
    assert_error(api.get("/api/v1/companies/abc"), 422)


def test_errors_are_dutch_by_default_and_english_on_request(world):
    assert assert_error(ApiClient().get("/api/v1/companies"), 401)["detail"].startswith("Een geldig")
    english = ApiClient(language="en").get("/api/v1/companies")
    assert assert_error(english, 401)["detail"].startswith("A valid API token")


def test_a_server_error_answers_500_in_the_error_shape(world, monkeypatch):
    from groeimodel.web.api.routers import models

    def broken() -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(models, "list_models", broken)
    body = assert_error(api_for(world, "alice").get("/api/v1/models"), 500)
    assert "boom" not in body["detail"]


def test_too_many_requests_answer_429_in_the_error_shape(world, monkeypatch):
    from django.core.cache import cache

    from groeimodel.web.api.main import api

    cache.clear()
    (throttle,) = api.throttle
    monkeypatch.setattr(throttle, "num_requests", 2)
    client = api_for(world, "alice")
    statuses = [client.get("/api/v1/models").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert_error(client.get("/api/v1/models"), 429)


def test_the_company_list_takes_the_same_number_of_queries_for_a_longer_page(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(world, "beheerder")
    api.get("/api/v1/companies")  # the token's last use is written once a minute: not in the count

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/companies?limit=100").status_code == 200
        return len(captured)

    few = queries()
    for i in range(10):
        make_company(world.org_a, f"Extra {i}").advisors.add(world.alice)
    assert api.get("/api/v1/companies?limit=100").json()["total"] == 13
    assert queries() == few
