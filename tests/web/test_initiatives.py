from __future__ import annotations

from decimal import Decimal

from groeimodel.web.initiatives.models import Initiative

from .conftest import submitted_scan

LEVEL_1_TEXT = (
    "We hebben het magazijn opnieuw ingedeeld en een scanner ingevoerd, zodat orderpicken de helft minder tijd "
    "kost en we jaarlijks 30.000 euro besparen."
)
LEVEL_3_TEXT = (
    "The firm abolished its management layer: self-managing teams now hold their own budget, hire colleagues and "
    "decide on clients, and customers recognise the new cooperative identity."
)


def post_initiative(client, company, **extra):
    data = {"title": "Magazijn", "description": LEVEL_1_TEXT, "status": "running", "level_choice": "", **extra}
    return client.post(f"/companies/{company.pk}/initiatives/new/", data)


def test_saving_stores_the_classifiers_suggestion_and_the_confirmed_level_with_who_and_when(world):
    response = post_initiative(world.client_for(world.alice), world.bakery)
    initiative = Initiative.objects.get(company=world.bakery)
    assert response.status_code == 302 and response["Location"] == f"/initiatives/{initiative.pk}/"
    assert initiative.suggested_level == 1 and initiative.level == 1
    assert not initiative.level_overridden
    assert initiative.decided_by == world.alice and initiative.decided_at is not None
    assert initiative.suggestion["evidence"]
    assert abs(sum(initiative.suggestion["probabilities"].values()) - 1) < 1e-6


def test_an_advisor_overrides_the_level_and_both_are_kept(world):
    post_initiative(world.client_for(world.alice), world.bakery, level_choice="2")
    initiative = Initiative.objects.get(company=world.bakery)
    assert (initiative.suggested_level, initiative.level, initiative.level_overridden) == (1, 2, True)
    page = world.client_for(world.alice).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert 'data-level="2"' in page


def test_the_suggestion_appears_while_typing(world):
    client = world.client_for(world.alice)
    fragment = client.post("/initiatives/suggest/", {"description": LEVEL_3_TEXT}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'data-level="3"' in html and "<mark>" in html
    short = client.post("/initiatives/suggest/", {"description": "te kort"}).content.decode()
    assert "data-level" not in short


def test_the_business_case_is_computed_by_the_core_and_shown_with_a_cash_flow_chart(world):
    client = world.client_for(world.alice)
    post_initiative(
        client, world.bakery, investment="20000", annual_benefit="50000", annual_cost="", years="5", discount_rate="8"
    )
    initiative = Initiative.objects.get(company=world.bakery)
    html = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert 'class="payback">0,4 jaar' in html
    assert 'class="npv">€\xa0179.636' in html
    assert 'class="irr">249,5%' in html
    assert 'class="rate">8,0% per jaar' in html and 'class="horizon">5 jaar' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="bar negative"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert 'class="npv">€179,636' in english and 'class="rate">8.0% a year' in english
    assert 'class="payback">0.4 years' in english


def test_amounts_are_typed_and_shown_in_the_languages_own_format(world):
    client = world.client_for(world.alice)
    response = post_initiative(
        client, world.bakery, investment="20.000,50", annual_benefit="50.000", discount_rate="8,5"
    )
    assert response.status_code == 302, response.context["form"].errors
    initiative = Initiative.objects.get(company=world.bakery)
    assert (initiative.investment, initiative.annual_benefit) == (Decimal("20000.50"), Decimal("50000"))
    assert initiative.discount_rate == Decimal("8.5")
    edit = client.get(f"/initiatives/{initiative.pk}/edit/").content.decode()
    assert 'value="20.000,50"' in edit and 'value="50.000"' in edit and 'value="8,5"' in edit


def test_an_amount_in_the_wrong_format_is_explained_at_the_field(world):
    client = world.client_for(world.alice)
    response = post_initiative(client, world.bakery, investment="20,000.50", annual_benefit="50.000")
    assert response.status_code == 400
    assert "20.000,50" in str(response.context["form"].errors["investment"])
    assert not Initiative.objects.exists()


def test_level_indicators_are_on_the_create_form_but_the_payback_period_is_not_typed_in(world):
    client = world.client_for(world.alice)
    html = client.get(f"/companies/{world.bakery.pk}/initiatives/new/").content.decode()
    assert 'name="indicator_kosten_bespaard"' in html  # level 1
    assert 'name="indicator_banen_afstand_arbeidsmarkt"' in html  # level 4
    assert 'name="indicator_terugverdientijd"' not in html


def test_wrong_business_case_input_is_explained_at_the_field_and_nothing_is_saved(world):
    client = world.client_for(world.alice)
    response = post_initiative(client, world.bakery, investment="-5", annual_benefit="100")
    assert response.status_code == 400
    assert "investment" in response.context["form"].errors
    response = post_initiative(client, world.bakery, annual_benefit="100")
    assert "investment" in response.context["form"].errors
    response = post_initiative(client, world.bakery, investment="100", annual_benefit="100", years="0")
    assert "years" in response.context["form"].errors
    assert not Initiative.objects.exists()


def test_indicators_of_the_level_are_recorded(world):
    client = world.client_for(world.alice)
    post_initiative(client, world.bakery)
    initiative = Initiative.objects.get(company=world.bakery)
    form = client.get(f"/initiatives/{initiative.pk}/edit/").context["form"]
    assert "indicator_kosten_bespaard" in form.fields and "indicator_werkgelegenheid" in form.fields
    client.post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Magazijn", "description": LEVEL_1_TEXT, "status": "done", "level_choice": "",
         "indicator_kosten_bespaard": "30.000", "indicator_werkgelegenheid": "12,5"},
    )  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.indicators == {"kosten_bespaard": 30000.0, "werkgelegenheid": 12.5}


def test_the_company_page_groups_initiatives_by_level(world):
    client = world.client_for(world.alice)
    post_initiative(client, world.bakery)
    post_initiative(client, world.bakery, title="Zelfsturing", description=LEVEL_3_TEXT)
    page = client.get(f"/companies/{world.bakery.pk}/")
    groups = {g["level"]: [i.title for i in g["items"]] for g in page.context["initiative_groups"]}
    assert groups == {4: [], 3: ["Zelfsturing"], 2: [], 1: ["Magazijn"], 0: []}


def test_the_result_page_lists_initiatives_on_the_weakest_blocks(world):
    scan = submitted_scan(world.bakery, value=2)  # position 0; advice on level 1 blocks
    advised = scan.result["advice"][0]["block"]
    client = world.client_for(world.alice)
    post_initiative(client, world.bakery, title="Op het advies", blocks=[advised], level_choice="2")
    post_initiative(client, world.bakery, title="Elders", description=LEVEL_3_TEXT)
    html = client.get(f"/scans/{scan.pk}/result/").content.decode()
    related = html.split('<ul class="related">', 1)[1].split("</ul>", 1)[0]
    assert "Op het advies" in related and "Elders" not in related


def test_initiatives_of_another_organisation_answer_404(world):
    post_initiative(world.client_for(world.bob), world.mill)
    theirs = Initiative.objects.get(company=world.mill)
    for persona in ("beheerder", "alice", "ondernemer", "analist"):
        client = world.client_for(getattr(world, persona))
        assert client.get(f"/initiatives/{theirs.pk}/").status_code == 404
        assert client.get(f"/initiatives/{theirs.pk}/edit/").status_code == 404
        assert client.post(f"/initiatives/{theirs.pk}/edit/", {"title": "x"}).status_code == 404
        assert client.post(f"/companies/{world.mill.pk}/initiatives/new/", {"title": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Magazijn"


def test_an_analist_registers_no_initiatives(world):
    client = world.client_for(world.analist)
    assert client.get(f"/companies/{world.bakery.pk}/initiatives/new/").status_code == 404
    assert client.post("/initiatives/suggest/", {"description": LEVEL_1_TEXT}).status_code == 404


def test_an_unrelated_edit_keeps_who_decided_the_level(world):
    post_initiative(world.client_for(world.alice), world.bakery, level_choice="2")
    initiative = Initiative.objects.get()
    decided_at = initiative.decided_at
    client = world.client_for(world.ondernemer)
    form = client.get(f"/initiatives/{initiative.pk}/edit/").context["form"]
    assert form.initial["level_choice"] == "2"
    response = client.post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Magazijn (typfout hersteld)", "description": LEVEL_1_TEXT, "status": "running", "level_choice": "2"},
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.level, initiative.decided_by, initiative.decided_at) == (2, world.alice, decided_at)
    client.post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Magazijn", "description": LEVEL_1_TEXT, "status": "running", "level_choice": "3"},
    )
    initiative.refresh_from_db()
    assert (initiative.level, initiative.decided_by) == (3, world.ondernemer)


def test_business_case_errors_are_in_the_users_language(world):
    response = post_initiative(world.client_for(world.alice), world.bakery, investment="100", annual_benefit="-5")
    assert response.status_code == 400
    assert response.context["form"].errors["annual_benefit"] == ["Zorg ervoor dat deze waarde minstens 0 is."]


def test_the_suggestion_says_when_it_doubts_between_two_levels_instead_of_one_level_with_a_percentage(world):
    from tests.test_classify import BETWEEN_2_AND_3

    client = world.client_for(world.alice)
    html = client.post("/initiatives/suggest/", {"description": BETWEEN_2_AND_3}).content.decode()
    assert "twijfel tussen niveau 2 en 3" in html
    assert 'class="doubt"' in html and "(100%)" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/companies/"})
    english = client.post("/initiatives/suggest/", {"description": BETWEEN_2_AND_3}).content.decode()
    assert "in doubt between level 2 and 3" in english and "twijfel" not in english
