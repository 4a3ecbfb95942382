"""Permissions are decided in access.py alone: no template or view compares role names (DESIGN §4)."""

from __future__ import annotations

import re
from pathlib import Path

import groeimodel.web

WEB = Path(groeimodel.web.__file__).resolve().parent
ROLE_NAMES = ("beheerder", "adviseur", "ondernemer", "analist")
NAMES = "|".join(ROLE_NAMES)
CONSTANTS = "|".join(r.upper() for r in ROLE_NAMES)
COMPARES_A_ROLE = re.compile(rf"""(\brole\b\s*(==|!=|\bin\b))|((==|!=)\s*['"]({NAMES})['"])|(Role\.({CONSTANTS}))""")
IN_A_TEMPLATE = re.compile(rf"""\.role\b|role\s*==|==\s*['"]({NAMES})['"]""")
# Where role names belong: the access rules, the models and forms that store and validate a role, the services
# that write it, and the demo data that creates one user per role.
ALLOWED = {"access.py", "models.py", "forms.py", "services.py", "manage.py", "demo.py"}


def test_no_template_compares_role_names():
    offenders = [
        f"{path.relative_to(WEB)}:{n}: {line.strip()}"
        for path in (WEB / "templates").rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if IN_A_TEMPLATE.search(line)
    ]
    assert not offenders, "templates get the capabilities object `can` from access.py:\n" + "\n".join(offenders)


def test_no_view_compares_role_names():
    offenders = [
        f"{path.relative_to(WEB)}:{n}: {line.strip()}"
        for path in WEB.rglob("*.py")
        if path.name not in ALLOWED and "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if COMPARES_A_ROLE.search(line) or "role_of(" in line
    ]
    assert not offenders, "views ask access.py (can_… or capabilities), never a role:\n" + "\n".join(offenders)
