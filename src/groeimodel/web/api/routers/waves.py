"""Waves and the owner's (management) responses: create a wave with answers (submitted and scored at once, or kept
as a draft), save answers, submit, read the result; and the benchmark of a wave."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, Strict

from groeimodel.model import DEFAULT_MODEL
from groeimodel.reports.view import build_view
from groeimodel.scoring import ScanResult
from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError, invalid
from groeimodel.web.api.schemas import IsoDate, ModelId, Out, StrictBool, responses
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.scans.benchmark import benchmark_for
from groeimodel.web.scans.models import Response, Wave
from groeimodel.web.scans.services import (
    AnswersError,
    OpenScanError,
    ScanError,
    answers_of,
    create_submitted_scan,
    missing_items,
    model_of,
    record_growth,
    save_answers,
    start_scan,
    submit_scan,
)

router = Router(tags=["waves and responses"])

AnswerValue = Annotated[int, Strict(), Field(ge=1, le=5)] | None


class BlockResultOut(Out):
    id: str
    name: str
    score: float | None
    band: str | None
    band_name: str
    answered: int
    items: int


class LevelResultOut(Out):
    level: int
    name: str
    score: float | None = Field(description="null: too few answers (onvoldoende gegevens)")
    band: str | None
    band_name: str
    achieved: bool
    blocks: list[BlockResultOut]


class AdviceOut(Out):
    block: str
    block_name: str
    level: int
    band_name: str
    text: str


class ResultOut(Out):
    position: int = Field(description="the ladder position: the highest level achieved, 0 for none")
    position_name: str | None
    next_level: int | None
    next_level_name: str | None
    levels: list[LevelResultOut]
    advice: list[AdviceOut]


class ResponseOut(Out):
    id: int
    wave_id: int
    company_id: int
    wave: str = Field(description="T0, T1, ...")
    model_id: str
    model_version: str
    status: Literal["draft", "submitted"]
    submitted_at: dt.datetime | None
    answered: int
    items: int
    missing: list[str] = Field(description="statements not answered yet, in questionnaire order")
    answers: dict[str, AnswerValue]
    result: ResultOut | None


class WaveOut(Schema):
    id: int
    company_id: int
    number: int
    label: str
    date: dt.date
    model_id: str
    model_version: str
    employees_fte: float | None
    revenue: float | None
    added_value: float | None
    profit: float | None
    export_share: float | None
    response_id: int | None = Field(description="the owner's (management) response")
    status: Literal["draft", "submitted"] | None
    position: int | None


class WaveIn(Schema):
    model: ModelId = Field(default=DEFAULT_MODEL, description="a shipped model; its current version is used")  # type: ignore[assignment]
    date: IsoDate | None = None
    answers: dict[str, AnswerValue] = Field(default_factory=dict, description="statement id → 1..5, or null")
    submit: StrictBool = Field(default=True, description="score and submit at once; false keeps a draft")


class AnswersIn(Schema):
    answers: dict[str, AnswerValue]


class DistributionOut(Schema):
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


class BenchmarkLevelOut(Schema):
    level: int
    name: str
    score: float | None
    percentile: float | None
    peers: int
    distribution: DistributionOut | None = Field(description="null when fewer peers than the minimum")


class BenchmarkOut(Schema):
    group: str
    group_size: int
    minimum: int = Field(description="peers needed before a distribution is shown")
    levels: list[BenchmarkLevelOut]


def result_out(scan: Response) -> ResultOut | None:
    if not scan.submitted or scan.result is None:
        return None
    model = model_of(scan)
    view = build_view(model, ScanResult.from_dict(scan.result, model), current_lang())
    return ResultOut(
        position=view.position,
        position_name=view.position_name,
        next_level=view.next_level,
        next_level_name=view.next_level_name,
        levels=[
            LevelResultOut(
                level=lv.level, name=lv.name, score=lv.score, band=lv.band, band_name=lv.band_name,
                achieved=lv.achieved,
                blocks=[
                    BlockResultOut(id=b.id, name=b.name, score=b.score, band=b.band, band_name=b.band_name,
                                   answered=b.answered, items=b.items)
                    for b in lv.blocks
                ],
            )
            for lv in view.levels
        ],
        advice=[
            AdviceOut(block=a.block, block_name=a.block_name, level=a.level, band_name=a.band_name, text=a.text)
            for a in view.advice
        ],
    )  # fmt: skip


def response_out(scan: Response, answers: dict[str, int | None] | None = None) -> ResponseOut:
    """``answers``: the response's answers when the caller has them (saves a query)."""
    answers = answers_of(scan) if answers is None else answers
    model = model_of(scan)
    return ResponseOut(
        id=scan.pk,
        wave_id=scan.wave_id,
        company_id=scan.wave.company_id,
        wave=scan.wave.label,
        model_id=scan.model_id,
        model_version=scan.model_version,
        status=scan.status,  # type: ignore[arg-type]
        submitted_at=scan.submitted_at,
        answered=len(answers),
        items=len(model.items),
        missing=missing_items(scan, answers),
        answers=answers,  # type: ignore[arg-type]
        result=result_out(scan),
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def wave_out(wave: Wave, scan: Response | None) -> WaveOut:
    return WaveOut(
        id=wave.pk, company_id=wave.company_id, number=wave.number, label=wave.label, date=wave.date,
        model_id=wave.model_id, model_version=wave.model_version, employees_fte=_number(wave.employees_fte),
        revenue=_number(wave.revenue), added_value=_number(wave.added_value), profit=_number(wave.profit),
        export_share=_number(wave.export_share), response_id=scan.pk if scan else None,
        status=scan.status if scan else None,  # type: ignore[arg-type]
        position=scan.position if scan else None,
    )  # fmt: skip


def _open_scan(draft_id: int) -> ApiError:
    return ApiError(
        409, _("This company has an unfinished scan (response %(id)s): finish or delete it first.") % {"id": draft_id}
    )


def _unknown(unknown: list[str]) -> ApiError:
    return invalid([(f"answers.{item}", _("Unknown statement.")) for item in unknown[:20]])


def _incomplete(missing: list[str]) -> ApiError:
    return ApiError(
        422,
        _("Every statement needs an answer (1 to 5, or null for “don't know”) before the scan is submitted."),
        [(f"answers.{item}", _("Not answered yet.")) for item in missing],
    )


def _check_items(scan: Response, answers: dict[str, Any]) -> None:
    items = model_of(scan).item_index
    unknown = [item for item in answers if item not in items]
    if unknown:
        raise _unknown(unknown)


def _check_complete(scan: Response, answers: dict[str, int | None] | None = None) -> None:
    missing = missing_items(scan, answers)
    if missing:
        raise _incomplete(missing)


def _submit(scan: Response, answers: dict[str, int | None] | None = None) -> None:
    """``answers``: every answer the response has, just written by the caller (then they are not read back)."""
    _check_complete(scan, answers)
    try:
        submit_scan(scan=scan, answers=answers)
    except ScanError as exc:
        raise ApiError(409, str(exc)) from None


def _management(wave: Wave) -> Response | None:
    return wave.responses.filter(respondent="management").first()


@router.get("/companies/{company_id}/waves", response=responses(list[WaveOut]), summary="A company's waves")
def wave_list(request: HttpRequest, company_id: int) -> list[WaveOut]:
    user = user_of(request)
    company = access.get_company(user, company_id)
    scans = {s.wave_id: s for s in access.scans_for(user).filter(wave__company=company)}
    waves = access.waves_for(user).filter(company=company).order_by("number")
    return [wave_out(w, scans.get(w.pk)) for w in waves]


@router.post(
    "/companies/{company_id}/waves", response=responses(ResponseOut, 409, code=201), summary="A new wave with answers"
)
def wave_create(request: HttpRequest, company_id: int, payload: WaveIn) -> Status[ResponseOut]:
    """A new wave (T0, T1, ...) with the owner's response and its answers; with ``submit`` (the default) it is
    scored and submitted at once, and every statement needs an answer. Nothing is stored when anything fails.
    A company has one unfinished scan at a time: 409 while one is open."""
    user = user_of(request)
    company = access.get_company(user, company_id)
    if not access.can_run_scans(user):
        raise ApiError(404, _("Not found."))
    answers = dict(payload.answers)
    model_id = ModelId(payload.model).value
    if payload.submit:  # everything in one short transaction (create_submitted_scan)
        try:
            scan = create_submitted_scan(
                company=company, user=user, model_id=model_id, answers=answers, date=payload.date
            )
        except OpenScanError as exc:
            raise _open_scan(exc.draft_id) from None
        except AnswersError as exc:
            raise (_unknown(exc.unknown) if exc.unknown else _incomplete(exc.missing)) from None
        except ScanError as exc:
            raise ApiError(409, str(exc)) from None
        return Status(201, response_out(scan, answers))
    open_draft = access.open_scan_id(company)
    if open_draft is not None:
        raise _open_scan(open_draft)
    with transaction.atomic():
        scan = start_scan(company=company, user=user, model_id=model_id)
        _check_items(scan, answers)
        save_answers(scan=scan, answers=answers)
        if payload.date is not None:
            record_growth(user=user, wave=scan.wave, data={"date": payload.date}, indicators={})
    return Status(201, response_out(scan, answers))


@router.get("/waves/{wave_id}", response=responses(WaveOut), summary="A wave")
def wave_detail(request: HttpRequest, wave_id: int) -> WaveOut:
    wave = access.get_wave(user_of(request), wave_id)
    return wave_out(wave, _management(wave))


@router.get("/responses/{response_id}", response=responses(ResponseOut), summary="The owner's response and result")
def response_detail(request: HttpRequest, response_id: int) -> ResponseOut:
    return response_out(access.get_scan(user_of(request), response_id))


@router.put("/responses/{response_id}/answers", response=responses(ResponseOut, 409), summary="Save answers")
def response_answers(request: HttpRequest, response_id: int, payload: AnswersIn) -> ResponseOut:
    """Save (add or change) answers of a draft; the statements not named keep theirs."""
    user = user_of(request)
    if not access.can_run_scans(user):
        raise ApiError(404, _("Not found."))
    scan = access.get_scan(user, response_id)
    if scan.submitted:
        raise ApiError(409, _("This scan has been submitted and can no longer be changed."))
    _check_items(scan, payload.answers)
    try:
        save_answers(scan=scan, answers=dict(payload.answers))
    except ScanError as exc:
        raise ApiError(409, str(exc)) from None
    return response_out(access.get_scan(user, response_id))


@router.post("/responses/{response_id}/submit", response=responses(ResponseOut, 409), summary="Submit a draft")
def response_submit(request: HttpRequest, response_id: int) -> ResponseOut:
    user = user_of(request)
    if not access.can_run_scans(user):
        raise ApiError(404, _("Not found."))
    scan = access.get_scan(user, response_id)
    if scan.submitted:
        raise ApiError(409, _("This scan has already been submitted."))
    _submit(scan)
    return response_out(access.get_scan(user, response_id))


@router.get("/waves/{wave_id}/benchmark", response=responses(BenchmarkOut, 409), summary="A wave's benchmark")
def wave_benchmark(request: HttpRequest, wave_id: int) -> BenchmarkOut:
    """The submitted owner's scan of the wave among the organisation's comparable firms, as on the result page:
    a distribution only with at least the minimum number of peers."""
    user = user_of(request)
    wave = access.get_wave(user, wave_id)
    scan = access.scans_for(user).filter(wave=wave, status=Response.Status.SUBMITTED).first()
    if scan is None:
        raise ApiError(409, _("This wave has no submitted scan yet."))
    result = benchmark_for(scan)
    lang = current_lang()
    levels = []
    for (level, block), m in sorted(result.measures.items()):
        if block:
            continue
        d = m.distribution
        levels.append(
            BenchmarkLevelOut(
                level=level, name=level_label(scan.model_id, level, lang), score=m.score, percentile=m.percentile,
                peers=m.peers,
                distribution=None if d is None else DistributionOut(
                    minimum=d.minimum, q1=d.q1, median=d.median, q3=d.q3, maximum=d.maximum
                ),
            )
        )  # fmt: skip
    return BenchmarkOut(
        group=result.group.label(lang), group_size=result.group.size, minimum=settings.BENCHMARK_MIN, levels=levels
    )
