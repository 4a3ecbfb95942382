"""Companies: list (filtered, paged), create, read, update, archive; through the web app's access rules and form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError, form_errors, invalid
from groeimodel.web.api.schemas import PageOut, StrictInt, responses
from groeimodel.web.companies.forms import CompanyForm
from groeimodel.web.companies.models import Company, Province, SbiSection, SizeClass
from groeimodel.web.companies.services import archive_company, create_company, update_company

router = Router(tags=["companies"])

FIELDS = ("name", "kvk_number", "sbi_section", "employees", "province", "founding_year")


class AdvisorOut(Schema):
    id: int
    name: str


class CompanyOut(Schema):
    id: int
    name: str
    kvk_number: str
    sbi_section: str
    employees: int
    size_class: str
    province: str
    founding_year: int | None
    advisors: list[AdvisorOut]
    created_at: datetime
    archived_at: datetime | None


class CompanyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kvk_number: str = Field(default="", max_length=8, description="8 digits, or empty")
    sbi_section: SbiSection
    employees: StrictInt = Field(ge=0, le=1_000_000)
    province: Province
    founding_year: StrictInt | None = Field(default=None, ge=1600, le=2100)
    advisors: list[StrictInt] | None = Field(default=None, description="user ids of advisors; the administrator's only")


class CompanyPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kvk_number: str | None = Field(default=None, max_length=8)
    sbi_section: SbiSection | None = None
    employees: StrictInt | None = Field(default=None, ge=0, le=1_000_000)
    province: Province | None = None
    founding_year: StrictInt | None = Field(default=None, ge=1600, le=2100)
    advisors: list[StrictInt] | None = None


class CompanyFilters(Schema):
    q: str | None = Field(default=None, max_length=200, description="part of the name, or the start of the KvK number")
    sbi_section: SbiSection | None = None
    size_class: SizeClass | None = None
    province: Province | None = None
    limit: int = Field(default=25, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


def company_out(company: Company) -> CompanyOut:
    return CompanyOut(
        id=company.pk,
        name=company.name,
        kvk_number=company.kvk_number,
        sbi_section=company.sbi_section,
        employees=company.employees,
        size_class=company.size_class,
        province=company.province,
        founding_year=company.founding_year,
        advisors=[AdvisorOut(id=a.pk, name=a.get_full_name() or a.get_username()) for a in company.advisors.all()],
        created_at=company.created_at,
        archived_at=company.archived_at,
    )


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    data = {k: ("" if values.get(k) is None else values[k]) for k in FIELDS}
    data["advisors"] = [str(pk) for pk in values.get("advisors") or []]
    return data


def _validated(user: Any, values: dict[str, Any], instance: Company | None = None) -> CompanyForm:
    form = CompanyForm(_form_data(values), instance=instance, user=user)
    if values.get("advisors") is not None and "advisors" not in form.fields:
        raise invalid([("advisors", _("Only the administrator assigns advisors."))])
    if not form.is_valid():
        raise invalid(form_errors(form))
    return form


def _duplicate(form: CompanyForm) -> ApiError:
    return invalid([("kvk_number", _("This KvK number is already registered for another company."))])


@router.get("", response=responses(PageOut[CompanyOut], 403), summary="The companies in reach")
def company_list(request: HttpRequest, filters: Query[CompanyFilters]) -> dict[str, Any]:
    user = user_of(request)
    if not access.can_see_companies(user):
        raise ApiError(403, _("You may not do this."))
    companies = access.companies_for(user)
    if filters.q:
        companies = companies.filter(Q(name__icontains=filters.q) | Q(kvk_number__startswith=filters.q))
    for field in ("sbi_section", "size_class", "province"):
        value = getattr(filters, field)
        if value:
            companies = companies.filter(**{field: value})
    total = companies.count()
    page = companies.order_by("name", "pk").prefetch_related("advisors")[
        filters.offset : filters.offset + filters.limit
    ]
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": [company_out(c) for c in page]}


@router.post("", response=responses(CompanyOut, 403, code=201), summary="Add a company")
def company_create(request: HttpRequest, payload: CompanyIn) -> Status[CompanyOut]:
    user = user_of(request)
    if not access.can_create_company(user):
        raise ApiError(403, _("You may not do this."))
    form = _validated(user, payload.dict())
    data = {k: v for k, v in form.cleaned_data.items() if k != "advisors"}
    try:
        company = create_company(user=user, data=data, advisors=list(form.cleaned_data.get("advisors", [])))
    except IntegrityError:
        raise _duplicate(form) from None
    return Status(201, company_out(company))


@router.get("/{company_id}", response=responses(CompanyOut), summary="A company")
def company_detail(request: HttpRequest, company_id: int) -> CompanyOut:
    return company_out(access.get_company(user_of(request), company_id))


@router.patch("/{company_id}", response=responses(CompanyOut), summary="Change a company")
def company_update(request: HttpRequest, company_id: int, payload: CompanyPatch) -> CompanyOut:
    """Only the fields given change."""
    user = user_of(request)
    company = access.get_company_to_edit(user, company_id)
    values: dict[str, Any] = {k: getattr(company, k) for k in FIELDS}
    values["advisors"] = None
    given = payload.dict(exclude_unset=True)
    for key, value in given.items():
        if value is None and key in ("name", "sbi_section", "employees", "province"):
            raise invalid([(key, _("This field cannot be empty."))])
        values[key] = value
    if "advisors" not in given and access.can_manage_users(user):
        values["advisors"] = list(company.advisors.values_list("pk", flat=True))
    form = _validated(user, values, instance=company)
    try:
        company = update_company(form=form)
    except IntegrityError:
        raise _duplicate(form) from None
    return company_out(company)


@router.post("/{company_id}/archive", response=responses(CompanyOut), summary="Archive a company")
def company_archive(request: HttpRequest, company_id: int) -> CompanyOut:
    """Hidden everywhere from then on; the administrator restores it or removes it for good in the web app."""
    user = user_of(request)
    company = access.get_company_to_archive(user, company_id)
    archive_company(user=user, company=company)
    return company_out(company)
