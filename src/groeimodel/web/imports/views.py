"""The import pages: upload a file, see every problem by file, row and column, or what was created.

A view parses, calls the service (:mod:`.companies`, :mod:`.scans`) and renders. An upload over the limit is refused
before it is read: by its Content-Length (then the body is never touched, so the CSRF token in it is not checked
either; nothing is done), or by :class:`~.uploads.LimitedUploadHandler` while it streams."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from groeimodel.web import access
from groeimodel.web.companies.models import Company
from groeimodel.web.i18n import current_lang
from groeimodel.web.imports.companies import COLUMNS, REQUIRED, import_companies
from groeimodel.web.imports.forms import ImportFileForm
from groeimodel.web.imports.report import ImportReport
from groeimodel.web.imports.scans import import_scans
from groeimodel.web.imports.uploads import declared_too_large, limit_uploads

RESULT_KEY = "groeimodel-import-result"
SHOWN_ERRORS = 500  # rows of the problem table; the rest is counted


@csrf_exempt  # the CSRF check runs in _post, after the upload limit is in place (Django's documented way)
@login_required
@require_http_methods(["GET", "POST"])
def company_import(request: HttpRequest) -> HttpResponse:
    if not access.can_create_company(request.user):
        raise Http404
    return _page(request, kind="companies", company=None)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def scan_import(request: HttpRequest) -> HttpResponse:
    """Scans of several companies, each row naming its company by KvK number."""
    if not access.can_create_company(request.user):
        raise Http404
    return _page(request, kind="scans", company=None)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def company_scan_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Scans of one company: a wave table or a filled-in questionnaire form."""
    if not access.can_run_scans(request.user):
        raise Http404
    company = access.get_company(request.user, pk)
    return _page(request, kind="scans", company=company)


def _page(request: HttpRequest, *, kind: str, company: Company | None) -> HttpResponse:
    if request.method != "POST":
        return _render(request, kind, company, ImportFileForm(), None)
    max_bytes = settings.IMPORT_MAX_BYTES
    if declared_too_large(request, max_bytes):
        form = ImportFileForm(data={}, files={}, too_large=True)
        form.is_valid()
        return _render(request, kind, company, form, None, status=413)
    handler = limit_uploads(request, max_bytes)
    return _post(request, kind=kind, company=company, too_large=lambda: handler.too_large)


@csrf_protect
def _post(request: HttpRequest, *, kind: str, company: Company | None, too_large: Any) -> HttpResponse:
    files = request.FILES
    form = ImportFileForm(request.POST, files, too_large=too_large())
    if not form.is_valid():
        return _render(request, kind, company, form, None, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    lang = current_lang()
    if kind == "companies":
        report = import_companies(user=request.user, file_name=upload.name, data=data, lang=lang)
    else:
        report = import_scans(user=request.user, company=company, file_name=upload.name, data=data, lang=lang)
    if not report.ok:
        for issue in report.errors:
            if issue.row is None:
                form.add_error("file", issue.message)
        return _render(request, kind, company, form, report, status=400)
    request.session[RESULT_KEY] = {
        "kind": report.kind,
        "file": report.file,
        "created": report.created,
        "company": company.pk if company else None,
    }
    return redirect("import-result")


def _render(
    request: HttpRequest,
    kind: str,
    company: Company | None,
    form: ImportFileForm,
    report: ImportReport | None,
    *,
    status: int = 200,
) -> HttpResponse:
    rows = [issue for issue in report.errors if issue.row is not None] if report else []
    return render(
        request,
        "imports/upload.html",
        {
            "kind": kind,
            "company": company,
            "form": form,
            "report": report,
            "problems": rows[:SHOWN_ERRORS],
            "problem_count": len(rows),
            "more_problems": max(0, len(rows) - SHOWN_ERRORS),
            "columns": [(aliases[0], aliases[1:], field in REQUIRED) for field, aliases in COLUMNS.items()],
            "max_rows": settings.IMPORT_MAX_ROWS,
            "can_import_companies": access.can_create_company(request.user),
        },
        status=status,
    )


@login_required
def import_result(request: HttpRequest) -> HttpResponse:
    """What the last import created, read back through the access selectors."""
    result = request.session.get(RESULT_KEY)
    if not isinstance(result, dict) or not access.can_run_scans(request.user):
        return redirect("company-list")
    ids = [int(pk) for pk in result.get("created", [])]
    companies: list[Company] = []
    scans: list[Any] = []
    if result.get("kind") == "companies":
        companies = list(access.companies_for(request.user).filter(pk__in=ids).order_by("name", "pk"))
    else:
        scans = list(
            access.scans_for(request.user)
            .filter(pk__in=ids)
            .select_related("wave", "wave__company")
            .order_by("wave__company__name", "wave__number")
        )
    return render(
        request,
        "imports/result.html",
        {"kind": result.get("kind"), "file": result.get("file", ""), "companies": companies, "scans": scans},
    )
