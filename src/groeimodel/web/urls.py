from __future__ import annotations

from django.urls import include, path

from groeimodel.web import privacy, removal
from groeimodel.web.accounts import manage as manage_users
from groeimodel.web.accounts import throttle
from groeimodel.web.accounts import views as accounts
from groeimodel.web.audit import views as audit
from groeimodel.web.companies import views as companies
from groeimodel.web.imports import views as imports
from groeimodel.web.initiatives import views as initiatives
from groeimodel.web.invitations import views as invitations
from groeimodel.web.monitor import exports as monitor_exports
from groeimodel.web.monitor import views as monitor
from groeimodel.web.scans import model_change_views, report_views, waves
from groeimodel.web.scans import views as scans

urlpatterns = [
    path("", accounts.home, name="home"),
    path("accounts/login/", throttle.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", throttle.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("users/", accounts.user_list, name="user-list"),
    path("users/<int:pk>/toggle-active/", accounts.user_toggle_active, name="user-toggle-active"),
    path("users/<int:pk>/edit/", manage_users.user_edit, name="user-edit"),
    path("users/<int:pk>/send-reset/", manage_users.user_send_reset, name="user-send-reset"),
    path("overview/", monitor.monitor, name="overview"),
    path("overview/<str:table>.csv", monitor.monitor_export, name="overview-export"),
    path("overview/downloads/", monitor_exports.downloads, name="overview-downloads"),
    path("overview/download/<slug:table>/<slug:fmt>/", monitor_exports.monitor_download, name="overview-download"),
    path("overview/wave-data/<slug:fmt>/", monitor_exports.wave_data_download, name="overview-wave-data"),
    path("monitor/", monitor.public_monitor, name="public-monitor"),
    path("monitor/<str:table>.csv", monitor.public_monitor_export, name="public-monitor-export"),
    path("companies/", companies.company_list, name="company-list"),
    path("companies/new/", companies.company_create, name="company-create"),
    path("companies/<int:pk>/", companies.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company-edit"),
    path("companies/<int:pk>/archive/", removal.company_archive, name="company-archive"),
    path("companies/archived/", removal.archived_list, name="company-archived-list"),
    path("companies/<int:pk>/restore/", removal.company_restore, name="company-restore"),
    path("companies/<int:pk>/delete/", removal.company_delete, name="company-delete"),
    path("companies/<int:pk>/export/", privacy.company_export, name="company-export"),
    path("audit/", audit.audit_log, name="audit-log"),
    path("companies/<int:company_pk>/scans/new/", scans.scan_start, name="scan-start"),
    path("companies/import/", imports.company_import, name="company-import"),
    path("companies/import/scans/", imports.scan_import, name="scan-import"),
    path("companies/import/done/", imports.import_result, name="import-result"),
    path("companies/<int:pk>/scans/import/", imports.company_scan_import, name="company-scan-import"),
    path("companies/<int:company_pk>/initiatives/new/", initiatives.initiative_create, name="initiative-create"),
    path("initiatives/suggest/", initiatives.initiative_suggest, name="initiative-suggest"),
    path("initiatives/<int:pk>/", initiatives.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/edit/", initiatives.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:pk>/delete/", removal.initiative_delete, name="initiative-delete"),
    path("scans/<int:pk>/", scans.scan_fill, name="scan-fill"),
    path("scans/<int:pk>/answer/", scans.scan_answer, name="scan-answer"),
    path("scans/<int:pk>/review/", scans.scan_review, name="scan-review"),
    path("scans/<int:pk>/submit/", scans.scan_submit, name="scan-submit"),
    path("scans/<int:pk>/carry-over/", model_change_views.scan_carry_over, name="scan-carry-over"),
    path("scans/<int:pk>/result/", scans.scan_result, name="scan-result"),
    path("scans/<int:pk>/report.pdf", report_views.scan_report_pdf, name="scan-report-pdf"),
    path("scans/<int:pk>/report.html", report_views.scan_report_html, name="scan-report-html"),
    path("scans/<int:pk>/delete/", removal.scan_delete, name="scan-delete"),
    path("waves/<int:pk>/growth/", waves.wave_growth, name="wave-growth"),
    path("waves/<int:pk>/employees/", invitations.round_detail, name="employee-round"),
    path("waves/<int:pk>/employees/open/", invitations.round_open, name="employee-round-open"),
    path("waves/<int:pk>/employees/close/", invitations.round_close, name="employee-round-close"),
    path("waves/<int:pk>/employees/print/", invitations.round_print, name="employee-round-print"),
    path("waves/<int:pk>/employees/send/", invitations.round_send, name="employee-round-send"),
    # The employees' questionnaire: public, reached only through a round's link.
    path("e/<str:token>/", invitations.employee_answer, name="employee-answer"),
    path("e/<str:token>/thanks/", invitations.employee_thanks, name="employee-thanks"),
    path("", include("groeimodel.web.api.urls")),  # /api/v1/ and the token page
]
