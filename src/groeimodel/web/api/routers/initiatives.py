"""Initiatives: register one (the classifier suggests its level), classify a text, compute a business case."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from groeimodel.classify import ClassifierError, Prediction
from groeimodel.finance import BusinessCase, BusinessCaseError, business_case
from groeimodel.model import load_model
from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError, invalid
from groeimodel.web.api.schemas import IsoDate, StrictFloat, StrictInt, responses
from groeimodel.web.i18n import current_lang
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.initiatives.services import MODEL_ID, business_case_of, save_initiative, suggest

router = Router(tags=["initiatives"])


class BusinessCaseIn(Schema):
    investment: StrictFloat = Field(ge=0, le=999_999_999_999, description="one-off investment, EUR")
    annual_benefit: StrictFloat = Field(ge=0, le=999_999_999_999, description="yearly benefit, EUR")
    annual_cost: StrictFloat = Field(default=0, ge=0, le=999_999_999_999, description="yearly cost, EUR")
    years: StrictInt = Field(default=5, ge=1, le=50)
    discount_rate: StrictFloat = Field(default=5, ge=0, le=100, description="percent a year")


class BusinessCaseOut(Schema):
    investment: float
    annual_benefit: float
    annual_cost: float
    years: int
    discount_rate: float = Field(description="a fraction: 0.05 is 5%")
    payback_years: float | None
    roi: float | None
    npv: float
    irr: float | None


class InitiativeIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000, description="a few sentences, Dutch or English")
    status: Literal["idea", "running", "done"] = "idea"
    start_date: IsoDate | None = None
    owner: str = Field(default="", max_length=200)
    blocks: list[str] = Field(default_factory=list, description="ids of the building blocks it works on")
    level: StrictInt | None = Field(default=None, ge=0, le=4, description="null: take the classifier's suggestion")
    business_case: BusinessCaseIn | None = None
    indicators: dict[str, StrictFloat] = Field(default_factory=dict, description="indicator id → number")


class InitiativeOut(Schema):
    id: int
    company_id: int
    title: str
    description: str
    status: str
    start_date: date | None
    owner: str
    blocks: list[str]
    level: int | None
    level_name: str | None
    suggested_level: int | None
    level_overridden: bool
    indicators: dict[str, float]
    business_case: BusinessCaseOut | None
    created_at: datetime


class ClassifyIn(Schema):
    text: str = Field(min_length=1, max_length=5000)


class EvidenceGroupOut(Schema):
    level: int
    words: list[str]
    cues: list[str]
    key_question: str | None


class ClassifyOut(Schema):
    level: int = Field(description="0: not social innovation; 1-4: the model's levels")
    level_name: str
    probabilities: dict[str, float]
    doubt: list[int] | None = Field(description="the two closest levels when the classifier hesitates")
    evidence: list[str]
    evidence_by_level: list[EvidenceGroupOut]
    key_question: str | None
    warnings: list[str]


def _level_name(level: int | None) -> str | None:
    if level is None:
        return None
    model = load_model(MODEL_ID)
    lang = current_lang()
    if level == 0:
        return str(model.data.not_social_innovation.name.get(lang))
    return str(model.level(level).name.get(lang))


def _case_out(case: BusinessCase | None) -> BusinessCaseOut | None:
    return None if case is None else BusinessCaseOut(**case.to_dict())


def initiative_out(initiative: Initiative) -> InitiativeOut:
    return InitiativeOut(
        id=initiative.pk, company_id=initiative.company_id, title=initiative.title,
        description=initiative.description, status=initiative.status, start_date=initiative.start_date,
        owner=initiative.owner, blocks=list(initiative.blocks), level=initiative.level,
        level_name=_level_name(initiative.level), suggested_level=initiative.suggested_level,
        level_overridden=initiative.level_overridden, indicators=dict(initiative.indicators),
        business_case=_case_out(business_case_of(initiative)), created_at=initiative.created_at,
    )  # fmt: skip


def _computed(case: BusinessCaseIn, field: str = "business_case") -> BusinessCase:
    try:
        return business_case(
            investment=case.investment, annual_benefit=case.annual_benefit, annual_cost=case.annual_cost,
            years=case.years, discount_rate=case.discount_rate / 100,
        )  # fmt: skip
    except BusinessCaseError as exc:
        where = f"{field}.{exc.field}" if field and exc.field else (exc.field or field)
        raise invalid([(where, _("This value does not fit a business case."))]) from None


@router.get("/companies/{company_id}/initiatives", response=responses(list[InitiativeOut]), summary="Initiatives")
def initiative_list(request: HttpRequest, company_id: int) -> list[InitiativeOut]:
    user = user_of(request)
    company = access.get_company(user, company_id)
    return [initiative_out(i) for i in access.initiatives_for(user).filter(company=company).order_by("-created_at")]


@router.post("/companies/{company_id}/initiatives", response=responses(InitiativeOut, code=201), summary="Register one")
def initiative_create(request: HttpRequest, company_id: int, payload: InitiativeIn) -> Status[InitiativeOut]:
    """The classifier suggests the level from the description; ``level`` confirms it (null) or overrides it."""
    user = user_of(request)
    if not access.can_register_initiatives(user):
        raise ApiError(404, _("Not found."))
    company = access.get_company(user, company_id)
    model = load_model(MODEL_ID)
    problems: list[tuple[str, str]] = []
    block_ids = {b.id for b in model.blocks}
    problems += [
        (f"blocks.{i}", _("Unknown building block.")) for i, b in enumerate(payload.blocks) if b not in block_ids
    ]
    typed = {ind.id for lv in model.levels for ind in lv.indicators if ind.business_case is None}
    typed |= {ind.id for ind in model.data.growth_indicators if ind.business_case is None}
    problems += [(f"indicators.{k}", _("Unknown indicator.")) for k in payload.indicators if k not in typed]
    if payload.level is not None and payload.level > len(model.levels):
        problems.append(("level", _("Unknown level.")))
    if problems:
        raise invalid(problems)
    data: dict[str, Any] = {
        "title": payload.title, "description": payload.description, "status": payload.status,
        "start_date": payload.start_date, "owner": payload.owner, "blocks": list(payload.blocks),
    }  # fmt: skip
    if payload.business_case is not None:
        case = payload.business_case
        _computed(case)
        data.update(
            investment=Decimal(str(case.investment)), annual_benefit=Decimal(str(case.annual_benefit)),
            annual_cost=Decimal(str(case.annual_cost)), years=case.years,
            discount_rate=Decimal(str(case.discount_rate)),
        )  # fmt: skip
    try:
        initiative = save_initiative(
            user=user, company=company, data=data, level_choice="" if payload.level is None else str(payload.level),
            indicators=dict(payload.indicators),
        )  # fmt: skip
    except ClassifierError as exc:
        raise invalid([("description", str(exc))]) from None
    return Status(201, initiative_out(initiative))


@router.get("/initiatives/{initiative_id}", response=responses(InitiativeOut), summary="An initiative")
def initiative_detail(request: HttpRequest, initiative_id: int) -> InitiativeOut:
    return initiative_out(access.get_initiative(user_of(request), initiative_id))


@router.post("/classify", response=responses(ClassifyOut, 403), summary="Classify a description")
def classify(request: HttpRequest, payload: ClassifyIn) -> ClassifyOut:
    """The level of social innovation a description is about, with the evidence, as in the initiative form."""
    if not access.can_register_initiatives(user_of(request)):
        raise ApiError(403, _("You may not do this."))
    try:
        prediction: Prediction = suggest(payload.text, current_lang())
    except ClassifierError as exc:
        raise invalid([("text", str(exc))]) from None
    data = prediction.to_dict()
    return ClassifyOut(level_name=_level_name(prediction.level) or "", **data)


@router.post("/business-case", response=responses(BusinessCaseOut), summary="Compute a business case")
def business_case_compute(request: HttpRequest, payload: BusinessCaseIn) -> BusinessCaseOut:
    """Payback period, ROI, NPV and IRR of the figures (nothing is stored)."""
    result = _case_out(_computed(payload, field=""))
    assert result is not None
    return result
