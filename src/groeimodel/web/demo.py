"""Demo data: two organisations with one user per role and a few companies with scans.

Every name is made up. Answers are drawn from a seeded generator, so the demo looks the same on every machine;
passwords are random and printed once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from groeimodel.model import Model, load_model
from groeimodel.web.accounts.models import Organisation, Role
from groeimodel.web.accounts.services import create_user
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.services import save_answers, start_scan, submit_scan


@dataclass(frozen=True)
class DemoLogin:
    role: str
    organisation: str
    username: str
    password: str

    def line(self) -> str:
        return f"login: {self.role} {self.organisation} {self.username} {self.password}"


ORGANISATIONS = [
    (
        "Adviesbureau Noorderlicht",
        "noorderlicht",
        [
            ("Bakkerij Van Dijk", "C", 14, "GR", 1978),
            ("Installatietechniek Hoekstra", "F", 42, "FR", 1991),
            ("Zorgcoöperatie De Linde", "Q", 120, "DR", 2004),
            ("Ontwerpstudio Wad", "M", 6, "GR", 2016),
        ],
    ),
    (
        "Innovatiehuis Zuid",
        "innovatiehuis-zuid",
        [
            ("Metaalbewerking Brabantia", "C", 85, "NB", 1969),
            ("Transport Maasdal", "H", 33, "LI", 1988),
            ("Software Kempen", "J", 9, "NB", 2012),
        ],
    ),
]
FIRST_NAMES = {"beheerder": "Anne", "adviseur": "Bram", "ondernemer": "Carla", "analist": "Daan"}


def answers_for(model: Model, rng: random.Random, strength: float) -> dict[str, int | None]:
    """Plausible answers: a firm of ``strength`` 0..1, weaker on higher levels, with some "weet niet"."""
    answers: dict[str, int | None] = {}
    for block in model.blocks:
        block_bias = rng.gauss(0, 0.6)
        for i in block.item_indices:
            item = model.items[i]
            if rng.random() < 0.05:
                answers[item.id] = None
                continue
            mean = 2.2 + 2.8 * strength - 0.4 * (block.level - 1) + block_bias
            value = min(5, max(1, round(rng.gauss(mean, 0.7))))
            answers[item.id] = 6 - value if item.reverse else value
    return answers


def create_company_with_scans(
    *,
    organisation: Organisation,
    name: str,
    sbi: str,
    employees: int,
    province: str,
    founded: int | None,
    rng: random.Random,
    waves: int,
    draft: bool = False,
    user: Any = None,
    model: Model | None = None,
) -> Company:
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
    strength = rng.random()
    for _ in range(waves):
        scan = start_scan(company=company, user=user, model_id=model.id)
        save_answers(scan=scan, answers=answers_for(model, rng, strength))
        submit_scan(scan=scan)
        strength = min(1.0, strength + 0.12)  # firms grow between waves
    if draft:
        scan = start_scan(company=company, user=user, model_id=model.id)
        half = dict(list(answers_for(model, rng, strength).items())[: len(model.items) // 3])
        save_answers(scan=scan, answers=half)
    return company


@transaction.atomic
def load_demo(seed: int = 2026) -> list[DemoLogin]:
    """Create the demo organisations; returns one login per user with its (random) password."""
    rng = random.Random(seed)
    model = load_model()
    logins: list[DemoLogin] = []
    for org_name, slug, companies in ORGANISATIONS:
        org = Organisation.objects.create(name=org_name, slug=slug)
        created = []
        for i, (name, sbi, employees, province, founded) in enumerate(companies):
            created.append(
                create_company_with_scans(
                    organisation=org,
                    name=name,
                    sbi=sbi,
                    employees=employees,
                    province=province,
                    founded=founded,
                    rng=rng,
                    waves=1 + (i % 3 == 0),
                    draft=i == 1,
                    model=model,
                )
            )
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
