from __future__ import annotations

from django.contrib.auth import get_user_model

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
