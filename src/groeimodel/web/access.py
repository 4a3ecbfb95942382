"""Who may see and do what: every view that touches a company or a scan goes through these helpers.

The permission table (docs/permissions.md) in code:

=====================  ==========  =====================  ==============  ========
                       beheerder   adviseur               ondernemer      analist
=====================  ==========  =====================  ==============  ========
see companies, scans   all (org)   assigned to them       their own       none
create a company       yes         yes (assigned to them) no              no
edit a company         yes         assigned to them       no              no
start, fill, submit    all (org)   assigned to them       their own       no
record growth figures  all (org)   assigned to them       their own       no
open, close an         all (org)   assigned to them       their own       no
employee round
register initiatives   all (org)   assigned to them       their own       no
delete a draft scan    all (org)   assigned to them       their own       no
delete an initiative   all (org)   assigned to them       their own       no
archive a company      yes         assigned to them       no              no
restore, delete for    yes         no                     no              no
good (archived)
manage users           yes         no                     no              no
see aggregates         yes         no                     no              yes
export a company       all (org),  assigned to them       their own       no
(privacy export)       archived too
read the audit log     yes (org)   no                     no              no
export the monitor     yes         no                     no              yes
export wave data       yes         no                     no              no
=====================  ==========  =====================  ==============  ========

An archived company is hidden from every list, count and aggregate, and from every selector below except
``archived_companies_for`` and ``get_archived_company``. A submitted scan is never deleted.

Anything outside the user's reach answers 404, as if it did not exist: another organisation's ids are not
confirmed. A user without a membership sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from groeimodel.web.accounts.models import Membership, Organisation, Role
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.scans.models import Respondent, Response, Wave

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
    mine = Company.objects.filter(organisation_id=m.organisation_id, archived_at__isnull=True)
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


def can_edit_company(user: AnyUser, company: Company) -> bool:
    """Whether ``user`` may edit (and archive) ``company``, a company they can see."""
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR) and companies_for(user).filter(pk=company.pk).exists()


def get_company_to_archive(user: AnyUser, pk: int) -> Company:
    """Whoever may edit a company may archive it."""
    return get_company_to_edit(user, pk)


def can_restore_companies(user: AnyUser) -> bool:
    """The archive (restore, delete for good) is the administrator's."""
    return role_of(user) == Role.BEHEERDER


def archived_companies_for(user: AnyUser) -> QuerySet[Company]:
    m = membership_of(user)
    if m is None or not can_restore_companies(user):
        return Company.objects.none()
    return Company.objects.filter(organisation_id=m.organisation_id, archived_at__isnull=False)


def get_archived_company(user: AnyUser, pk: int) -> Company:
    try:
        return archived_companies_for(user).get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def can_create_company(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR)


def can_manage_users(user: AnyUser) -> bool:
    return role_of(user) == Role.BEHEERDER


def can_see_aggregates(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ANALIST)


def aggregate_companies_for(user: AnyUser) -> QuerySet[Company]:
    """The companies that ``user``'s aggregates (the monitor) cover: the organisation's non-archived companies,
    for those who may see aggregates; none for anyone else. Never shown one by one."""
    m = membership_of(user)
    if m is None or not can_see_aggregates(user):
        return Company.objects.none()
    return Company.objects.filter(organisation_id=m.organisation_id, archived_at__isnull=True)


def aggregate_organisations_for(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations whose non-archived companies ``user``'s aggregates (the monitor, read from its cells)
    cover: the user's own, for those who may see aggregates; none for anyone else."""
    m = membership_of(user)
    if m is None or not can_see_aggregates(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=m.organisation_id)


def can_export_wave_data(user: AnyUser) -> bool:
    """The organisation's wave data at block level (one row per scan, companies by internal number) is the
    administrator's; everyone else sees the firms only through the monitor's protected tables."""
    return role_of(user) == Role.BEHEERDER


def wave_data_companies_for(user: AnyUser) -> QuerySet[Company]:
    """The companies whose wave data ``user`` may export: the organisation's non-archived companies, for the
    administrator; none for anyone else."""
    m = membership_of(user)
    if m is None or not can_export_wave_data(user):
        return Company.objects.none()
    return Company.objects.filter(organisation_id=m.organisation_id, archived_at__isnull=True)


def national_companies() -> QuerySet[Company]:
    """The companies the public national monitor covers: every organisation's non-archived companies. Only ever
    aggregated (k-anonymously), never shown one by one."""
    return Company.objects.filter(archived_at__isnull=True)


def national_organisations() -> QuerySet[Organisation]:
    """The organisations whose non-archived companies the public national monitor covers: all of them."""
    return Organisation.objects.all()


def waves_for(user: AnyUser) -> QuerySet[Wave]:
    return Wave.objects.filter(company__in=companies_for(user))


def get_wave(user: AnyUser, pk: int) -> Wave:
    try:
        return waves_for(user).select_related("company").get(pk=pk)
    except Wave.DoesNotExist:
        raise Http404 from None


def get_wave_to_record(user: AnyUser, pk: int) -> Wave:
    """A wave whose growth figures and date the user may record: whoever runs the company's scans."""
    if not can_run_scans(user):
        raise Http404
    return get_wave(user, pk)


def get_wave_for_round(user: AnyUser, pk: int) -> Wave:
    """A wave whose employee round the user may open, show and close; 404 for everyone else."""
    if not can_run_scans(user):
        raise Http404
    return get_wave(user, pk)


def scans_for(user: AnyUser) -> QuerySet[Response]:
    """The owner's (management) responses, "scans" in the app, of the companies the user may see. Employees'
    responses are never reachable one by one: they are shown only as aggregates of the wave."""
    return Response.objects.filter(wave__company__in=companies_for(user), respondent=Respondent.MANAGEMENT)


def open_scan_id(company: Company) -> int | None:
    """The id of the unfinished (draft) owner's scan of ``company``, a company from :func:`get_company`, or None."""
    drafts = Response.objects.filter(
        wave__company=company, respondent=Respondent.MANAGEMENT, status=Response.Status.DRAFT
    )
    pk: int | None = drafts.values_list("pk", flat=True).first()
    return pk


def get_scan(user: AnyUser, pk: int) -> Response:
    try:
        return scans_for(user).select_related("wave", "wave__company").get(pk=pk)
    except Response.DoesNotExist:
        raise Http404 from None


def can_delete_draft_scans(user: AnyUser) -> bool:
    """Whoever may fill in a company's scan may throw its draft away."""
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR, Role.ONDERNEMER)


def get_draft_scan_to_delete(user: AnyUser, pk: int) -> Response:
    """A draft scan the user may delete; a submitted scan answers 404 like anything out of reach."""
    if not can_delete_draft_scans(user):
        raise Http404
    try:
        return scans_for(user).select_related("wave", "wave__company").get(pk=pk, status=Response.Status.DRAFT)
    except Response.DoesNotExist:
        raise Http404 from None


def can_run_scans(user: AnyUser) -> bool:
    """Start, fill and submit a scan; record a wave's growth figures; open and close an employee round."""
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR, Role.ONDERNEMER)


def can_see_companies(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR, Role.ONDERNEMER)


def can_edit_companies(user: AnyUser) -> bool:
    """Edit and archive the companies in reach (``get_company_to_edit`` narrows it to those)."""
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR)


def can_register_initiatives(user: AnyUser) -> bool:
    return role_of(user) in (Role.BEHEERDER, Role.ADVISEUR, Role.ONDERNEMER)


def initiatives_for(user: AnyUser) -> QuerySet[Initiative]:
    return Initiative.objects.filter(company__in=companies_for(user))


def get_initiative(user: AnyUser, pk: int) -> Initiative:
    try:
        return initiatives_for(user).select_related("company", "decided_by").get(pk=pk)
    except Initiative.DoesNotExist:
        raise Http404 from None


def get_initiative_to_delete(user: AnyUser, pk: int) -> Initiative:
    """Whoever may register and edit a company's initiatives may delete one."""
    if not can_register_initiatives(user):
        raise Http404
    return get_initiative(user, pk)


def users_for(user: AnyUser) -> QuerySet[Any]:
    """The users of the organisation, for its administrator."""
    m = membership_of(user)
    if m is None or not can_manage_users(user):
        return get_user_model().objects.none()
    return get_user_model().objects.filter(membership__organisation_id=m.organisation_id)


def get_user_to_manage(user: AnyUser, pk: int) -> Any:
    try:
        return users_for(user).select_related("membership", "membership__company").get(pk=pk)
    except get_user_model().DoesNotExist:
        raise Http404 from None


def can_export_companies(user: AnyUser) -> bool:
    """The privacy export of a company's data: whoever may see the company (the firm's own ondernemer too: it is
    their data); the administrator also from the archive, before deleting a company for good."""
    return can_see_companies(user)


def get_company_to_export(user: AnyUser, pk: int) -> Company:
    if not can_export_companies(user):
        raise Http404
    try:
        return (companies_for(user) | archived_companies_for(user)).get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def can_read_audit(user: AnyUser) -> bool:
    return role_of(user) == Role.BEHEERDER


def audit_records_for(user: AnyUser) -> QuerySet[AuditRecord]:
    """The organisation's audit log, for its administrator; nothing for anyone else."""
    m = membership_of(user)
    if m is None or not can_read_audit(user):
        return AuditRecord.objects.none()
    return AuditRecord.objects.filter(organisation_id=m.organisation_id)


@dataclass(frozen=True)
class Capabilities:
    """What the user may do, for templates and views: nobody else compares role names."""

    see_companies: bool
    create_company: bool
    edit_companies: bool
    run_scans: bool
    delete_draft_scans: bool
    register_initiatives: bool
    restore_companies: bool
    manage_users: bool
    see_aggregates: bool
    export_companies: bool = False
    read_audit: bool = False


def capabilities(user: AnyUser) -> Capabilities:
    return Capabilities(
        see_companies=can_see_companies(user),
        create_company=can_create_company(user),
        edit_companies=can_edit_companies(user),
        run_scans=can_run_scans(user),
        delete_draft_scans=can_delete_draft_scans(user),
        register_initiatives=can_register_initiatives(user),
        restore_companies=can_restore_companies(user),
        manage_users=can_manage_users(user),
        see_aggregates=can_see_aggregates(user),
        export_companies=can_export_companies(user),
        read_audit=can_read_audit(user),
    )
