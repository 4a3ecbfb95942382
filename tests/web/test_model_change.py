"""A model file that changes after scans were made with it: stored results still render, drafts can move on."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.test import Client

from groeimodel.model import load_model, loader
from groeimodel.web.scans.model_change import carry_over_draft, draft_status
from groeimodel.web.scans.models import Answer, Response
from groeimodel.web.scans.services import ScanError, save_answers, start_scan

from .conftest import full_answers, submitted_scan

SHIPPED = Path(loader.__file__).parent / "data"


class ModelFiles:
    """A copy of the shipped model files that a test can edit; the loader reads it instead of the package's."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, model_id: str, version: str) -> Path:
        return self.root / model_id / f"{version}.yaml"

    def edit(self, model_id: str, version: str, change: Any) -> None:
        data = yaml.safe_load(self.path(model_id, version).read_text(encoding="utf-8"))
        change(data)
        self.path(model_id, version).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        self.reload()

    def remove(self, model_id: str, version: str) -> None:
        self.path(model_id, version).unlink()
        self.reload()

    def reload(self) -> None:
        loader._loaded.clear()
        cache.clear()


@pytest.fixture
def model_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelFiles:
    root = tmp_path / "data"
    shutil.copytree(SHIPPED, root)
    monkeypatch.setattr(loader, "_data_dir", lambda: root)
    monkeypatch.setattr(loader, "_loaded", {})
    cache.clear()
    return ModelFiles(root)


def rename_first_block_and_drop_an_item(data: dict[str, Any]) -> None:
    """Rename level 1's first block (l1.processen → l1.werkwijze, with its items) and drop level 2's first item."""
    block = data["levels"][0]["blocks"][0]
    assert block["id"] == "l1.processen"
    block["id"] = "l1.werkwijze"
    block["name"] = {"nl": "Werkwijze", "en": "Ways of working"}
    for item in block["items"]:
        item["id"] = item["id"].replace("l1.processen", "l1.werkwijze")
    data["levels"][1]["blocks"][0]["items"].pop(0)  # l2.strategie.1


def test_a_result_still_renders_after_its_model_file_renamed_a_block_and_dropped_an_item(world, model_files):
    scan = submitted_scan(world.bakery, value=2)  # low scores: the advice names level 1's blocks
    client = world.client_for(world.alice)
    before = client.get(f"/scans/{scan.pk}/result/").content.decode()
    assert "is gewijzigd" not in before
    stored = scan.result

    model_files.edit("groeimodel", scan.model_version, rename_first_block_and_drop_an_item)

    page = client.get(f"/scans/{scan.pk}/result/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Het bestand van modelversie {scan.model_version} is gewijzigd" in html
    assert "l1.processen" in html  # the renamed block is shown by the code it was scored under
    assert "Werkwijze" not in html  # no block of the new file is made up
    scan.refresh_from_db()
    assert scan.result == stored  # nothing re-scored
    for report in ("report.html", "report.pdf"):
        assert client.get(f"/scans/{scan.pk}/{report}").status_code == 200, report


def test_a_result_whose_model_version_is_gone_renders_with_the_closest_version_and_says_so(world, model_files):
    scan = submitted_scan(world.bakery)
    assert scan.model_version == "1.1.0"
    model_files.remove("groeimodel", "1.1.0")
    client = world.client_for(world.alice)
    page = client.get(f"/scans/{scan.pk}/result/")
    assert page.status_code == 200
    assert "Modelversie 1.1.0, waarmee deze scan is gescoord, is niet meer beschikbaar" in page.content.decode()
    assert "groeimodel versie 1.0.0" in page.content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get(f"/scans/{scan.pk}/report.html").status_code == 200
    assert client.get(f"/companies/{world.bakery.pk}/").status_code == 200
    assert client.get(f"/waves/{scan.wave_id}/growth/").status_code == 200


def test_an_employee_round_on_a_wave_whose_model_version_is_gone_is_refused_with_a_message(world, model_files):
    from groeimodel.web.invitations.models import EmployeeRound
    from groeimodel.web.invitations.services import open_round

    scan = submitted_scan(world.bakery)
    earlier = open_round(wave=scan.wave, user=world.beheerder)  # opened while the version was installed
    later = submitted_scan(world.garage)
    model_files.remove("groeimodel", "1.1.0")
    client = world.client_for(world.beheerder)
    page = client.post(f"/waves/{later.wave_id}/employees/open/", follow=True)
    assert page.status_code == 200
    assert "(groeimodel, versie 1.1.0) is niet meer geïnstalleerd" in page.content.decode()
    assert not EmployeeRound.objects.filter(wave_id=later.wave_id).exists()
    employee = Client()
    answered = employee.get(f"/e/{earlier.token}/")
    assert answered.status_code == 410
    assert "kan niet meer worden ingevuld" in answered.content.decode()


def test_an_unchanged_model_file_shows_no_note(world, model_files):
    scan = submitted_scan(world.bakery)
    html = world.client_for(world.alice).get(f"/scans/{scan.pk}/result/").content.decode()
    assert "model-changed" not in html


def draft_with_all_answers(company: Any) -> Response:
    scan = start_scan(company=company, user=None)
    save_answers(scan=scan, answers=full_answers(load_model("groeimodel"), 4))
    return scan


def test_a_draft_whose_statements_are_gone_is_carried_over_on_the_review_page_dropping_them(world, model_files):
    scan = draft_with_all_answers(world.bakery)
    model_files.edit("groeimodel", scan.model_version, rename_first_block_and_drop_an_item)
    client = world.client_for(world.alice)

    review = client.get(f"/scans/{scan.pk}/review/")
    assert review.status_code == 200
    html = review.content.decode()
    assert "Zet de scan over naar versie 1.1.0" in html
    assert "l1.processen.1, l1.processen.2, l1.processen.3, l1.processen.4, l2.strategie.1" in html
    assert "Zet de scan over" in client.get(f"/scans/{scan.pk}/?block=0").content.decode()

    refused = client.post(f"/scans/{scan.pk}/submit/")
    assert refused.status_code == 400 and "eerst over" in refused.content.decode()
    assert Response.objects.get(pk=scan.pk).status == "draft"

    moved = client.post(f"/scans/{scan.pk}/carry-over/", follow=True)
    assert moved.status_code == 200
    text = moved.content.decode()
    assert "Deze antwoorden zijn vervallen" in text and "l2.strategie.1" in text
    assert "Zet de scan over" not in text
    scan.refresh_from_db()
    assert scan.model_hash == load_model("groeimodel").content_hash
    assert not Answer.objects.filter(response=scan, item_id__startswith="l1.processen").exists()
    assert not Answer.objects.filter(response=scan, item_id="l2.strategie.1").exists()
    assert Answer.objects.filter(response=scan).count() == len(load_model("groeimodel").items) - 4

    for item in ("l1.werkwijze.1", "l1.werkwijze.2", "l1.werkwijze.3", "l1.werkwijze.4"):
        client.post(f"/scans/{scan.pk}/answer/", {"item": item, item: "3"})
    submitted = client.post(f"/scans/{scan.pk}/submit/")
    assert submitted.status_code == 302 and submitted["Location"].endswith(f"/scans/{scan.pk}/result/")
    assert client.get(f"/scans/{scan.pk}/result/").status_code == 200


def test_a_draft_whose_model_version_is_gone_offers_the_carry_over_instead_of_failing(world, model_files):
    scan = draft_with_all_answers(world.bakery)
    Response.objects.filter(pk=scan.pk).update(
        model_version="1.0.0", model_hash=load_model("groeimodel", "1.0.0").content_hash
    )
    model_files.remove("groeimodel", "1.0.0")
    client = world.client_for(world.alice)
    fill = client.get(f"/scans/{scan.pk}/")
    assert fill.status_code == 302 and fill["Location"].endswith("/review/")
    answer = client.post(f"/scans/{scan.pk}/answer/", {"item": "l1.processen.1", "l1.processen.1": "3"})
    assert answer.status_code == 400
    review = client.get(f"/scans/{scan.pk}/review/")
    assert review.status_code == 200 and "Zet de scan over naar versie 1.1.0" in review.content.decode()
    assert client.post(f"/scans/{scan.pk}/submit/").status_code == 400
    client.post(f"/scans/{scan.pk}/carry-over/")
    assert client.post(f"/scans/{scan.pk}/submit/").status_code == 302
    assert Response.objects.get(pk=scan.pk).model_version == "1.1.0"


def test_the_service_carries_an_older_version_draft_over_and_keeps_answers_both_versions_have(world):
    scan = draft_with_all_answers(world.bakery)
    old = load_model("groeimodel", "1.0.0")
    Response.objects.filter(pk=scan.pk).update(model_version=old.version, model_hash=old.content_hash)
    scan.refresh_from_db()
    assert draft_status(scan).outdated
    answered = Answer.objects.filter(response=scan).count()
    assert carry_over_draft(user=world.alice, scan=scan) == []
    scan.refresh_from_db()
    assert (scan.model_version, scan.model_hash) == ("1.1.0", load_model("groeimodel").content_hash)
    assert Answer.objects.filter(response=scan).count() == answered
    assert not draft_status(scan).outdated
    with pytest.raises(ScanError):
        carry_over_draft(user=world.alice, scan=scan)  # nothing to carry over any more


def test_the_service_returns_the_dropped_statements_and_keeps_a_submitted_scan(world, model_files):
    scan = draft_with_all_answers(world.bakery)
    model_files.edit("groeimodel", "1.1.0", rename_first_block_and_drop_an_item)
    dropped = carry_over_draft(user=world.alice, scan=scan)
    assert dropped == ["l1.processen.1", "l1.processen.2", "l1.processen.3", "l1.processen.4", "l2.strategie.1"]
    submitted = submitted_scan(world.garage)
    model_files.edit("groeimodel", "1.1.0", lambda data: data["levels"][0]["blocks"][1]["items"].pop(0))
    with pytest.raises(ScanError):
        carry_over_draft(user=world.alice, scan=submitted)
    assert Answer.objects.filter(response=submitted).count() == len(load_model("groeimodel", "1.1.0").items) + 1


def test_a_draft_of_a_model_that_is_no_longer_shipped_moves_to_the_default_model(world, model_files):
    scan = start_scan(company=world.bakery, user=None, model_id="mkb-2011")
    strict = load_model("mkb-2011")
    save_answers(scan=scan, answers=full_answers(strict, 3))
    shutil.rmtree(model_files.root / "mkb-2011")
    model_files.reload()
    client = world.client_for(world.alice)
    review = client.get(f"/scans/{scan.pk}/review/")
    assert review.status_code == 200 and "Zet de scan over naar versie 1.1.0" in review.content.decode()
    client.post(f"/scans/{scan.pk}/carry-over/")
    scan.refresh_from_db()
    current = load_model("groeimodel")
    assert (scan.model_id, scan.model_version, scan.model_hash) == ("groeimodel", current.version, current.content_hash)
    kept = set(Answer.objects.filter(response=scan).values_list("item_id", flat=True))
    assert kept == {item.id for item in strict.items} & set(current.item_index)


def test_the_ondernemer_carries_over_their_own_draft_and_the_analist_gets_404(world):
    scan = draft_with_all_answers(world.bakery)
    old = load_model("groeimodel", "1.0.0")
    Response.objects.filter(pk=scan.pk).update(model_version=old.version, model_hash=old.content_hash)
    assert world.client_for(world.analist).post(f"/scans/{scan.pk}/carry-over/").status_code == 404
    assert world.client_for(world.bob).post(f"/scans/{scan.pk}/carry-over/").status_code == 404
    assert Response.objects.get(pk=scan.pk).model_version == "1.0.0"
    assert world.client_for(world.ondernemer).post(f"/scans/{scan.pk}/carry-over/").status_code == 302
    assert Response.objects.get(pk=scan.pk).model_version == "1.1.0"
