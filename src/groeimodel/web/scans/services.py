"""Writes for waves and responses: each is a small function with keyword-only arguments inside a transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groeimodel.model import DEFAULT_MODEL, Model, load_model
from groeimodel.scoring import ScanResult, score
from groeimodel.web.audit.services import Action, record, record_many
from groeimodel.web.companies.models import Company
from groeimodel.web.scans.cells import Place
from groeimodel.web.scans.faults import pause_point, pause_seconds
from groeimodel.web.scans.latest import refresh_after_new_scan, refresh_latest
from groeimodel.web.scans.models import Answer, Respondent, Response, ScoreRow, Wave, score_map
from groeimodel.web.scans.rows import db_value, insert_rows

SCORE_ROW_FIELDS = ("response", "wave", "company", "respondent", "model_id", "level", "block", "score", "band",
                    "achieved")  # fmt: skip
ANSWER_FIELDS = ("response", "item_id", "value", "updated_at")


class ScanError(Exception):
    """A scan action that is not possible now; the message is for the user."""


class OpenScanError(ScanError):
    """The company has an unfinished (draft) owner's scan, ``draft_id``: a new one cannot be started beside it."""

    def __init__(self, draft_id: int) -> None:
        super().__init__(
            _("This company has an unfinished scan (response %(id)s): finish or delete it first.") % {"id": draft_id}
        )
        self.draft_id = draft_id


class AnswersError(ScanError):
    """Answers that cannot be submitted: statements the model does not have, and statements left unanswered (both
    in the order given, resp. of the questionnaire), as data for the caller to phrase per field."""

    def __init__(self, *, unknown: list[str], missing: list[str]) -> None:
        if unknown:
            message = _("Unknown statement: %(item)s") % {"item": unknown[0]}
        else:
            message = ngettext(
                "%(count)d statement is not answered yet.", "%(count)d statements are not answered yet.", len(missing)
            ) % {"count": len(missing)}
        super().__init__(message)
        self.unknown = unknown
        self.missing = missing


def model_of(response: Response | Wave) -> Model:
    """The model version the response (or wave) is scored with; old versions stay loadable."""
    return load_model(response.model_id, response.model_version)


def next_wave_number(company: Company) -> int:
    highest = company.waves.aggregate(n=Max("number"))["n"]
    return 0 if highest is None else highest + 1


def start_scan(*, company: Company, user: Any, model_id: str = DEFAULT_MODEL) -> Response:
    """The owner's response in a new wave of the company, or the draft that is still open.

    Two people starting at the same moment both get the one new draft: the second insert meets the unique
    (company, number) constraint and then finds the first one's draft.
    """
    model = load_model(model_id)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                draft = (
                    Response.objects.select_for_update()
                    .filter(wave__company=company, respondent=Respondent.MANAGEMENT, status=Response.Status.DRAFT)
                    .select_related("wave")
                    .first()
                )
                if draft is not None:
                    return draft
                by = user if getattr(user, "is_authenticated", False) else None
                wave = Wave.objects.create(
                    company=company,
                    number=next_wave_number(company),
                    model_id=model.id,
                    model_version=model.version,
                    created_by=by,
                )
                scan = Response.objects.create(
                    wave=wave,
                    respondent=Respondent.MANAGEMENT,
                    model_id=model.id,
                    model_version=model.version,
                    model_hash=model.content_hash,
                    created_by=by,
                )
                record(
                    actor=by, organisation=company.organisation_id, action=Action.CREATE, object_kind="scan",
                    object_id=scan.pk, label=f"{company.name} {wave.label}",
                )  # fmt: skip
                return scan
        except IntegrityError:
            continue
    raise ScanError(_("The scan could not be started; please try again."))


def parse_value(raw: str) -> int | None:
    """A posted answer: "1".."5", or "?" for weet niet / n.v.t."""
    if raw == "?":
        return None
    if raw in ("1", "2", "3", "4", "5"):
        return int(raw)
    raise ScanError(_("An answer must be 1 to 5 or “don't know / not applicable”."))


@transaction.atomic
def save_answers(*, scan: Response, answers: dict[str, int | None]) -> None:
    if scan.submitted:
        raise ScanError(_("This scan has been submitted and can no longer be changed."))
    model = model_of(scan)
    unknown = [item for item in answers if item not in model.item_index]
    if unknown:
        raise ScanError(_("Unknown statement: %(item)s") % {"item": unknown[0]})
    now = timezone.now()
    Answer.objects.bulk_create(
        [Answer(response=scan, item_id=item, value=value, updated_at=now) for item, value in answers.items()],
        update_conflicts=True,
        unique_fields=["response", "item_id"],
        update_fields=["value", "updated_at"],
    )
    Response.objects.filter(pk=scan.pk).update(updated_at=now)


def answers_of(scan: Response) -> dict[str, int | None]:
    return dict(scan.answers.values_list("item_id", "value"))


def missing_items(scan: Response, answers: dict[str, int | None] | None = None) -> list[str]:
    """Items without any answer yet ("weet niet" counts as an answer), in questionnaire order."""
    given = answers_of(scan) if answers is None else answers
    return [item.id for item in model_of(scan).items if item.id not in given]


def store_score_rows(response: Response, result: ScanResult) -> None:
    """The block and level scores of a submitted response as rows (DESIGN §4), beside the full result."""
    common = (response.pk, response.wave_id, response.wave.company_id, response.respondent, result.model_id)
    rows: list[tuple[Any, ...]] = []
    for lv in result.levels:
        rows.append((*common, lv.level, "", lv.score, lv.band, lv.achieved))
        rows += [(*common, lv.level, b.id, b.score, b.band, None) for b in lv.blocks]
    if pause_seconds():  # test settings only: half the rows, a pause the test kills the server in, the rest
        insert_rows(ScoreRow, SCORE_ROW_FIELDS, rows[: len(rows) // 2])
        pause_point(f"score-rows {response.pk}")
        rows = rows[len(rows) // 2 :]
    insert_rows(ScoreRow, SCORE_ROW_FIELDS, rows)


def insert_answers(scan: Response, answers: dict[str, int | None]) -> None:
    """The answers of a response that has none yet (a new one): plain inserts, no upsert."""
    now = db_value(Answer, "updated_at", timezone.now())
    insert_rows(Answer, ANSWER_FIELDS, [(scan.pk, item, value, now) for item, value in answers.items()])


@transaction.atomic
def submit_scan(*, scan: Response, user: Any = None, answers: dict[str, int | None] | None = None) -> ScanResult:
    """Score the response with the core and store the result with it, and as rows (DESIGN §4).

    ``answers``: the response's stored answers, when the caller has just written them in this transaction (saves
    reading them back). The given ``scan`` object is brought up to date as well (status, result, submission)."""
    given = scan
    # The response and its wave are locked (as before); the company only comes along for the audit label.
    scan = (
        Response.objects.select_for_update(of=("self", "wave")).select_related("wave", "wave__company").get(pk=scan.pk)
    )
    if scan.submitted:
        raise ScanError(_("This scan has already been submitted."))
    answers = answers_of(scan) if answers is None else answers
    missing = missing_items(scan, answers)
    if missing:
        raise ScanError(
            ngettext(
                "%(count)d statement is not answered yet.", "%(count)d statements are not answered yet.", len(missing)
            )
            % {"count": len(missing)}
        )
    model = model_of(scan)
    result = score(model, answers)
    scan.result = result.to_dict("nl")
    scan.position = result.position
    scan.next_level = result.next_level
    scan.status = Response.Status.SUBMITTED
    scan.submitted_at = timezone.now()
    scan.scores = score_map(result)  # with the save: no statement of its own
    scan.save()
    store_score_rows(scan, result)
    company = scan.wave.company
    record(
        actor=user, organisation=company.organisation_id, action=Action.SUBMIT, object_kind="scan",
        object_id=scan.pk, label=f"{company.name} {scan.wave.label}",
    )  # fmt: skip
    refresh_latest(scan.wave.company_id, scan.model_id)
    for name in ("result", "position", "next_level", "status", "submitted_at", "updated_at"):
        setattr(given, name, getattr(scan, name))
    return result


def _new_wave_state(company_id: int) -> tuple[int | None, int | None, int | None, Place | None]:
    """The company's highest wave number, the id of the wave that has it, its open draft's id (if any), and its
    place in the monitor's cells, with its row locked until the transaction ends as :func:`scans.latest._place`
    locks it (``FOR NO KEY UPDATE`` on PostgreSQL): one statement."""
    company, wave, response = Company._meta.db_table, Wave._meta.db_table, Response._meta.db_table
    lock = " FOR NO KEY UPDATE OF c" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT c.organisation_id, c.sbi_section, c.size_class, c.province, c.archived_at,
                       (SELECT MAX(number) FROM {wave} WHERE company_id = c.id),
                       (SELECT id FROM {wave} WHERE company_id = c.id ORDER BY number DESC LIMIT 1),
                       (SELECT MIN(r.id) FROM {response} r JOIN {wave} w ON w.id = r.wave_id
                        WHERE w.company_id = c.id AND r.respondent = %s AND r.status = %s)
                FROM {company} c WHERE c.id = %s{lock}""",
            [Respondent.MANAGEMENT.value, Response.Status.DRAFT.value, company_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None, None, None
    return row[5], row[6], row[7], (*row[:4], row[4] is not None)


def create_submitted_scan(
    *, company: Company, user: Any, model_id: str, answers: dict[str, int | None], date: dt.date | None = None
) -> Response:
    """A new wave of the company with the owner's response, its answers and its result, submitted at once: what
    :func:`start_scan`, :func:`save_answers`, :func:`record_growth` (only the date) and :func:`submit_scan` store
    one after the other, in one transaction with as few statements as possible (the API's "new wave with answers";
    bench/README.md). ``answers`` must answer every statement of the model's current version ("weet niet" is
    None) and nothing else (:class:`AnswersError`, before anything is written); an unfinished scan of the company
    refuses it (:class:`OpenScanError`). ``date``: the wave's date (default today).

    Two requests for the same company at the same moment: the second insert meets the unique (company, number)
    constraint and is tried again with the next number (or refused, if the other one left a draft), at most three
    times, as in :func:`start_scan`."""
    model = load_model(model_id)
    unknown = [item for item in answers if item not in model.item_index]
    missing = [item.id for item in model.items if item.id not in answers]
    by = user if getattr(user, "is_authenticated", False) else None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # The next wave number, the wave before the new one, the open draft (as start_scan finds it) and
                # the company's place in the monitor, its row locked, in one statement.
                number, previous_wave, draft, place = _new_wave_state(company.pk)
                if draft is not None:
                    raise OpenScanError(draft)
                if unknown or missing:
                    raise AnswersError(unknown=unknown, missing=missing)
                result = score(model, answers)
                wave = Wave(
                    company=company,
                    number=0 if number is None else number + 1,
                    model_id=model.id,
                    model_version=model.version,
                    created_by=by,
                )
                if date is not None:
                    wave.date = date
                wave.save(force_insert=True)
                scan = Response.objects.create(
                    wave=wave,
                    respondent=Respondent.MANAGEMENT,
                    model_id=model.id,
                    model_version=model.version,
                    model_hash=model.content_hash,
                    created_by=by,
                    status=Response.Status.SUBMITTED,
                    submitted_at=timezone.now(),
                    result=result.to_dict("nl"),
                    position=result.position,
                    next_level=result.next_level,
                    latest=True,  # the newest wave's scan: the latest, and the latest of its year
                    latest_in_year=True,
                    scores=score_map(result),
                )
                insert_answers(scan, answers)
                store_score_rows(scan, result)
                label = f"{company.name} {wave.label}"
                entries = [(Action.CREATE, "scan", scan.pk, label)]
                if date is not None:
                    entries.append((Action.UPDATE, "wave", wave.pk, label))
                entries.append((Action.SUBMIT, "scan", scan.pk, label))
                record_many(actor=by, organisation=company.organisation_id, entries=entries)
                refresh_after_new_scan(
                    company.pk,
                    model.id,
                    (scan.pk, wave.pk, previous_wave, wave.date.year, result.position),
                    {lv.level: lv.score for lv in result.levels},
                    place,
                )
                return scan
        except IntegrityError:
            continue
    raise ScanError(_("The scan could not be started; please try again."))


@transaction.atomic
def submit_employee_response(*, wave: Wave, answers: dict[str, int | None], leads_people: bool | None) -> ScanResult:
    """An employee's answers, scored and stored at once: no draft, no account, nothing that names the person."""
    model = model_of(wave)
    unknown = [item for item in answers if item not in model.item_index]
    if unknown:
        raise ScanError(_("Unknown statement: %(item)s") % {"item": unknown[0]})
    result = score(model, answers)
    response = Response.objects.create(
        wave=wave,
        respondent=Respondent.EMPLOYEE,
        leads_people=leads_people,
        model_id=model.id,
        model_version=model.version,
        model_hash=model.content_hash,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
        position=result.position,
        next_level=result.next_level,
        result=result.to_dict("nl"),
        scores=score_map(result),
    )
    insert_answers(response, answers)
    store_score_rows(response, result)
    return result


def delete_draft_scan(*, user: Any, scan: Response) -> None:
    """Throw away a draft scan with its answers (and its wave, when nothing else is in it); a scan submitted in
    the meantime is kept (ScanError)."""
    with transaction.atomic():
        locked = (
            Response.objects.select_for_update()
            .select_related("wave", "wave__company")
            .filter(pk=scan.pk, status=Response.Status.DRAFT)
            .first()
        )
        if locked is None:
            raise ScanError(_("This scan has been submitted in the meantime; a submitted scan is kept."))
        wave = locked.wave
        company = wave.company
        label = f"{company.name} {wave.label}"
        locked.delete()
        if not wave.responses.exists():
            wave.delete()
        record(
            actor=user, organisation=company.organisation_id, action=Action.DELETE, object_kind="scan",
            object_id=scan.pk, label=label,
        )  # fmt: skip


GROWTH_FIELDS = ("employees_fte", "revenue", "added_value", "profit", "export_share")


@transaction.atomic
def record_growth(*, user: Any, wave: Wave, data: dict[str, Any], indicators: dict[str, float | None]) -> Wave:
    """Store a wave's date and growth figures (IGM). ``indicators`` are the level-specific ones by id: None clears
    one; ids not given (an older model version's) are kept as they are."""
    locked = Wave.objects.select_for_update().select_related("company").get(pk=wave.pk)
    for name in ("date", *GROWTH_FIELDS):
        if name in data:
            setattr(locked, name, data[name])
    merged = dict(locked.level_indicators or {})
    for key, value in indicators.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    locked.level_indicators = merged
    locked.clean_fields(exclude=["company", "created_by"])
    locked.save()
    # The date decides the year the scan counts in; the figures are also the next wave's "before".
    company_scans = Response.objects.filter(wave__company_id=locked.company_id, respondent=Respondent.MANAGEMENT)
    for model_id in sorted(set(company_scans.values_list("model_id", flat=True))):  # one order: no deadlock
        refresh_latest(locked.company_id, model_id)
    record(
        actor=user, organisation=locked.company.organisation_id, action=Action.UPDATE, object_kind="wave",
        object_id=locked.pk, label=f"{locked.company.name} {locked.label}",
    )  # fmt: skip
    return locked
