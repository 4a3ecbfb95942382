"""Personal API tokens: made and revoked on /account/tokens/, shown once, stored hashed, with an expiry."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groeimodel.web.api.models import ApiToken
from groeimodel.web.api.tokens import create_token

from .api_client import ApiClient, assert_error


def make_on_the_page(client, name: str = "CRM-koppeling", days: int = 90) -> str:
    response = client.post("/account/tokens/", {"name": name, "days": days})
    assert response.status_code == 200
    match = re.search(r'value="(gm_[0-9a-f]{8}_[A-Za-z0-9_-]{43})"', response.content.decode())
    assert match, "the new token is shown"
    assert response["Cache-Control"] == "private, no-store"
    return match.group(1)


def test_a_token_made_on_the_page_works_once_shown_and_is_stored_only_hashed(world):
    client = world.client_for(world.alice)
    assert "API-tokens" in client.get("/account/tokens/").content.decode()
    secret = make_on_the_page(client)
    token = ApiToken.objects.get(user=world.alice)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and secret not in {token.prefix, token.digest, token.name}
    page = client.get("/account/tokens/").content.decode()
    assert secret not in page and token.prefix in page and "CRM-koppeling" in page
    assert ApiClient(token=secret).get("/api/v1/companies").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("days", [30, 365])
def test_the_expiry_is_chosen_on_the_page(world, days):
    make_on_the_page(world.client_for(world.alice), days=days)
    expires = ApiToken.objects.get().expires_at
    assert abs(expires - (timezone.now() + timedelta(days=days))) < timedelta(minutes=1)


def test_a_bad_token_form_names_the_field_and_makes_nothing(world):
    response = world.client_for(world.alice).post("/account/tokens/", {"name": "", "days": 7})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode() or "aria-invalid" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_default_expiry_is_90_days(world):
    token = create_token(user=world.alice, name="x").token
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_an_expired_token_is_401(world):
    made = create_token(user=world.alice, name="x")
    ApiToken.objects.filter(pk=made.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(ApiClient(token=made.secret).get("/api/v1/models"), 401)


def test_a_revoked_token_is_401(world):
    client = world.client_for(world.alice)
    secret = make_on_the_page(client)
    token = ApiToken.objects.get()
    assert "Token intrekken" in client.get(f"/account/tokens/{token.pk}/revoke/").content.decode()
    assert ApiClient(token=secret).get("/api/v1/models").status_code == 200
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert_error(ApiClient(token=secret).get("/api/v1/models"), 401)
    assert "ingetrokken" in client.get("/account/tokens/").content.decode()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_a_deactivated_users_token_is_401(world):
    secret = create_token(user=world.alice, name="x").secret
    world.alice.is_active = False
    world.alice.save()
    assert_error(ApiClient(token=secret).get("/api/v1/models"), 401)


def test_a_token_with_the_right_prefix_but_a_wrong_secret_is_401(world):
    made = create_token(user=world.alice, name="x")
    forged = made.token.prefix + "_" + "A" * 43
    assert_error(ApiClient(token=forged).get("/api/v1/models"), 401)


@pytest.mark.parametrize("who", ["beheerder", "alice", "ondernemer", "analist", "bob"])
def test_nobody_revokes_or_sees_another_users_token(world, who):
    token = create_token(user=world.ondernemer if who != "ondernemer" else world.alice, name="geheim").token
    client = world.client_for(getattr(world, who))
    assert "geheim" not in client.get("/account/tokens/").content.decode()
    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_needs_a_login(client):
    assert client.get("/account/tokens/").status_code == 302
