from __future__ import annotations

import re

from groeimodel.web.accounts.models import Membership, Organisation
from groeimodel.web.demo import load_demo
from groeimodel.web.scans.models import Response


def test_the_demo_has_two_organisations_each_with_one_user_per_role_and_scored_companies(db):
    logins = load_demo()
    assert Organisation.objects.count() == 2
    assert len(logins) == 8
    for org in Organisation.objects.all():
        roles = sorted(Membership.objects.filter(organisation=org).values_list("role", flat=True))
        assert roles == ["adviseur", "analist", "beheerder", "ondernemer"]
        assert org.companies.count() >= 3
        assert Response.objects.filter(wave__company__organisation=org, status="submitted").count() >= 3
        assert Response.objects.filter(wave__company__organisation=org, status="draft").count() == 1
    line = logins[1].line()
    assert re.fullmatch(r"login: adviseur noorderlicht noorderlicht-adviseur \S{12,}", line)


def test_demo_passwords_are_random_and_work(db, client):
    logins = load_demo()
    assert len({login.password for login in logins}) == len(logins)
    advisor = next(login for login in logins if login.role == "adviseur")
    response = client.post("/accounts/login/", {"username": advisor.username, "password": advisor.password})
    assert response.status_code == 302


def test_the_demo_follows_companies_over_three_waves_a_year_apart_with_growth_figures_and_initiatives(db):
    from groeimodel.web.initiatives.models import Initiative
    from groeimodel.web.scans.models import ScoreRow, Wave

    load_demo()
    followed = Wave.objects.filter(number=2, responses__status="submitted").values_list("company", flat=True)
    assert len(followed) >= 2
    trends = []
    for company in followed:
        waves = list(Wave.objects.filter(company=company).order_by("number")[:3])
        assert [w.date.year for w in waves] == [2024, 2025, 2026]
        assert all(w.revenue and w.employees_fte and w.export_share is not None for w in waves)
        level_1 = dict(
            ScoreRow.objects.filter(company=company, respondent="management", block="", level=1).values_list(
                "wave__number", "score"
            )
        )
        trends.append(level_1[2] - level_1[0])
        assert Initiative.objects.filter(company=company).exists()
    assert any(t > 0 for t in trends) and any(t < 0 for t in trends)  # most rise, one falls
    assert sum(t > 0 for t in trends) > sum(t < 0 for t in trends)


def test_the_demo_has_an_employee_round_with_enough_answers_and_one_with_too_few(db):
    from groeimodel.web.demo import load_demo
    from groeimodel.web.invitations.models import EmployeeRound

    load_demo()
    counts = sorted(EmployeeRound.objects.values_list("answered", flat=True))
    assert counts[0] < 5 <= counts[-1]
    from groeimodel.web.scans.models import Response

    for r in EmployeeRound.objects.all():
        assert Response.objects.filter(wave=r.wave, respondent="employee").count() == r.answered
