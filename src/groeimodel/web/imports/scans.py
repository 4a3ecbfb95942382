"""Import of scans: a wave table (CSV or XLSX in the wave CSV format of the README: an ``id`` column and one column
per statement) or a filled-in offline questionnaire form (``groeimodel questionnaire --format xlsx``, read by
:mod:`groeimodel.scanfiles`). Each scan becomes the management response of a new wave of its company, submitted and
scored through the web app's own services (:func:`~groeimodel.web.scans.services.submit_scan`), all or none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from groeimodel.errors import InputError
from groeimodel.model import DEFAULT_MODEL, Model, load_model
from groeimodel.model.loader import shipped_model_ids
from groeimodel.questionnaire import MISSING_WORDS
from groeimodel.safeio import bare
from groeimodel.scanfiles import read_scans
from groeimodel.web import access
from groeimodel.web.audit.services import record
from groeimodel.web.companies.models import Company
from groeimodel.web.imports.report import IMPORT_ACTION, ImportReport
from groeimodel.web.imports.tables import (
    Table,
    TableError,
    check_size,
    display_name,
    is_form,
    read_xlsx_table,
    reason,
    suffix_of,
    xlsx_on_disk,
)
from groeimodel.web.imports.tables import read_table as read_csv_or_xlsx
from groeimodel.web.scans.models import Answer, Respondent, Response
from groeimodel.web.scans.services import ScanError, save_answers, start_scan, submit_scan


@dataclass(frozen=True)
class _Scan:
    row: int | None
    company: Company
    model: Model
    answers: dict[str, int | None]


class _Abort(Exception):
    """Something changed in the meantime: the transaction is rolled back."""


def import_scans(*, user: Any, company: Company | None, file_name: str, data: bytes, lang: str = "nl") -> ImportReport:
    """Submit the scans of a file as new waves, all or none: for ``company`` (every row of a table, or the one
    form), or with ``company`` None for the companies whose KvK numbers the table's ``id`` column holds.

    Raises Http404 for a user who may not run scans, or a company out of their reach. Everything wrong with the
    file is in the report; ``created`` holds the new responses' ids."""
    if not access.can_run_scans(user):
        raise Http404
    if company is not None and not access.companies_for(user).filter(pk=company.pk).exists():
        raise Http404
    with translation.override(lang):
        report = ImportReport(file=display_name(file_name), kind="scans")
        try:
            scans = _read(report, user, company, file_name, data)
        except TableError as exc:
            report.error(exc.row, exc.column, exc.message)
            return report
        if report.errors:
            return report
        report.rows = len(scans)
        _check_no_drafts(report, scans)
        if not report.errors:
            _submit(report, user, scans)
        return report


def _max_scans() -> int:
    return min(settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_SCANS)


def _read(report: ImportReport, user: Any, company: Company | None, file_name: str, data: bytes) -> list[_Scan]:
    check_size(data, settings.IMPORT_MAX_BYTES)
    if suffix_of(file_name) == ".csv":
        table = read_csv_or_xlsx(file_name, data, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=_max_scans())
        return _from_table(report, user, company, table)
    with xlsx_on_disk(file_name, data) as path:
        if not is_form(path):
            return _from_table(report, user, company, read_xlsx_table(path, _max_scans()))
        if company is None:
            raise TableError(_("A questionnaire form is one scan of one company: import it on the company's page."))
        return [_from_form(path, company)]


def _from_form(path: Path, company: Company) -> _Scan:
    """The one scan of an offline form, read and checked by the core's form reader."""
    try:
        (scan,) = read_scans([str(path)])
    except InputError as exc:
        text = reason(exc, path)
        found = re.search(r"\brow (\d+)\b", text)
        raise TableError(
            _("The form cannot be read: %(reason)s") % {"reason": text}, row=int(found.group(1)) if found else None
        ) from None
    answers = _complete(scan.model, scan.answers)
    if not any(v is not None for v in answers.values()):
        raise TableError(_("The form has no answers."))
    return _Scan(row=None, company=company, model=scan.model, answers=answers)


def _complete(model: Model, answers: dict[str, int | None]) -> dict[str, int | None]:
    """Every statement of the model: one the file leaves out counts as not answered (as "weet niet")."""
    return {item.id: answers.get(item.id) for item in model.items}


def _model_of(report: ImportReport, table: Table) -> Model | None:
    if "model" not in table.header:
        return load_model(DEFAULT_MODEL)
    column = table.header.index("model")
    named = {cells[column].strip() for _, cells in table.rows} - {""}
    if len(named) > 1:
        report.error(None, "model", _("All scans of one file must use the same model."))
        return None
    model_id = named.pop() if named else DEFAULT_MODEL
    if model_id not in shipped_model_ids():
        report.error(
            table.rows[0][0],
            "model",
            _("Unknown model %(model)s; the models are: %(models)s.")
            % {"model": bare(model_id), "models": ", ".join(shipped_model_ids())},
        )
        return None
    return load_model(model_id)


def _answer(text: str) -> int | None:
    word = text.strip().lower()
    if word in MISSING_WORDS:
        return None
    if word in ("1", "2", "3", "4", "5"):
        return int(word)
    raise ValueError(word)


def _from_table(report: ImportReport, user: Any, company: Company | None, table: Table) -> list[_Scan]:
    header = table.header
    if "id" not in header:
        report.error(table.header_row, "id", _("This column is required."))
    model = _model_of(report, table)
    if model is None or report.errors:
        return []
    seen: set[str] = set()
    item_columns: list[tuple[int, str]] = []
    for index, name in enumerate(header):
        if name in ("id", "model"):
            pass
        elif not name:
            report.error(table.header_row, "", _("Column %(number)d has no name.") % {"number": index + 1})
        elif name not in model.item_index:
            report.error(
                table.header_row, bare(name), _("Unknown statement id for model %(model)s.") % {"model": model.id}
            )
        else:
            item_columns.append((index, name))
        if name and name in seen:
            report.error(table.header_row, bare(name), _("This column appears twice."))
        seen.add(name)
    if report.errors:
        return []
    id_column = header.index("id")
    by_kvk: dict[str, Company] = {}
    if company is None:
        wanted = {cells[id_column].strip() for _, cells in table.rows}
        by_kvk = {c.kvk_number: c for c in access.companies_for(user).filter(kvk_number__in=wanted) if c.kvk_number}
    scans: list[_Scan] = []
    for number, cells in table.rows:
        if any(cell.strip() for cell in cells[len(header) :]):
            report.error(number, "", _("The row has more cells than the header has columns."))
            continue
        scan_id = cells[id_column].strip()
        target = company
        if not scan_id:
            report.error(number, "id", _("This field is required."))
        elif company is None:
            target = by_kvk.get(scan_id)
            if target is None:
                report.error(
                    number, "id", _("None of your companies has the KvK number %(kvk)s.") % {"kvk": bare(scan_id)}
                )
        answers: dict[str, int | None] = {}
        for index, item in item_columns:
            try:
                answers[item] = _answer(cells[index])
            except ValueError:
                report.error(
                    number,
                    item,
                    _("An answer must be 1 to 5, or empty for “don't know / not applicable”; got %(value)s.")
                    % {"value": bare(cells[index].strip(), 20)},
                )
        if not any(v is not None for v in answers.values()):
            report.error(number, "", _("The row has no answers."))
        if target is not None:
            scans.append(_Scan(row=number, company=target, model=model, answers=_complete(model, answers)))
    return scans


def _check_no_drafts(report: ImportReport, scans: list[_Scan]) -> None:
    """An import makes new waves: a company with a scan in progress gets it finished or deleted first."""
    companies = {scan.company.pk for scan in scans}
    busy = set(
        Response.objects.filter(
            wave__company__in=companies, respondent=Respondent.MANAGEMENT, status=Response.Status.DRAFT
        ).values_list("wave__company", flat=True)
    )
    named: set[int] = set()
    for scan in scans:
        if scan.company.pk in busy and scan.company.pk not in named:
            named.add(scan.company.pk)
            report.error(
                scan.row,
                "id" if scan.row is not None else "",
                _("%(company)s has a scan in progress; submit or delete it before importing.")
                % {"company": scan.company.name},
            )


def _submit(report: ImportReport, user: Any, scans: list[_Scan]) -> None:
    created: list[int] = []
    try:
        with transaction.atomic():
            # Every company's row first, in id order (FOR NO KEY UPDATE, the lock each submit's refresh takes).
            # A submit locks its company's row and then the monitor's cells, as a change of a company does; taken
            # one by one, the import would hold cells that such a change waits for while it waits for the changed
            # company's row: a deadlock.
            _ = list(
                Company.objects.select_for_update(no_key=True)
                .filter(pk__in={scan.company.pk for scan in scans})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for scan in scans:
                response = start_scan(company=scan.company, user=user, model_id=scan.model.id)
                if Answer.objects.filter(response=response).exists():
                    raise _Abort  # someone started a scan of this company in the meantime
                save_answers(scan=response, answers=scan.answers)
                submit_scan(scan=response)
                record(
                    actor=user, organisation=scan.company.organisation_id, action=IMPORT_ACTION, object_kind="scan",
                    object_id=response.pk, label=f"{scan.company.name} {response.wave.label}",
                )  # fmt: skip
                created.append(response.pk)
    except (_Abort, IntegrityError, ScanError):
        report.error(None, "", _("A scan of one of these companies was started in the meantime; nothing was imported."))
        return
    report.created = created
