"""Personas in one place: organisation A with a beheerder, an adviseur, an ondernemer and an analist;
organisation B with its own adviseur. Alice advises A's first two companies; Bob advises B's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from groeimodel.web.accounts.models import Organisation
from groeimodel.web.accounts.services import create_user
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.services import save_answers, start_scan, submit_scan

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    beheerder: Any
    alice: Any  # adviseur of A
    ondernemer: Any  # owns bakery
    analist: Any
    bob: Any  # adviseur of B
    bakery: Company  # A, advised by alice, owned by ondernemer
    garage: Company  # A, advised by alice
    florist: Company  # A, no advisor
    mill: Company  # B, advised by bob

    def client_for(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client


def make_company(org: Organisation, name: str, **extra: Any) -> Company:
    data = {"sbi_section": "C", "employees": 12, "province": "GE", **extra}
    return Company.objects.create(organisation=org, name=name, **data)


def full_answers(model: Any, value: int) -> dict[str, int | None]:
    return {item.id: (6 - value if item.reverse else value) for item in model.items}


@pytest.fixture(autouse=True)
def _fresh_peer_indexes() -> Any:
    """Each test starts without the benchmark's kept peer indexes (rolled-back tests reuse ids)."""
    from groeimodel.web.scans.benchmark import clear_peer_indexes

    clear_peer_indexes()
    yield
    clear_peer_indexes()


@pytest.fixture
def world(db: Any) -> World:
    org_a = Organisation.objects.create(name="Adviesbureau A", slug="a")
    org_b = Organisation.objects.create(name="Adviesbureau B", slug="b")
    bakery = make_company(org_a, "Bakkerij Aaldering", kvk_number="12345678")
    garage = make_company(org_a, "Garage Aarts", sbi_section="G", employees=60, province="UT")
    florist = make_company(org_a, "Bloemist Abels", sbi_section="G", employees=3)
    mill = make_company(org_b, "Molen Bakker", employees=30)

    def user(org: Organisation, name: str, role: str, company: Company | None = None) -> Any:
        return create_user(organisation=org, username=name, password=PASSWORD, role=role, company=company)

    w = World(
        org_a=org_a,
        org_b=org_b,
        beheerder=user(org_a, "beheerder-a", "beheerder"),
        alice=user(org_a, "alice", "adviseur"),
        ondernemer=user(org_a, "ondernemer-a", "ondernemer", bakery),
        analist=user(org_a, "analist-a", "analist"),
        bob=user(org_b, "bob", "adviseur"),
        bakery=bakery,
        garage=garage,
        florist=florist,
        mill=mill,
    )
    bakery.advisors.add(w.alice)
    garage.advisors.add(w.alice)
    mill.advisors.add(w.bob)
    return w


def submitted_scan(company: Company, value: int = 4) -> Any:
    scan = start_scan(company=company, user=None)
    from groeimodel.web.scans.services import model_of

    save_answers(scan=scan, answers=full_answers(model_of(scan), value))
    submit_scan(scan=scan)
    scan.refresh_from_db()
    return scan
