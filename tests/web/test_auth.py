from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.test import Client

from .conftest import PASSWORD

GROEIMODEL = str(Path(sys.executable).parent / "groeimodel")


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_logging_in_leads_to_the_company_list_and_logging_out_ends_the_session(client, world):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").url == "/companies/"
    client.post("/accounts/logout/")
    assert client.get("/companies/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, world):
    response = login(client, "alice", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(5):
        login(client, "alice", "wrong")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    assert login(Client(), "beheerder-a", PASSWORD).status_code == 302


def test_a_user_changes_their_password(client, world):
    login(client, "alice", PASSWORD)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert login(client, "alice", "a-new-long-passphrase").status_code == 302


def test_a_weak_new_password_is_refused_at_the_field(client, world):
    login(client, "alice", PASSWORD)
    response = client.post(
        "/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"}
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, world):
    world.alice.email = "alice@example.org"
    world.alice.save()
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session key
    response = client.post(
        form_url, {"new_password1": "reset-long-passphrase", "new_password2": "reset-long-passphrase"}
    )
    assert response.status_code == 302
    assert login(Client(), "alice", "reset-long-passphrase").status_code == 302


def test_posts_without_a_csrf_token_are_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post(f"/companies/{world.bakery.pk}/scans/new/").status_code == 403


def test_every_page_has_a_content_security_policy_that_allows_only_our_own_resources(client, world):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROEIMODEL_", "DJANGO_"))}
    env.update(
        {
            "GROEIMODEL_SECRET_KEY": secrets.token_urlsafe(50),
            "GROEIMODEL_ALLOWED_HOSTS": "groeimodel.example.nl",
            "GROEIMODEL_DATA_DIR": os.environ["GROEIMODEL_DATA_DIR"],
            **extra,
        }
    )
    return env


def test_the_production_settings_pass_djangos_deployment_check():
    result = subprocess.run(
        [GROEIMODEL, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_hashes_passwords_with_argon2():
    code = "from django.contrib.auth.hashers import make_password; print(make_password('x'))"
    result = subprocess.run(
        [GROEIMODEL, "manage", "shell", "-c", code], env=production_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("argon2$")


def test_production_refuses_to_start_without_a_secret_key_or_allowed_hosts():
    env = production_env()
    del env["GROEIMODEL_SECRET_KEY"]
    result = subprocess.run([GROEIMODEL, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "GROEIMODEL_SECRET_KEY must be set" in result.stderr
    env = production_env(GROEIMODEL_SECRET_KEY="too-short")
    result = subprocess.run([GROEIMODEL, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "at least 50 characters" in result.stderr
    env = production_env()
    del env["GROEIMODEL_ALLOWED_HOSTS"]
    result = subprocess.run([GROEIMODEL, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "GROEIMODEL_ALLOWED_HOSTS must be set" in result.stderr
