from __future__ import annotations

from django.utils.html import escape

from groeimodel.model import load_model
from groeimodel.scoring import score
from groeimodel.web.scans.models import Answer, Response

from .conftest import full_answers, submitted_scan

MODEL = load_model("groeimodel")


def start(client, company) -> Response:
    response = client.post(f"/companies/{company.pk}/scans/new/")
    assert response.status_code == 302
    return Response.objects.get(wave__company=company, status="draft")


def test_starting_a_scan_records_the_wave_and_the_model(world):
    scan = start(world.client_for(world.alice), world.bakery)
    assert (scan.wave.label, scan.model_id, scan.model_version) == ("T0", "groeimodel", MODEL.version)
    assert scan.model_hash == MODEL.content_hash


def test_starting_again_resumes_the_open_draft_and_a_new_wave_follows_a_submitted_one(world):
    client = world.client_for(world.alice)
    first = start(client, world.garage)
    client.post(f"/companies/{world.garage.pk}/scans/new/")
    assert Response.objects.filter(wave__company=world.garage).count() == 1
    first.wave.delete()
    submitted_scan(world.garage)
    assert start(client, world.garage).wave.label == "T1"


def test_an_answer_saves_as_it_is_given_and_the_progress_updates(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    response = client.post(
        f"/scans/{scan.pk}/answer/", {"item": "l1.processen.2", "l1.processen.2": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Answer.objects.get(response=scan, item_id="l1.processen.2").value == 4
    html = response.content.decode()
    assert 'id="progress"' in html and 'value="1"' in html
    client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.processen.2", "l1.processen.2": "?"}, HTTP_HX_REQUEST="true")
    assert Answer.objects.get(response=scan, item_id="l1.processen.2").value is None  # weet niet / n.v.t.


def test_a_bad_answer_gets_a_4xx_with_a_json_body_and_is_not_saved(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    response = client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.processen.2", "l1.processen.2": "7"})
    assert response.status_code == 400
    assert response.json()["item"] == "l1.processen.2"
    response = client.post(f"/scans/{scan.pk}/answer/", {"item": "l9.nope.1", "l9.nope.1": "3"})
    assert response.status_code == 400 and "l9.nope.1" in response.json()["error"]
    assert not Answer.objects.filter(response=scan).exists()


def test_the_block_form_saves_the_block_and_moves_to_the_next(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    block = MODEL.blocks[0]
    data = {"block": "0", "go": "next", **{MODEL.items[i].id: "5" for i in block.item_indices[:2]}}
    response = client.post(f"/scans/{scan.pk}/?block=0", data)
    assert response.status_code == 302 and response["Location"].endswith("?block=1")
    assert Answer.objects.filter(response=scan).count() == 2


def test_continuing_a_scan_opens_the_first_unfinished_block_and_the_review_when_all_are_done(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    first, second = MODEL.blocks[0], MODEL.blocks[1]
    for i in first.item_indices:
        client.post(f"/scans/{scan.pk}/answer/", {"item": MODEL.items[i].id, MODEL.items[i].id: "4"})
    client.post(f"/scans/{scan.pk}/answer/", {"item": MODEL.items[second.item_indices[0]].id,
                                               MODEL.items[second.item_indices[0]].id: "3"})  # fmt: skip
    page = client.get(f"/scans/{scan.pk}/")
    assert page.status_code == 200 and page.context["block"].index == 1
    company_page = client.get(f"/companies/{world.bakery.pk}/").content.decode()
    assert f'href="/scans/{scan.pk}/"' in company_page
    done = set(Answer.objects.filter(response=scan).values_list("item_id", flat=True))
    Answer.objects.bulk_create(
        [Answer(response=scan, item_id=item.id, value=3) for item in MODEL.items if item.id not in done]
    )
    response = client.get(f"/scans/{scan.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/scans/{scan.pk}/review/"


def test_a_half_finished_scan_resumes_with_its_answers_after_logging_out(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.flexwerken.3", "l1.flexwerken.3": "2"})
    client.post("/accounts/logout/")
    again = world.client_for(world.alice)
    page = again.get(f"/scans/{scan.pk}/?block=1").content.decode()
    assert 'name="l1.flexwerken.3" value="2" checked' in page
    assert "1 of 60" in page or "1 van 60" in page


def test_submitting_is_refused_while_statements_are_missing_and_the_page_names_them(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    answers = full_answers(MODEL, 4)
    del answers["l3.concept.2"]
    del answers["l4.waarde.1"]
    for item, value in answers.items():
        Answer.objects.create(response=scan, item_id=item, value=value)
    review = client.get(f"/scans/{scan.pk}/review/")
    assert review.context["missing_count"] == 2
    html = review.content.decode()
    assert MODEL.items[MODEL.item_index["l3.concept.2"]].text.nl in html
    assert "disabled" in html
    response = client.post(f"/scans/{scan.pk}/submit/")
    assert response.status_code == 400
    scan.refresh_from_db()
    assert scan.status == "draft" and scan.result is None


def test_submitting_stores_the_cores_scores_with_the_scan(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    answers = {**full_answers(MODEL, 4), "l2.cultuur.1": None}
    for item, value in answers.items():
        Answer.objects.create(response=scan, item_id=item, value=value)
    response = client.post(f"/scans/{scan.pk}/submit/")
    assert response.status_code == 302 and response["Location"] == f"/scans/{scan.pk}/result/"
    scan.refresh_from_db()
    expected = score(MODEL, answers)
    assert scan.result == expected.to_dict("nl")
    assert (scan.position, scan.next_level, scan.status) == (expected.position, expected.next_level, "submitted")


def test_a_submitted_scan_can_no_longer_be_changed(world):
    scan = submitted_scan(world.bakery, value=2)
    client = world.client_for(world.alice)
    response = client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.processen.1", "l1.processen.1": "5"})
    assert response.status_code == 400
    assert Answer.objects.get(response=scan, item_id="l1.processen.1").value == 2
    assert client.get(f"/scans/{scan.pk}/").url == f"/scans/{scan.pk}/result/"


def test_the_result_page_shows_ladder_radar_scores_and_advice(world):
    scan = submitted_scan(world.bakery, value=2)  # low everywhere: position 0, advice for level 1
    html = world.client_for(world.alice).get(f"/scans/{scan.pk}/result/").content.decode()
    assert 'data-position="0"' in html
    assert html.count('class="dot') == len(MODEL.blocks)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    # every level 1 block scores 25 (beginnend); the model advises at most three, in block order on a tie
    advised = MODEL.level_blocks(1)[: MODEL.data.scoring.max_advice_blocks]
    for block in advised:
        assert escape(block.data.advice["beginnend"].nl) in html
    assert escape(MODEL.level_blocks(1)[3].data.advice["beginnend"].nl) not in html


def test_the_result_page_speaks_english_when_asked(world):
    scan = submitted_scan(world.bakery, value=5)
    client = world.client_for(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/scans/{scan.pk}/result/").content.decode()
    assert '<html lang="en">' in html
    assert MODEL.level(4).name.en in html
    assert 'data-position="4"' in html


def test_a_scan_can_use_the_strict_three_level_model_and_records_it(world):
    client = world.client_for(world.alice)
    assert 'value="mkb-2011"' in client.get(f"/companies/{world.bakery.pk}/").content.decode()
    client.post(f"/companies/{world.bakery.pk}/scans/new/", {"model": "mkb-2011"})
    scan = Response.objects.get(wave__company=world.bakery)
    assert (scan.model_id, scan.model_version) == ("mkb-2011", load_model("mkb-2011").version)
    strict = load_model("mkb-2011")
    for item, value in full_answers(strict, 5).items():
        Answer.objects.create(response=scan, item_id=item, value=value)
    client.post(f"/scans/{scan.pk}/submit/")
    scan.refresh_from_db()
    assert scan.position == 3 and scan.next_level is None
    assert [lv["level"] for lv in scan.result["levels"]] == [1, 2, 3]


def test_an_unknown_model_is_refused_with_a_json_error(world):
    response = world.client_for(world.alice).post(f"/companies/{world.bakery.pk}/scans/new/", {"model": "nope"})
    assert response.status_code == 400 and response.json()["field"] == "model"
    assert not Response.objects.filter(wave__company=world.bakery).exists()


def test_a_scan_started_under_an_older_model_version_is_scored_and_shown_with_that_version(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    old = load_model("groeimodel", "1.0.0")
    Response.objects.filter(pk=scan.pk).update(model_version=old.version, model_hash=old.content_hash)
    for item, value in full_answers(old, 3).items():
        Answer.objects.create(response=scan, item_id=item, value=value)
    assert client.post(f"/scans/{scan.pk}/submit/").status_code == 302
    scan.refresh_from_db()
    assert (scan.model_version, scan.model_hash) == ("1.0.0", old.content_hash)
    assert scan.result["model"]["version"] == "1.0.0"
    page = client.get(f"/scans/{scan.pk}/result/").content.decode()
    assert "1.0.0" in page


def test_an_answer_to_a_statement_the_version_does_not_have_is_refused_when_saved(world):
    client = world.client_for(world.alice)
    scan = start(client, world.bakery)
    response = client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.verdwenen.1", "l1.verdwenen.1": "3"})
    assert response.status_code == 400 and "l1.verdwenen.1" in response.json()["error"]
    assert not Answer.objects.filter(response=scan).exists()


def test_starting_when_someone_else_just_started_returns_their_draft(world, monkeypatch):
    from django.db.models.query import QuerySet

    from groeimodel.web.scans import services

    first = start(world.client_for(world.alice), world.bakery)
    # Simulate the race: the first look for an open draft misses the other start's scan (not yet committed), so
    # this start computes the same wave and its insert meets the unique constraint.
    real_first = QuerySet.first
    misses = {"left": 1}

    def first_missing_once(self):
        if misses["left"] and self.model is Response:
            misses["left"] -= 1
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_missing_once)
    monkeypatch.setattr(services, "next_wave_number", lambda company: first.wave.number)
    again = services.start_scan(company=world.bakery, user=world.alice)
    assert misses["left"] == 0
    assert again.pk == first.pk
    assert Response.objects.filter(wave__company=world.bakery).count() == 1


def test_a_later_wave_shows_the_change_since_the_previous_wave_and_t0_and_the_ladder_move(world):
    from .conftest import submitted_scan

    submitted_scan(world.bakery, value=2)  # T0: 25 everywhere, position 0
    submitted_scan(world.bakery, value=3)  # T1: 50
    t2 = submitted_scan(world.bakery, value=4)  # T2: 75, every level achieved
    html = world.client_for(world.alice).get(f"/scans/{t2.pk}/result/").content.decode()
    assert 'data-direction="up"' in html and "van positie 0 naar 4" in html
    assert "Sinds T1" in html and "Sinds T0" in html
    assert "25 punten omhoog" in html and "50 punten omhoog" in html
    assert 'class="series-previous"' in html  # T1 as the radar's second outline
    t0 = Response.objects.get(wave__company=world.bakery, wave__number=0)
    first = world.client_for(world.alice).get(f"/scans/{t0.pk}/result/").content.decode()
    assert "Sinds T" not in first and "series-previous" not in first


def test_waves_scored_with_different_model_versions_compare_only_common_blocks_and_say_so(world):
    from .conftest import submitted_scan

    t0 = submitted_scan(world.bakery, value=2)
    old = load_model("groeimodel", "1.0.0")
    Response.objects.filter(pk=t0.pk).update(model_version=old.version, model_hash=old.content_hash)
    result = dict(t0.result, model={"id": "groeimodel", "version": "1.0.0"})
    Response.objects.filter(pk=t0.pk).update(result=result)
    t1 = submitted_scan(world.bakery, value=3)
    html = world.client_for(world.alice).get(f"/scans/{t1.pk}/result/").content.decode()
    assert "is gescoord met een andere versie van het model" in html
