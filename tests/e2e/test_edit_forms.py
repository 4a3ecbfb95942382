"""Every edit form round-trips every field: opened and saved untouched, nothing stored changes.

(A date input that received ``01-03-2026`` instead of ``2026-03-01`` once wiped an initiative's start date.)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from playwright.sync_api import Page, expect

from .conftest import demo_login

VOLATILE = {"updated_at"}


def stored(obj: Any) -> dict[str, Any]:
    obj.refresh_from_db()
    data = model_to_dict(obj)
    data |= {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields}  # non-editable fields too
    for name in VOLATILE:
        data.pop(name, None)
    for name, value in list(data.items()):
        if isinstance(value, list) and value and hasattr(value[0], "pk"):
            data[name] = sorted(v.pk for v in value)
    return data


def sign_in(page: Page, site: str, login: Any, language: str) -> None:
    """Log in (any role, wherever it lands) and choose the language."""
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_username").fill(login.username)
    page.locator("#id_password").fill(login.password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header nav")).to_be_visible()
    if language == "en":
        page.locator("header form.lang button[value=en]").click()


def save_untouched(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("main form button[type=submit].primary").click()
    expect(page).not_to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator(".errorlist")).to_have_count(0)


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["nl", "en"])
def test_saving_the_initiative_and_business_case_form_untouched_changes_nothing(
    page: Page, site: str, demo_logins: list[Any], language: str
) -> None:
    from groeimodel.web.initiatives.models import Initiative
    from groeimodel.web.initiatives.services import save_initiative

    login = demo_login(demo_logins, "adviseur", "noorderlicht")
    sign_in(page, site, login, language)
    user = get_user_model().objects.get(username=login.username)
    company = user.advised_companies.order_by("pk").first()
    initiative = save_initiative(
        user=user,
        company=company,
        data={
            "title": "Flexwerkplekken",
            "description": "We richten flexwerkplekken in en werken deels thuis, zodat we groeien zonder extra ruimte.",
            "status": Initiative.Status.RUNNING,
            "start_date": dt.date(2026, 3, 1),
            "owner": "Fatma de Boer",
            "blocks": ["l1.flexwerken", "l1.digitaal"],
            "investment": Decimal("20000.50"),
            "annual_benefit": Decimal("50000.00"),
            "annual_cost": Decimal("1250.75"),
            "years": 7,
            "discount_rate": Decimal("8.50"),
        },
        level_choice="2",  # overridden by hand: the form must keep that choice too
        indicators={"kosten_bespaard": 48000.0, "uren_bespaard": 320.5, "werkgelegenheid": 8.0},
    )
    before = stored(initiative)
    save_untouched(page, f"{site}/initiatives/{initiative.pk}/edit/")
    after = stored(initiative)
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, changed


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["nl", "en"])
def test_saving_the_company_form_untouched_changes_nothing(
    page: Page, site: str, demo_logins: list[Any], language: str
) -> None:
    login = demo_login(demo_logins, "beheerder", "noorderlicht")
    sign_in(page, site, login, language)
    user = get_user_model().objects.get(username=login.username)
    company = user.membership.organisation.companies.order_by("pk").first()
    company.founding_year = 1987
    company.kvk_number = "12345678"
    company.save()
    before = stored(company)
    save_untouched(page, f"{site}/companies/{company.pk}/edit/")
    assert stored(company) == before


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["nl", "en"])
def test_saving_the_user_form_untouched_changes_nothing(
    page: Page, site: str, demo_logins: list[Any], language: str
) -> None:
    login = demo_login(demo_logins, "beheerder", "noorderlicht")
    sign_in(page, site, login, language)
    owner = get_user_model().objects.get(username=demo_login(demo_logins, "ondernemer", "noorderlicht").username)
    owner.first_name, owner.last_name, owner.email = "Fatma", "de Boer", "fatma@example.nl"
    owner.save()
    before_user, before_membership = stored(owner), stored(owner.membership)
    save_untouched(page, f"{site}/users/{owner.pk}/edit/")
    assert stored(owner) == before_user
    assert stored(owner.membership) == before_membership


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["nl", "en"])
def test_saving_the_wave_growth_form_untouched_changes_nothing(
    page: Page, site: str, demo_logins: list[Any], language: str
) -> None:
    from groeimodel.web.scans.models import Wave

    login = demo_login(demo_logins, "adviseur", "noorderlicht")
    sign_in(page, site, login, language)
    user = get_user_model().objects.get(username=login.username)
    wave = Wave.objects.filter(company__advisors=user, number=1).order_by("pk").first()
    assert wave is not None
    # every kind of value: a fraction of an FTE, cents, a loss, a percentage with decimals, level indicators
    Wave.objects.filter(pk=wave.pk).update(
        date=dt.date(2025, 3, 1),
        employees_fte=Decimal("12.5"),
        revenue=Decimal("1250000.50"),
        added_value=Decimal("480000.00"),
        profit=Decimal("-12500.25"),
        export_share=Decimal("12.75"),
        level_indicators={"kosten_bespaard": 48000.0, "uren_bespaard": 320.5, "ideeen_ingevoerd": 7.0},
    )
    before = stored(wave)
    save_untouched(page, f"{site}/waves/{wave.pk}/growth/")
    after = stored(wave)
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not changed, changed
