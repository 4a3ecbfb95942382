"""Who may see and do what: every view that touches a company or a scan goes through these helpers.

The permission table (docs/permissions.md) in code:

=====================  ==========  =====================  ==============  ========
                       beheerder   adviseur               ondernemer      analist
=====================  ==========  =====================  ==============  ========
see companies, scans   all (org)   assigned to them       their own       none
create a company       yes         yes (assigned to them) no              no
edit a company         yes         assigned to them       no              no
start, fill, submit    all (org)   assigned to them       their own       no
register initiatives   all (org)   assigned to them       their own       no
manage users           yes         no                     no              no
see aggregates         yes         no                     no              yes
=====================  ==========  =====================  ==============  ========

Anything outside the user's reach answers 404, as if it did not exist: another organisation's ids are not
confirmed. A user without a membership sees nothing.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from groeimodel.web.accounts.models import Membership, Role
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.scans.models import Scan

AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser


def membership_of(user: AnyUser) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "membership", None)


def role_of(user: AnyUser) -> str | None:
    m = membership_of(user)
    return m.role if m else None


def own_company_id(user: AnyUser) -> int | None:
    """The one company an ondernemer sees (their landing page), or None for every other role."""
    m = membership_of(user)
    if m is None or m.role != Role.ONDERNEMER:
        return None
    return m.company_id


def companies_for(user: AnyUser) -> QuerySet[Company]:
    """The companies whose data ``user`` may see."""
    m = membership_of(user)
    if m is None:
        return Company.objects.none()
    mine = Company.objects.filter(organisation_id=m.organisation_id)
    if m.role == Role.BEHEERDER:
        return mine
    if m.role == Role.ADVISEUR:
        return mine.filter(advisors=m.user_id)
    if m.role == Role.ONDERNEMER:
        return mine.filter(pk=m.company_id) if m.company_id else Company.objects.none()
    return Company.objects.none()  # analist: aggregates only


def get_company(user: AnyUser, pk: int) -> Company:
    try:
        return companies_for(user).get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def get_company_to_edit(user: AnyUser, pk: int) -> Company:
    if role_of(user) not in (Role.BEHEERDER, Role.ADVISEUR):
        raise Http404
    return get_company(user, pk)


def can_create_company(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR)


def can_manage_users(user: AnyUser) -> bool:
    return role_of(user) == Role.BEHEERDER


def can_see_aggregates(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ANALIST)


def scans_for(user: AnyUser) -> QuerySet[Scan]:
    return Scan.objects.filter(company__in=companies_for(user))


def get_scan(user: AnyUser, pk: int) -> Scan:
    try:
        return scans_for(user).select_related("company").get(pk=pk)
    except Scan.DoesNotExist:
        raise Http404 from None


def can_register_initiatives(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR, Role.ONDERNEMER)


def initiatives_for(user: AnyUser) -> QuerySet[Initiative]:
    return Initiative.objects.filter(company__in=companies_for(user))


def get_initiative(user: AnyUser, pk: int) -> Initiative:
    try:
        return initiatives_for(user).select_related("company", "decided_by").get(pk=pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
