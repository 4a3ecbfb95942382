"""Imports of companies and scans from a file (CSV, XLSX, the offline form), all or nothing, through the same
service functions as the web app's import pages (:mod:`groeimodel.web.imports`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError
from groeimodel.web.api.schemas import responses
from groeimodel.web.imports.companies import import_companies
from groeimodel.web.imports.report import ImportReport
from groeimodel.web.imports.scans import import_scans
from groeimodel.web.imports.tables import too_large_message

router = Router(tags=["imports"])


class ImportOut(Schema):
    kind: str = Field(description="companies or scans")
    rows: int = Field(description="data rows read from the file")
    created: list[int] = Field(description="ids of the new companies, or of the new scans (responses), in file order")


def _data(upload: UploadedFile) -> tuple[str, bytes]:
    """The upload's name and bytes; a file over the limit is refused before it is read."""
    limit = settings.IMPORT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ApiError(413, too_large_message(limit), [("file", too_large_message(limit))])
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, too_large_message(limit), [("file", too_large_message(limit))])
    return str(upload.name or "upload"), data


def _outcome(report: ImportReport) -> Status[ImportOut]:
    """201 with what was created, or 422 naming every problem: ``field`` is ``row <n>: <column>`` (the header is
    row 1), or ``file`` for the file as a whole; nothing was written."""
    if not report.ok:
        errors = []
        for issue in report.errors:
            place = "file" if issue.row is None else f"row {issue.row}" + (f": {issue.column}" if issue.column else "")
            errors.append((place, str(issue.to_dict()["message"])))
        raise ApiError(422, _("The file has problems; nothing was imported."), errors)
    return Status(201, ImportOut(kind=report.kind, rows=report.rows, created=report.created))


def _lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


@router.post("/companies", response=responses(ImportOut, 413, code=201), summary="Import companies from a file")
def import_company_file(request: HttpRequest, file: File[UploadedFile]) -> Status[ImportOut]:
    """A CSV or the first sheet of an .xlsx, one company per row (the columns are in the README, *Import*)."""
    user = user_of(request)
    if not access.can_create_company(user):
        raise ApiError(404, _("Not found."))
    name, data = _data(file)
    return _outcome(import_companies(user=user, file_name=name, data=data, lang=_lang()))


@router.post("/scans", response=responses(ImportOut, 413, code=201), summary="Import scans of several companies")
def import_scan_file(request: HttpRequest, file: File[UploadedFile]) -> Status[ImportOut]:
    """A wave table (CSV or XLSX) whose ``id`` column holds the KvK number of one of your companies per row."""
    user = user_of(request)
    if not access.can_create_company(user):
        raise ApiError(404, _("Not found."))
    name, data = _data(file)
    return _outcome(import_scans(user=user, company=None, file_name=name, data=data, lang=_lang()))


@router.post(
    "/companies/{company_id}/scans",
    response=responses(ImportOut, 413, code=201),
    summary="Import scans or a filled-in offline form for one company",
)
def import_company_scans(request: HttpRequest, company_id: int, file: File[UploadedFile]) -> Status[ImportOut]:
    """Every row of a wave table becomes a new wave of the company; a filled-in offline form becomes one."""
    user = user_of(request)
    if not access.can_run_scans(user):
        raise ApiError(404, _("Not found."))
    company = access.get_company(user, company_id)
    name, data = _data(file)
    return _outcome(import_scans(user=user, company=company, file_name=name, data=data, lang=_lang()))
