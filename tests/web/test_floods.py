"""Login and reset-mail floods: limits per client address (behind the trusted proxy too), bounded password checks."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client, RequestFactory

from groeimodel.web.accounts import throttle
from groeimodel.web.clientaddr import client_address

from .conftest import PASSWORD


@pytest.fixture(autouse=True)
def fresh_rate_limits(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    caches["ratelimit"].clear()
    import django_ratelimit.core

    moment = time.time()  # one window for the whole test
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_address(RequestFactory().get("/", **meta))


def test_without_a_trusted_proxy_the_connection_is_the_client_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert address("203.0.113.5") == "203.0.113.5"
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_behind_trusted_proxy_addresses_the_client_is_the_first_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ("127.0.0.1", "10.0.0.0/8")
    assert address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert address("127.0.0.1", "203.0.113.7, 10.1.2.3") == "203.0.113.7"  # two proxies of ours
    # what the client wrote itself stands left of what our proxy appended, and is ignored
    assert address("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    # a client that reaches the app directly cannot pretend to be someone else
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert address("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert address("::ffff:127.0.0.1", "2001:db8::1") == "2001:db8::1"


def test_with_a_proxy_count_the_address_that_many_hops_back_is_the_client(settings):
    settings.TRUSTED_PROXIES = 1
    assert address("10.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert address("10.0.0.1") == "10.0.0.1"
    settings.TRUSTED_PROXIES = 2
    assert address("10.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2") == "203.0.113.7"


def test_the_trusted_proxies_setting_is_checked():
    from django.core.exceptions import ImproperlyConfigured

    from groeimodel.web.clientaddr import parse_trusted_proxies

    assert parse_trusted_proxies("", behind_proxy=False) == 0
    assert parse_trusted_proxies("", behind_proxy=True) == 1
    assert parse_trusted_proxies("2", behind_proxy=True) == 2
    assert parse_trusted_proxies("127.0.0.1, 10.0.0.0/8", behind_proxy=False) == ("127.0.0.1", "10.0.0.0/8")
    with pytest.raises(ImproperlyConfigured, match="GROEIMODEL_TRUSTED_PROXIES"):
        parse_trusted_proxies("proxy.internal", behind_proxy=False)


def login(client: Client, username: str, password: str = "wrong"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_flood_of_logins_with_random_usernames_is_stopped_per_client_address(world, settings):
    settings.LOGIN_RATE = "10/m"
    flood = Client(REMOTE_ADDR="203.0.113.50")
    codes = [login(flood, f"nobody-{i}").status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    refused = login(flood, "alice", PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in flood.session
    assert "Te veel inlogpogingen vanaf uw adres" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    # another client logs in as usual
    assert login(Client(REMOTE_ADDR="203.0.113.51"), "alice", PASSWORD).status_code == 302


def test_behind_the_proxy_the_login_limit_and_the_lockout_follow_the_forwarded_client(world, settings):
    settings.TRUSTED_PROXIES = ("127.0.0.1",)
    settings.LOGIN_RATE = "10/m"
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(5):
        login(attacker, "alice")
    assert login(attacker, "alice", PASSWORD).status_code == 429  # axes: alice from the attacker's address
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert login(colleague, "alice", PASSWORD).status_code == 302  # same proxy, other client: not locked out
    for i in range(4):
        login(attacker, f"random-{i}")
    assert login(attacker, "random-x").status_code == 429  # the address limit
    spoofing = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.66")
    assert login(spoofing, "random-y").status_code == 429  # a header the client wrote itself does not help


def test_when_every_password_check_is_taken_a_login_is_told_to_try_again_at_once(world, settings):
    settings.LOGIN_WAIT_SECONDS = 0.2
    client = Client()
    slots = throttle._password_check_slots()
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        started = time.monotonic()
        response = login(client, "alice", PASSWORD)
        waited = time.monotonic() - started
        # pages that check no password answer while the checks are busy
        assert Client().get("/accounts/login/").status_code == 200
        assert world.client_for(world.beheerder).get("/companies/").status_code == 200
    finally:
        for _ in range(taken):
            slots.release()
    assert taken == settings.LOGIN_CONCURRENCY
    assert response.status_code == 503 and waited < 2
    assert "De server controleert nu andere aanmeldingen" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # the refusal counted as no failed login, and the next attempt gets its turn
    for _ in range(4):
        login(Client(), "alice")
    assert login(client, "alice", PASSWORD).status_code == 302


def reset(client: Client, email: str):
    return client.post("/accounts/password_reset/", {"email": email})


def test_reset_mails_are_limited_per_address_without_telling_whether_it_exists(world):
    world.alice.email = "alice@example.org"
    world.alice.save()
    responses = [reset(Client(REMOTE_ADDR=f"203.0.113.{i}"), "Alice@Example.org") for i in range(5)]
    assert [r.status_code for r in responses] == [302] * 5  # the same answer every time
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_client_address(world):
    client = Client(REMOTE_ADDR="203.0.113.80")
    codes = [reset(client, f"someone-{i}@example.org").status_code for i in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    world.alice.email = "alice@example.org"
    world.alice.save()
    refused = reset(client, "alice@example.org")
    assert refused.status_code == 429 and not mail.outbox
    assert "Te veel verzoeken" in refused.content.decode()


def test_an_administrator_cannot_flood_one_address_with_reset_mails(world):
    world.alice.email = "alice@example.org"
    world.alice.save()
    admin = world.client_for(world.beheerder)
    for _ in range(4):
        admin.post(f"/users/{world.alice.pk}/send-reset/")
    assert len(mail.outbox) == 3
    page = admin.get(f"/users/{world.alice.pk}/edit/").content.decode()
    assert "al een link" in page
