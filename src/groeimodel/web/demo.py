"""Demo data: two organisations with one user per role and companies with scans over the waves T0, T1, T2, their
growth figures and initiatives.

Every name is made up. Answers are drawn from a seeded generator, so the demo looks the same on every machine;
passwords are random and printed once.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from groeimodel.model import Model, load_model
from groeimodel.web.accounts.models import Organisation, Role
from groeimodel.web.accounts.services import create_user
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.scans.models import Response, Wave
from groeimodel.web.scans.services import save_answers, start_scan, submit_scan


@dataclass(frozen=True)
class DemoLogin:
    role: str
    organisation: str
    username: str
    password: str

    def line(self) -> str:
        return f"login: {self.role} {self.organisation} {self.username} {self.password}"


# Per company: name, SBI section, employees, province, founding year, the firm's strength at each submitted wave
# (T0, T1, T2 a year apart: most grow, De Linde falls back), its yearly revenue growth, and whether an open draft
# follows (one per organisation).
ORGANISATIONS: list[tuple[str, str, list[tuple[str, str, int, str, int, tuple[float, ...], float, bool]]]] = [
    (
        "Adviesbureau Noorderlicht",
        "noorderlicht",
        [
            ("Bakkerij Van Dijk", "C", 14, "GR", 1978, (0.35, 0.5, 0.65), 0.06, False),
            ("Installatietechniek Hoekstra", "F", 42, "FR", 1991, (0.45, 0.6), 0.09, True),
            ("Zorgcoöperatie De Linde", "Q", 120, "DR", 2004, (0.75, 0.6, 0.45), -0.04, False),
            ("Ontwerpstudio Wad", "M", 6, "GR", 2016, (0.5,), 0.12, False),
        ],
    ),
    (
        "Innovatiehuis Zuid",
        "innovatiehuis-zuid",
        [
            ("Metaalbewerking Brabantia", "C", 85, "NB", 1969, (0.3, 0.45, 0.6), 0.05, False),
            ("Transport Maasdal", "H", 33, "LI", 1988, (0.4,), 0.02, True),
            ("Software Kempen", "J", 9, "NB", 2012, (0.55, 0.7, 0.8), 0.15, False),
        ],
    ),
]
FIRST_WAVE_YEAR = 2024

# Initiatives per level (made up), given to the companies in turn: the level is the advisor's decision.
INITIATIVES: list[tuple[int, str, str, list[str]]] = [
    (1, "Digitale orderadministratie",
     "We vervangen de papieren orderbonnen door een digitaal systeem, zodat we minder fouten maken en tijd besparen.",
     ["l1.digitaal"]),
    (2, "Ideeënbus op de werkvloer",
     "Medewerkers dragen elke maand verbeteringen aan; een team kiest er twee uit en voert ze samen in.",
     []),
    (3, "Zelfsturende teams",
     "We richten de planning anders in: teams plannen hun eigen werk en dragen samen verantwoordelijkheid.",
     []),
    (4, "Werkervaringsplekken met de gemeente",
     "Samen met de gemeente en twee scholen zetten we een leerwerkplaats op voor jongeren zonder diploma.",
     []),
    (0, "Nieuwe bezorgbus",
     "We kopen een elektrische bezorgbus om meer klanten in de regio te bedienen.",
     []),
]  # fmt: skip
FIRST_NAMES = {"beheerder": "Anne", "adviseur": "Bram", "ondernemer": "Carla", "analist": "Daan"}


def answers_for(
    model: Model, rng: random.Random, strength: float, biases: dict[str, float] | None = None
) -> dict[str, int | None]:
    """Plausible answers: a firm of ``strength`` 0..1, weaker on higher levels, with some "weet niet". A firm's
    strong and weak blocks (``biases``) stay the same from wave to wave, so its trend shows through."""
    answers: dict[str, int | None] = {}
    for block in model.blocks:
        block_bias = biases[block.id] if biases is not None else rng.gauss(0, 0.6)
        for i in block.item_indices:
            item = model.items[i]
            if rng.random() < 0.05:
                answers[item.id] = None
                continue
            mean = 2.2 + 2.8 * strength - 0.4 * (block.level - 1) + block_bias
            value = min(5, max(1, round(rng.gauss(mean, 0.7))))
            answers[item.id] = 6 - value if item.reverse else value
    return answers


def growth_figures(employees: int, wave: int, growth: float, rng: random.Random) -> dict[str, Any]:
    """Growth figures (IGM) that go with a firm of ``employees`` growing ``growth`` a year, at wave ``wave``."""
    factor = (1 + growth) ** wave
    revenue = employees * 92_000 * factor * rng.uniform(0.95, 1.05)
    return {
        "employees_fte": Decimal(f"{employees * 0.85 * (1 + growth / 2) ** wave:.1f}"),
        "revenue": Decimal(f"{revenue:.2f}"),
        "added_value": Decimal(f"{revenue * 0.42:.2f}"),
        "profit": Decimal(f"{revenue * (0.03 + 0.2 * growth):.2f}"),
        "export_share": Decimal(f"{max(0.0, 8 + 40 * growth + 2 * wave):.1f}"),
    }


def create_company_with_scans(
    *,
    organisation: Organisation,
    name: str,
    sbi: str,
    employees: int,
    province: str,
    founded: int | None,
    rng: random.Random,
    strengths: tuple[float, ...],
    growth: float = 0.05,
    draft: bool = False,
    user: Any = None,
    model: Model | None = None,
) -> Company:
    """A company with a submitted scan and growth figures per strength, a year apart from FIRST_WAVE_YEAR."""
    model = model or load_model()
    company: Company = Company.objects.create(
        organisation=organisation,
        name=name,
        kvk_number=f"{rng.randrange(10**7, 10**8)}",
        sbi_section=sbi,
        employees=employees,
        province=province,
        founding_year=founded,
    )
    biases = {block.id: rng.gauss(0, 0.5) for block in model.blocks}
    level_1 = [ind.id for ind in model.level(1).indicators if ind.business_case is None]
    month, day = rng.randrange(2, 11), rng.randrange(1, 28)
    for number, strength in enumerate(strengths):
        scan = start_scan(company=company, user=user, model_id=model.id)
        save_answers(scan=scan, answers=answers_for(model, rng, strength, biases))
        submit_scan(scan=scan)
        day_of_wave = dt.date(FIRST_WAVE_YEAR + number, month, day)
        moment = dt.datetime(day_of_wave.year, month, day, 10, tzinfo=dt.UTC)
        indicators = {ind: float(round(strength * 400 * (number + 1))) for ind in level_1} if number else {}
        Wave.objects.filter(pk=scan.wave_id).update(
            date=day_of_wave, level_indicators=indicators, **growth_figures(employees, number, growth, rng)
        )
        Response.objects.filter(pk=scan.pk).update(submitted_at=moment)
    if draft:
        scan = start_scan(company=company, user=user, model_id=model.id)
        half = dict(list(answers_for(model, rng, strengths[-1], biases).items())[: len(model.items) // 3])
        save_answers(scan=scan, answers=half)
    return company


def add_initiatives(company: Company, first: int, count: int) -> None:
    """``count`` of the demo initiatives, from the ``first``; the level as an advisor decided it."""
    now = timezone.now()
    Initiative.objects.bulk_create(
        Initiative(
            company=company,
            title=title,
            description=description,
            status=Initiative.Status.RUNNING if k % 2 else Initiative.Status.IDEA,
            level=level,
            suggested_level=level,
            decided_at=now,
            blocks=blocks,
        )
        for k, (level, title, description, blocks) in enumerate(
            INITIATIVES[(first + j) % len(INITIATIVES)] for j in range(count)
        )
    )


@transaction.atomic
def add_employee_round(company: Company, *, answers: int, rng: random.Random, closed: bool) -> None:
    """An employee round on the company's latest submitted wave with ``answers`` anonymous answers. Employees see
    the firm a little less rosy than its owner, and one block (the decision structure) much less."""
    from groeimodel.web.invitations.models import EmployeeRound
    from groeimodel.web.scans.services import model_of, submit_employee_response

    latest = (
        Response.objects.filter(wave__company=company, respondent="management", status=Response.Status.SUBMITTED)
        .select_related("wave")
        .order_by("-wave__number")
        .first()
    )
    if latest is None:
        return
    wave = latest.wave
    model = model_of(wave)
    owner = dict(latest.answers.values_list("item_id", "value"))
    for n in range(answers):
        given: dict[str, int | None] = {}
        for item in model.items:
            value = owner.get(item.id)
            if value is None:
                given[item.id] = None
                continue
            plain = 6 - value if item.reverse else value
            drop = 2 if item.id.startswith("l3.besluitvorming") else rng.choice((0, 0, 1))
            plain = min(5, max(1, plain - drop + rng.choice((-1, 0, 0, 1))))
            given[item.id] = 6 - plain if item.reverse else plain
        submit_employee_response(wave=wave, answers=given, leads_people=n % 3 == 0)
    EmployeeRound.objects.create(
        wave=wave, answered=answers, closed_at=timezone.now() if closed else None, opened_by=None
    )


def load_demo(seed: int = 2026) -> list[DemoLogin]:
    """Create the demo organisations; returns one login per user with its (random) password."""
    rng = random.Random(seed)
    model = load_model()
    logins: list[DemoLogin] = []
    for org_name, slug, companies in ORGANISATIONS:
        org = Organisation.objects.create(name=org_name, slug=slug)
        created = []
        for i, (name, sbi, employees, province, founded, strengths, growth, draft) in enumerate(companies):
            company = create_company_with_scans(
                organisation=org,
                name=name,
                sbi=sbi,
                employees=employees,
                province=province,
                founded=founded,
                rng=rng,
                strengths=strengths,
                growth=growth,
                draft=draft,
                model=model,
            )
            if len(strengths) > 1:
                add_initiatives(company, first=i, count=2 + i % 2)
            created.append(company)
        # Employee rounds: one with enough answers to show the employees' view, one with too few.
        add_employee_round(created[0], answers=6, rng=rng, closed=True)
        if len(created) > 1:
            add_employee_round(created[1], answers=3, rng=rng, closed=False)
        for role in ("beheerder", "adviseur", "ondernemer", "analist"):
            username = f"{slug.split('-')[0]}-{role}"
            password = secrets.token_urlsafe(12)
            user = create_user(
                organisation=org,
                username=username,
                password=password,
                role=role,
                company=created[0] if role == Role.ONDERNEMER else None,
                first_name=FIRST_NAMES[role],
                last_name=org_name.split()[-1],
            )
            if role == Role.ADVISEUR:
                for company in created[:-1]:  # the last company has another advisor: not visible to this one
                    company.advisors.add(user)
            logins.append(DemoLogin(role, slug, username, password))
    return logins
