"""Imports of companies and scans from CSV and XLSX files, and of filled-in offline xlsx forms.

The service functions (:func:`~groeimodel.web.imports.companies.import_companies`,
:func:`~groeimodel.web.imports.scans.import_scans`) take a user, a file name and its bytes and return an
:class:`~groeimodel.web.imports.report.ImportReport`; they know nothing of HTTP, so the web app and the API call the
same code. Every row is validated with the rules of the web forms; a file with any error writes nothing.
"""
