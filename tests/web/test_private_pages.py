"""Signed-in pages are not cached, sessions end when idle or when the user is deactivated, the error pages are our
own and pass the CSP, and names, KvK numbers and descriptions are checked at the field."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from groeimodel.web.companies.models import Company
from groeimodel.web.hardening import LAST_SEEN
from groeimodel.web.initiatives.models import Initiative

from .conftest import PASSWORD
from .test_companies import VALID
from .test_initiatives import LEVEL_1_TEXT, post_initiative
from .test_users import edit_data


def test_signed_in_pages_are_private_and_not_stored_but_public_pages_and_static_files_may_be(world):
    client = world.client_for(world.alice)
    for url in ("/companies/", f"/companies/{world.bakery.pk}/", "/bestaat-niet/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
    assert "no-store" not in Client().get("/bestaat-niet/").get("Cache-Control", "")  # a public page
    assert "no-store" not in client.get("/static/groeimodel/app.css").get("Cache-Control", "")


def sessions_of(user) -> list[Session]:
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_session_idle_for_longer_than_the_setting_ends(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = logged_in("alice")
    assert client.get("/companies/").status_code == 200
    session = client.session
    assert session.get_expiry_age() <= 60 * 60  # the stored session expires too (default: 60 idle minutes)
    session[LAST_SEEN] = int(time.time()) - 29 * 60  # in use 29 minutes ago: still signed in
    session.save()
    assert client.get("/companies/").status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/companies/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not sessions_of(world.alice)


def test_deactivating_a_user_ends_their_sessions_at_once(world):
    alice, _second_browser = logged_in("alice"), logged_in("alice")
    logged_in("bob")
    assert len(sessions_of(world.alice)) == 2
    world.client_for(world.beheerder).post(f"/users/{world.alice.pk}/toggle-active/")
    assert not sessions_of(world.alice)
    assert sessions_of(world.bob)  # nobody else is signed out
    assert alice.get("/companies/").status_code == 302
    # and through the edit form
    ondernemer = logged_in("ondernemer-a")
    data = edit_data(world.ondernemer, is_active="")
    assert world.client_for(world.beheerder).post(f"/users/{world.ondernemer.pk}/edit/", data).status_code == 302
    assert not sessions_of(world.ondernemer)
    assert ondernemer.get("/").status_code == 302


def assert_passes_the_csp(response) -> None:
    page = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert re.search(r'<link rel="stylesheet" href="/static/groeimodel/app.css', page)  # branded, styled


@pytest.mark.parametrize(("language", "text"), [("nl", "Het formulier is verlopen"), ("en", "The form has expired")])
def test_a_form_without_a_valid_csrf_token_gets_our_own_403_page(world, language, text):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    client.cookies["django_language"] = language
    response = client.post(f"/companies/{world.bakery.pk}/scans/new/")
    assert response.status_code == 403
    assert text in response.content.decode() and "CSRF verification failed" not in response.content.decode()
    assert_passes_the_csp(response)


@pytest.mark.parametrize(("language", "text"), [("nl", "Pagina niet gevonden"), ("en", "Page not found")])
def test_the_404_page_is_ours_in_both_languages_and_passes_the_csp(world, language, text):
    client = world.client_for(world.alice)
    client.cookies["django_language"] = language
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and text in response.content.decode()
    assert_passes_the_csp(response)


@pytest.mark.parametrize(("language", "text"), [("nl", "Er ging iets mis"), ("en", "Something went wrong")])
def test_the_500_and_403_pages_are_ours_and_pass_the_csp(world, language, text):
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import permission_denied, server_error

    with translation.override(language):
        page = server_error(RequestFactory().get("/")).content.decode()
        request = RequestFactory().get("/")
        request.user = world.alice
        denied = permission_denied(request, PermissionDenied()).content.decode()
    assert text in page and "style=" not in page and "<script" not in page
    assert ("Geen toegang" if language == "nl" else "No access") in denied and "style=" not in denied


INVISIBLE_NAMES = ["\u200b", "\u2060\u200b", "\ufeff", "\u200e\u200f", " \u200b \u00a0", "\u202e\u2066"]


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_a_company_name_of_only_invisible_characters_is_refused_at_the_field(world, name):
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "name": name})
    assert response.status_code == 200  # the form again, with the message
    assert "zichtbaar teken" in str(response.context["form"].errors["name"])
    assert not Company.objects.filter(kvk_number=VALID["kvk_number"]).exists()


def test_a_name_with_a_visible_character_between_invisible_ones_is_kept(world):
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "name": "\u200bBakkerij Ö\u200b"})
    assert response.status_code == 302


@pytest.mark.parametrize("name", INVISIBLE_NAMES[:3])
def test_a_users_name_and_an_initiatives_title_of_only_invisible_characters_are_refused(world, name):
    admin = world.client_for(world.beheerder)
    response = admin.post(f"/users/{world.alice.pk}/edit/", edit_data(world.alice, first_name=name))
    assert response.status_code == 400 and "first_name" in response.context["form"].errors
    response = admin.post(
        "/users/", {"username": "nieuw", "last_name": name, "role": "adviseur", "password": "lang-genoeg-wachtwoord"}
    )
    assert response.status_code == 400 and "last_name" in response.context["form"].errors
    response = post_initiative(world.client_for(world.alice), world.bakery, title=name)
    assert response.status_code == 400 and "title" in response.context["form"].errors
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("kvk", ["١٢٣٤٥٦٧٨", "１２３４５６７８", "1234567\u0663"])
def test_a_kvk_number_takes_ascii_digits_only(world, kvk):
    response = world.client_for(world.alice).post("/companies/new/", {**VALID, "kvk_number": kvk})
    assert response.status_code == 200  # the form again, with the message
    assert "8 cijfers" in str(response.context["form"].errors["kvk_number"])
    assert not Company.objects.filter(name=VALID["name"]).exists()


def test_a_description_over_the_limit_is_refused_at_the_field_and_by_the_suggestion(world):
    client = world.client_for(world.alice)
    too_long = (LEVEL_1_TEXT + " ") * 40
    assert len(too_long) > 5000
    response = post_initiative(client, world.bakery, description=too_long)
    assert response.status_code == 400 and "description" in response.context["form"].errors
    assert 'maxlength="5000"' in response.content.decode()
    assert not Initiative.objects.exists()
    suggestion = client.post("/initiatives/suggest/", {"description": too_long})
    assert suggestion.status_code == 400 and "hoogstens 5000 tekens" in suggestion.content.decode()
    assert client.post("/initiatives/suggest/", {"description": LEVEL_1_TEXT}).status_code == 200
