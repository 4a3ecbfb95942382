"""Import of companies from a CSV or XLSX table: every row is checked with the web form's rules (CompanyForm), and
the companies are created all together or not at all."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from groeimodel.safeio import bare
from groeimodel.web import access
from groeimodel.web.audit.services import record
from groeimodel.web.companies.forms import CompanyForm
from groeimodel.web.companies.models import Company, Province
from groeimodel.web.companies.services import create_company
from groeimodel.web.imports.report import IMPORT_ACTION, ImportReport
from groeimodel.web.imports.tables import TableError, display_name, read_table

# The columns of a companies file: the form field and every header name that means it (Dutch and English; case,
# spaces, hyphens and underscores do not matter). Documented in the README, section "Import".
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "naam", "company", "bedrijf", "bedrijfsnaam", "company name"),
    "kvk_number": ("kvk number", "kvk", "kvk nummer", "kvknummer", "kvk nr", "coc number"),
    "sbi_section": ("sbi section", "sbi", "sbi sectie", "sector", "sectie"),
    "employees": (
        "employees", "werknemers", "medewerkers", "aantal werknemers", "aantal medewerkers", "number of employees",
        "head count", "headcount", "werkzame personen",
    ),
    "province": ("province", "provincie"),
    "founding_year": ("founding year", "oprichtingsjaar", "founded", "opgericht", "year founded"),
    "advisors": ("advisors", "adviseurs", "advisor", "adviseur"),
}  # fmt: skip
REQUIRED = ("name", "sbi_section", "employees", "province")

_PROVINCE_NAMES = {label.lower(): code for code, label in Province.choices} | {
    code.lower(): code for code in Province.values
}
_PROVINCE_NAMES["friesland"] = Province.FR
_PROVINCE_NAMES["fryslan"] = Province.FR


def normal_header(name: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", name.strip().lower()).strip()


_FIELD_OF = {normal_header(alias): field for field, aliases in COLUMNS.items() for alias in aliases}


def import_companies(*, user: Any, file_name: str, data: bytes, lang: str = "nl") -> ImportReport:
    """Create the companies of a CSV or XLSX file in ``user``'s organisation, all or none.

    Raises Http404 for a user who may not create companies. Everything wrong with the file is in the report."""
    if not access.can_create_company(user):
        raise Http404
    with translation.override(lang):
        report = ImportReport(file=display_name(file_name), kind="companies")
        try:
            table = read_table(file_name, data, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS)
        except TableError as exc:
            report.error(exc.row, exc.column, exc.message)
            return report
        report.rows = len(table.rows)
        columns = _columns(report, table.header, table.header_row)
        if report.errors:
            return report
        rows = _validate_rows(report, user, table.header, table.rows, columns)
        if report.errors:
            return report
        _create(report, user, rows)
        return report


def _columns(report: ImportReport, header: list[str], header_row: int) -> dict[str, int]:
    """The form field of each column by its index; every problem of the header row is reported."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            report.error(header_row, "", _("Column %(number)d has no name.") % {"number": index + 1})
            continue
        field = _FIELD_OF.get(normal_header(name))
        if field is None:
            report.error(
                header_row,
                bare(name),
                _("Unknown column. The columns are: %(columns)s.")
                % {"columns": ", ".join(aliases[0] for aliases in COLUMNS.values())},
            )
        elif field in columns:
            report.error(header_row, bare(name), _("This column appears twice."))
        else:
            columns[field] = index
    for field in REQUIRED:
        if field not in columns:
            report.error(header_row, COLUMNS[field][0], _("This column is required."))
    return columns


def _cell_value(field: str, text: str) -> str:
    value = text.strip()
    if field == "sbi_section":
        if len(value) > 1 and value[1] in " -–:":  # "C – Manufacturing", as the web form shows it
            value = value[0]
        return value.upper()
    if field == "province":
        return _PROVINCE_NAMES.get(value.lower().replace("â", "a"), value)
    return value


class _ImportCompanyForm(CompanyForm):
    """The web form, with its KvK check asked once for the whole file: only a number the organisation already has
    costs the form's own look-up (and gets its message)."""

    def __init__(self, *args: Any, taken_kvk: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken_kvk = taken_kvk

    def duplicate_kvk_error(self, kvk: str) -> forms.ValidationError | None:
        if kvk not in self.taken_kvk:
            return None
        return super().duplicate_kvk_error(kvk)


def _taken_kvk(user: Any, rows: list[tuple[int, list[str]]], columns: dict[str, int]) -> set[str]:
    if "kvk_number" not in columns:
        return set()
    wanted = {cells[columns["kvk_number"]].strip() for _, cells in rows} - {""}
    taken: set[str] = set()
    organisation = user.membership.organisation_id
    listed = sorted(wanted)
    for start in range(0, len(listed), 500):  # SQLite takes at most 999 parameters in one query
        taken.update(
            Company.objects.filter(
                organisation_id=organisation, kvk_number__in=listed[start : start + 500]
            ).values_list("kvk_number", flat=True)
        )
    return taken


def _validate_rows(
    report: ImportReport, user: Any, header: list[str], rows: list[tuple[int, list[str]]], columns: dict[str, int]
) -> list[tuple[dict[str, Any], list[Any]]]:
    valid: list[tuple[dict[str, Any], list[Any]]] = []
    kvk_rows: dict[str, int] = {}
    column_of = {field: bare(header[index]) for field, index in columns.items()}
    advisor_names: dict[str, Any] | None = None
    taken = _taken_kvk(user, rows, columns)
    for number, cells in rows:
        if any(cell.strip() for cell in cells[len(header) :]):
            report.error(number, "", _("The row has more cells than the header has columns."))
            continue
        data: dict[str, Any] = {f: _cell_value(f, cells[i]) for f, i in columns.items() if f != "advisors"}
        form = _ImportCompanyForm(data=data, user=user, taken_kvk=taken)
        advisors: list[Any] = []
        names = [n.strip() for n in re.split(r"[,;]", cells[columns["advisors"]])] if "advisors" in columns else []
        names = [n for n in names if n]
        if names:
            if "advisors" not in form.fields:
                report.error(number, column_of["advisors"], _("Only the administrator assigns advisors."))
            else:
                if advisor_names is None:
                    advisor_names = {u.get_username().lower(): u for u in form.fields["advisors"].queryset}  # type: ignore[attr-defined]
                for name in names:
                    adviser = advisor_names.get(name.lower())
                    if adviser is None:
                        report.error(
                            number,
                            column_of["advisors"],
                            _("%(name)s is not an advisor of your organisation.") % {"name": bare(name)},
                        )
                    else:
                        advisors.append(adviser)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for message in errors:
                    report.error(number, column_of.get(field, field), str(message))
            continue
        kvk = form.cleaned_data.get("kvk_number") or ""
        if kvk:
            if kvk in kvk_rows:
                report.error(
                    number,
                    column_of["kvk_number"],
                    _("This KvK number is also in row %(row)d of the file.") % {"row": kvk_rows[kvk]},
                )
                continue
            kvk_rows[kvk] = number
        cleaned = {k: v for k, v in form.cleaned_data.items() if k != "advisors"}
        valid.append((cleaned, advisors))
    return valid


def _create(report: ImportReport, user: Any, rows: list[tuple[dict[str, Any], list[Any]]]) -> None:
    created: list[int] = []
    try:
        with transaction.atomic():
            for data, advisors in rows:
                company = create_company(user=user, data=data, advisors=advisors)
                record(
                    actor=user, organisation=company.organisation_id, action=IMPORT_ACTION, object_kind="company",
                    object_id=company.pk, label=company.name,
                )  # fmt: skip
                created.append(company.pk)
    except IntegrityError:
        report.error(
            None, "", _("A KvK number of the file was registered in the meantime; nothing was imported. Try again.")
        )
        return
    report.created = created
