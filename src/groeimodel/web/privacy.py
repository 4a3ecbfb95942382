"""The privacy export (AVG/GDPR): everything the product holds about one company, as one zip.

The zip holds ``company.json`` (one document, everything nested: the company, its waves with their growth
figures, the owner's or management's scans with their answers and scores, the employees' view per wave, the
initiatives with their business cases, the employee rounds and the audit records about the company) and one CSV
file per table (``waves.csv``, ``scans.csv``, ``answers.csv``, ``scores.csv``, ``employees.csv``,
``initiatives.csv``, ``rounds.csv``, ``audit.csv``), plus a ``README.txt`` that says what is in it.

What is deliberately left out:

* the employees' answers one by one: employees answer anonymously, and no page, export or count shows one
  employee's answers (docs/permissions.md). Per wave the export holds how many employees answered and, from
  ``GROEIMODEL_EMPLOYEES_MIN`` (5) answers on, their mean, spread and count per block and level, as on the result
  page; below that, only the number of answers;
* the employee rounds' tokens: a token is the key to the questionnaire, not data about the firm;
* users' passwords and e-mail addresses: the people who worked on the company appear by user name only.

The zip is written to a spooled temporary file (in memory up to ``SPOOL_BYTES``, on disk beyond) and sent as a
file response. The CSV tables of answers and scores are read in chunks with ``iterator()``; the JSON document is
built in memory, which for one company is small (per scan some 60 answers and 20 score rows; employees only as
aggregates). The queries grow with the number of waves and scans, not with the number of employees.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from groeimodel.model import load_model
from groeimodel.respondents import employee_view
from groeimodel.scoring import ScanResult
from groeimodel.web import access
from groeimodel.web.audit.models import AuditRecord
from groeimodel.web.audit.services import Action, record
from groeimodel.web.companies.models import Company
from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.initiatives.services import business_case_of
from groeimodel.web.invitations.models import EmployeeRound
from groeimodel.web.scans.models import Answer, Respondent, Response, ScoreRow, Wave

FORMAT_VERSION = 1
SPOOL_BYTES = 5 * 1024 * 1024
CHUNK = 500

COMPANY_FIELDS = (
    "id", "name", "kvk_number", "sbi_section", "sbi_version", "employees", "size_class", "province",
    "founding_year", "created_at", "archived_at",
)  # fmt: skip
WAVE_FIELDS = (
    "id", "number", "date", "model_id", "model_version", "created_by", "created_at", "employees_fte", "revenue",
    "added_value", "profit", "export_share", "level_indicators",
)  # fmt: skip
SCAN_FIELDS = (
    "id", "wave", "model_id", "model_version", "model_hash", "status", "created_by", "created_at", "updated_at",
    "submitted_at", "position", "next_level",
)  # fmt: skip
INITIATIVE_FIELDS = (
    "id", "title", "description", "status", "start_date", "owner", "blocks", "suggested_level", "suggested_at",
    "level", "level_overridden", "decided_by", "decided_at", "investment", "annual_benefit", "annual_cost",
    "years", "discount_rate", "indicators", "created_by", "created_at", "updated_at",
)  # fmt: skip
ROUND_FIELDS = ("id", "wave", "opened_by", "opened_at", "closed_at", "answered")
AUDIT_FIELDS = ("at", "actor", "action", "object_kind", "object_id", "label")
USER_FIELDS = {"created_by", "decided_by", "opened_by"}

README = """\
groeimodel: privacy export (AVG/GDPR) of {name}
Made {at} by {actor}. Format version {version}.

company.json  everything in one document, nested: the company, its waves (growth figures, the owner's or
              management's scans with their answers and scores, the employees' view, the employee rounds),
              the initiatives with their business cases, and the audit records about the company.
*.csv         the same data, one file per table, joined by the id columns.

Employees answer anonymously: their answers are not exported one by one. Per wave the export holds how many
employees answered and, from {k} answers on, their mean, spread and count per building block and level (as on
the result page). The employee rounds' links (tokens) and users' e-mail addresses are not included.
Statements, blocks and levels are named by their ids in the model file (model_id, model_version).
"""


def _plain(value: Any) -> Any:
    """A value as JSON has it: decimals as numbers, dates and times as ISO 8601 text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, fields: Iterable[str], users: dict[int, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        if name in USER_FIELDS:
            out[name] = users.get(getattr(obj, f"{name}_id"))
        elif name == "wave":
            out[name] = obj.wave_id
        else:
            out[name] = _plain(getattr(obj, name))
    return out


def _usernames(company: Company) -> dict[int, str]:
    """The user names of everyone who appears in the company's rows, by id (one query)."""
    from django.contrib.auth import get_user_model

    ids: set[int] = set()
    ids.update(Wave.objects.filter(company=company).values_list("created_by", flat=True))
    ids.update(Response.objects.filter(wave__company=company).values_list("created_by", flat=True))
    ids.update(Initiative.objects.filter(company=company).values_list("created_by", flat=True))
    ids.update(Initiative.objects.filter(company=company).values_list("decided_by", flat=True))
    ids.update(EmployeeRound.objects.filter(wave__company=company).values_list("opened_by", flat=True))
    ids.discard(None)  # type: ignore[arg-type]
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))


def audit_records_about(company: Company) -> Any:
    """The audit records about the company, its scans, waves, initiatives and rounds, oldest first."""
    from django.db.models import Q

    scans = Response.objects.filter(wave__company=company, respondent=Respondent.MANAGEMENT).values("pk")
    waves = Wave.objects.filter(company=company).values("pk")
    rounds = EmployeeRound.objects.filter(wave__company=company).values("pk")
    initiatives = Initiative.objects.filter(company=company).values("pk")
    about = (
        Q(object_kind="company", object_id=company.pk)
        | Q(object_kind="scan", object_id__in=scans)
        | Q(object_kind="wave", object_id__in=waves)
        | Q(object_kind="round", object_id__in=rounds)
        | Q(object_kind="initiative", object_id__in=initiatives)
    )
    return AuditRecord.objects.filter(about, organisation_id=company.organisation_id).order_by("at", "pk")


def _audit_row(r: AuditRecord) -> dict[str, Any]:
    return {
        "at": _plain(r.at),
        "actor": r.actor_name,
        "action": r.action,
        "object_kind": r.object_kind,
        "object_id": r.object_id,
        "label": r.label,
    }


def _employees_of(wave: Wave) -> dict[str, Any]:
    """The employees' view of a wave, under the anonymity rule: their number, and from k on their aggregates."""
    stored = list(
        Response.objects.filter(
            wave=wave, respondent=Respondent.EMPLOYEE, status=Response.Status.SUBMITTED
        ).values_list("model_id", "model_version", "result")
    )
    k = settings.EMPLOYEES_MIN
    results = [
        ScanResult.from_dict(data, load_model(model_id, version))
        for model_id, version, data in stored
        if (model_id, version) == (wave.model_id, wave.model_version) and data is not None
    ]
    view = employee_view(results, k=k)
    return {
        "answered": len(stored),
        "minimum_shown": k,
        "shown": view.shown,
        "blocks": {bid: asdict(agg) for bid, agg in view.blocks.items()},
        "levels": {str(n): asdict(agg) for n, agg in view.levels.items()},
    }


def _business_case(initiative: Initiative) -> dict[str, Any] | None:
    case = business_case_of(initiative)
    if case is None:
        return None
    return case.to_dict()


def company_document(company: Company, *, actor_name: str) -> dict[str, Any]:
    """Everything about the company in one nested document (see the module's docstring for what is left out)."""
    users = _usernames(company)
    waves: list[dict[str, Any]] = []
    for wave in Wave.objects.filter(company=company).order_by("number"):
        scans = []
        for scan in Response.objects.filter(wave=wave, respondent=Respondent.MANAGEMENT).order_by("pk"):
            scans.append(
                {
                    **_row(scan, SCAN_FIELDS, users),
                    "answers": {
                        item: value
                        for item, value in Answer.objects.filter(response=scan)
                        .order_by("item_id")
                        .values_list("item_id", "value")
                    },
                    "scores": [
                        {"level": level, "block": block or None, "score": score, "band": band, "achieved": achieved}
                        for level, block, score, band, achieved in ScoreRow.objects.filter(response=scan)
                        .order_by("level", "block")
                        .values_list("level", "block", "score", "band", "achieved")
                    ],
                    "result": scan.result,
                }
            )
        waves.append(
            {
                **_row(wave, WAVE_FIELDS, users),
                "label": wave.label,
                "scans": scans,
                "employees": _employees_of(wave),
                "employee_rounds": [
                    _row(r, ROUND_FIELDS, users) for r in EmployeeRound.objects.filter(wave=wave).order_by("pk")
                ],
            }
        )
    initiatives = [
        {**_row(i, INITIATIVE_FIELDS, users), "business_case": _business_case(i)}
        for i in Initiative.objects.filter(company=company).order_by("created_at", "pk")
    ]
    return {
        "format": "groeimodel-company-export",
        "format_version": FORMAT_VERSION,
        "exported_at": _plain(timezone.now()),
        "exported_by": actor_name,
        "organisation": company.organisation.name,
        "company": {
            **{name: _plain(getattr(company, name)) for name in COMPANY_FIELDS},
            "advisors": sorted(company.advisors.values_list("username", flat=True)),
        },
        "waves": waves,
        "initiatives": initiatives,
        "audit": [_audit_row(r) for r in audit_records_about(company).iterator(chunk_size=CHUNK)],
    }


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with =, +, -, @, tab or CR gets a
    leading apostrophe. Numbers stay numbers; JSON values (lists, mappings) are written as JSON."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    value = _plain(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv(archive: zipfile.ZipFile, name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])


def _tables(company: Company, document: dict[str, Any]) -> Iterator[tuple[str, list[str], Iterable[Iterable[Any]]]]:
    """The CSV files: one per table, with ids that join them."""
    yield "company.csv", [*COMPANY_FIELDS, "advisors"], [document["company"].values()]
    yield "waves.csv", [*WAVE_FIELDS, "label"], [[w[f] for f in (*WAVE_FIELDS, "label")] for w in document["waves"]]
    scans = [s for w in document["waves"] for s in w["scans"]]
    yield "scans.csv", list(SCAN_FIELDS), [[s[f] for f in SCAN_FIELDS] for s in scans]
    answers = (
        Answer.objects.filter(response__wave__company=company, response__respondent=Respondent.MANAGEMENT)
        .order_by("response_id", "item_id")
        .values_list("response_id", "item_id", "value", "updated_at")
    )
    yield "answers.csv", ["scan", "item_id", "value", "updated_at"], answers.iterator(chunk_size=CHUNK)
    scores = (
        ScoreRow.objects.filter(company=company, respondent=Respondent.MANAGEMENT)
        .order_by("response_id", "level", "block")
        .values_list("response_id", "wave_id", "model_id", "level", "block", "score", "band", "achieved")
    )
    header = ["scan", "wave", "model_id", "level", "block", "score", "band", "achieved"]
    yield "scores.csv", header, scores.iterator(chunk_size=CHUNK)
    employees = []
    for w in document["waves"]:
        view = w["employees"]
        employees.append([w["id"], "", "", view["answered"], None, None])
        for level, agg in view["levels"].items():
            employees.append([w["id"], level, "", agg["n"], agg["mean"], agg["sd"]])
        for block, agg in view["blocks"].items():
            employees.append([w["id"], "", block, agg["n"], agg["mean"], agg["sd"]])
    yield "employees.csv", ["wave", "level", "block", "n", "mean", "sd"], employees
    case_fields = ["payback_years", "roi", "npv", "irr"]
    yield (
        "initiatives.csv",
        [*INITIATIVE_FIELDS, *case_fields],
        [
            [i[f] for f in INITIATIVE_FIELDS] + [(i["business_case"] or {}).get(f) for f in case_fields]
            for i in document["initiatives"]
        ],
    )
    rounds = [r for w in document["waves"] for r in w["employee_rounds"]]
    yield "rounds.csv", list(ROUND_FIELDS), [[r[f] for f in ROUND_FIELDS] for r in rounds]
    yield "audit.csv", list(AUDIT_FIELDS), [[r[f] for f in AUDIT_FIELDS] for r in document["audit"]]


def write_export(company: Company, out: IO[bytes], *, actor_name: str) -> None:
    """The zip of ``company``'s data into ``out``."""
    document = company_document(company, actor_name=actor_name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                name=company.name,
                at=document["exported_at"],
                actor=actor_name,
                version=FORMAT_VERSION,
                k=settings.EMPLOYEES_MIN,
            ),
        )
        with archive.open("company.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            json.dump(document, text, ensure_ascii=False, indent=2)
        for name, header, rows in _tables(company, document):
            _write_csv(archive, name, header, rows)


@login_required
@require_POST
def company_export(request: HttpRequest, pk: int) -> FileResponse:
    """The company's privacy export as a download; recorded in the audit log as "exported"."""
    company = access.get_company_to_export(request.user, pk)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the FileResponse
    with transaction.atomic():  # one consistent snapshot of the company, and its record with it
        write_export(company, spool, actor_name=request.user.get_username())
        record(
            actor=request.user, organisation=company.organisation_id, action=Action.EXPORT, object_kind="company",
            object_id=company.pk, label=company.name,
        )  # fmt: skip
    spool.seek(0)
    stamp = timezone.localdate().isoformat()
    filename = f"groeimodel-{slugify(company.name) or company.pk}-{stamp}.zip"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type="application/zip")
