from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from groeimodel.web.accounts.services import LastAdministratorError, create_user, update_user
from groeimodel.web.audit.models import AuditRecord

User = get_user_model()


def test_a_beheerder_adds_an_ondernemer_linked_to_a_company_of_the_organisation(world):
    client = world.client_for(world.beheerder)
    response = client.post(
        "/users/",
        {"username": "nieuw", "role": "ondernemer", "company": world.florist.pk, "password": "lang-genoeg-wachtwoord"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="nieuw")
    assert (user.membership.organisation, user.membership.role, user.membership.company) == (
        world.org_a, "ondernemer", world.florist,
    )  # fmt: skip
    assert user.check_password("lang-genoeg-wachtwoord")


def test_an_ondernemer_without_a_company_is_refused_at_the_field(world):
    response = world.client_for(world.beheerder).post(
        "/users/", {"username": "nieuw", "role": "ondernemer", "password": "lang-genoeg-wachtwoord"}
    )
    assert response.status_code == 400
    assert "company" in response.context["form"].errors
    assert not User.objects.filter(username="nieuw").exists()


def test_a_company_of_another_organisation_cannot_be_linked(world):
    response = world.client_for(world.beheerder).post(
        "/users/",
        {"username": "nieuw", "role": "ondernemer", "company": world.mill.pk, "password": "lang-genoeg-wachtwoord"},
    )
    assert response.status_code == 400 and "company" in response.context["form"].errors


def test_a_weak_password_and_a_taken_username_are_named(world):
    response = world.client_for(world.beheerder).post(
        "/users/", {"username": "alice", "role": "adviseur", "password": "12345"}
    )
    assert set(response.context["form"].errors) == {"username", "password"}


def test_a_beheerder_deactivates_and_reactivates_a_user_but_not_themselves(world):
    client = world.client_for(world.beheerder)
    client.post(f"/users/{world.alice.pk}/toggle-active/")
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    client.post(f"/users/{world.alice.pk}/toggle-active/")
    world.alice.refresh_from_db()
    assert world.alice.is_active
    client.post(f"/users/{world.beheerder.pk}/toggle-active/")
    world.beheerder.refresh_from_db()
    assert world.beheerder.is_active


def test_the_user_list_shows_only_the_own_organisation(world):
    html = world.client_for(world.beheerder).get("/users/").content.decode()
    assert "alice" in html and "bob" not in html


def edit_data(user, **changes):
    m = user.membership
    data = {
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email, "role": m.role,
        "company": m.company_id or "", "is_active": "on" if user.is_active else "",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_saving_the_edit_form_untouched_changes_nothing(world):
    client = world.client_for(world.beheerder)
    form = client.get(f"/users/{world.ondernemer.pk}/edit/").context["form"]
    untouched = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in untouched.items() if v not in (None, "", False)}
    data["is_active"] = "on"
    before = (world.ondernemer.first_name, world.ondernemer.membership.role, world.ondernemer.membership.company)
    assert client.post(f"/users/{world.ondernemer.pk}/edit/", data).status_code == 302
    world.ondernemer.refresh_from_db()
    after = (world.ondernemer.first_name, world.ondernemer.membership.role, world.ondernemer.membership.company)
    assert before == after and world.ondernemer.is_active


def test_a_beheerder_changes_a_users_name_role_company_and_active_state(world):
    client = world.client_for(world.beheerder)
    data = edit_data(world.alice, first_name="Alice", last_name="Aarts", email="alice@example.org")
    data.update(role="ondernemer", company=world.florist.pk)
    data.pop("is_active")
    response = client.post(f"/users/{world.alice.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == "/users/"
    alice = User.objects.get(pk=world.alice.pk)
    assert (alice.get_full_name(), alice.email, alice.is_active) == ("Alice Aarts", "alice@example.org", False)
    assert (alice.membership.role, alice.membership.company) == ("ondernemer", world.florist)
    record = AuditRecord.objects.get(object_kind="user", object_id=alice.pk)
    assert (record.actor, record.action, record.label) == (world.beheerder, "update", "alice")


def test_an_adviseur_given_an_own_company_is_refused_at_the_field(world):
    client = world.client_for(world.beheerder)
    response = client.post(f"/users/{world.alice.pk}/edit/", edit_data(world.alice, company=world.bakery.pk))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "company": ["Alleen een ondernemer heeft een eigen bedrijf: maak dit veld leeg, of kies de rol ondernemer."]
    }
    response = client.post(
        "/users/",
        {"username": "nieuw", "role": "adviseur", "company": world.florist.pk, "password": "lang-genoeg-wachtwoord"},
    )
    assert response.status_code == 400 and set(response.context["form"].errors) == {"company"}
    assert not User.objects.filter(username="nieuw").exists()


def test_an_ondernemer_who_becomes_an_adviseur_must_lose_the_company_explicitly(world):
    client = world.client_for(world.beheerder)
    data = edit_data(world.ondernemer, role="adviseur")
    assert client.post(f"/users/{world.ondernemer.pk}/edit/", data).status_code == 400
    data.pop("company")
    assert client.post(f"/users/{world.ondernemer.pk}/edit/", data).status_code == 302
    world.ondernemer.membership.refresh_from_db()
    assert (world.ondernemer.membership.role, world.ondernemer.membership.company) == ("adviseur", None)


def test_an_ondernemer_needs_a_company_when_edited(world):
    data = edit_data(world.ondernemer)
    data.pop("company")
    response = world.client_for(world.beheerder).post(f"/users/{world.ondernemer.pk}/edit/", data)
    assert response.status_code == 400 and set(response.context["form"].errors) == {"company"}
    world.ondernemer.membership.refresh_from_db()
    assert world.ondernemer.membership.company == world.bakery


def test_the_last_active_beheerder_cannot_demote_or_deactivate_themselves(world):
    client = world.client_for(world.beheerder)
    url = f"/users/{world.beheerder.pk}/edit/"
    response = client.post(url, edit_data(world.beheerder, role="adviseur"))
    assert response.status_code == 400 and set(response.context["form"].errors) == {"role"}
    data = edit_data(world.beheerder)
    data.pop("is_active")
    response = client.post(url, data)
    assert response.status_code == 400 and set(response.context["form"].errors) == {"is_active"}
    world.beheerder.refresh_from_db()
    assert world.beheerder.is_active and world.beheerder.membership.role == "beheerder"


def test_a_beheerder_may_step_down_when_another_active_beheerder_remains(world):
    create_user(organisation=world.org_a, username="tweede", password="x", role="beheerder")
    client = world.client_for(world.beheerder)
    assert (
        client.post(f"/users/{world.beheerder.pk}/edit/", edit_data(world.beheerder, role="adviseur")).status_code
        == 302
    )
    world.beheerder.membership.refresh_from_db()
    assert world.beheerder.membership.role == "adviseur"


def test_another_organisations_active_beheerder_does_not_count(world):
    create_user(organisation=world.org_b, username="beheerder-b", password="x", role="beheerder")
    response = world.client_for(world.beheerder).post(
        f"/users/{world.beheerder.pk}/edit/", edit_data(world.beheerder, role="analist")
    )
    assert response.status_code == 400


def test_the_service_refuses_to_leave_the_organisation_without_an_active_beheerder(world):
    with pytest.raises(LastAdministratorError):
        update_user(
            actor=world.beheerder, user=world.beheerder, first_name="", last_name="", email="", role="beheerder",
            company=None, is_active=False,
        )  # fmt: skip
    world.beheerder.refresh_from_db()
    assert world.beheerder.is_active


def test_a_beheerder_sends_a_password_reset_link_that_lets_the_user_choose_a_new_password(world):
    User.objects.filter(pk=world.alice.pk).update(email="alice@example.org")
    client = world.client_for(world.beheerder)
    response = client.post(f"/users/{world.alice.pk}/send-reset/")
    assert response.status_code == 302 and response["Location"] == f"/users/{world.alice.pk}/edit/"
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Adviesbureau A" in message.body and "alice" in message.body
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    anonymous = type(client)()
    set_password = anonymous.get(path)
    assert set_password.status_code == 302
    done = anonymous.post(
        set_password["Location"],
        {"new_password1": "een-heel-nieuw-wachtwoord", "new_password2": "een-heel-nieuw-wachtwoord"},
    )
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("een-heel-nieuw-wachtwoord")


def test_no_reset_link_for_a_user_without_an_e_mail_address(world):
    response = world.client_for(world.beheerder).post(f"/users/{world.alice.pk}/send-reset/", follow=True)
    assert not mail.outbox
    assert "alice heeft geen e-mailadres" in response.content.decode()


def test_only_a_beheerder_edits_users_or_sends_reset_links(world):
    User.objects.filter(pk=world.alice.pk).update(email="alice@example.org")
    for persona in ("alice", "ondernemer", "analist"):
        client = world.client_for(getattr(world, persona))
        assert client.get(f"/users/{world.alice.pk}/edit/").status_code == 404
        assert client.post(f"/users/{world.alice.pk}/edit/", edit_data(world.alice, first_name="X")).status_code == 404
        assert client.post(f"/users/{world.alice.pk}/send-reset/").status_code == 404
    world.alice.refresh_from_db()
    assert world.alice.first_name == "" and not mail.outbox
