"""The outcome of one import: what was created, or every problem with its place (file, row, column)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import strip_tags

IMPORT_ACTION = "import"  # the audit action of a record created by an import


@dataclass(frozen=True)
class ImportIssue:
    """One problem of an import file. ``row`` is the line (CSV) or sheet row (XLSX) counted from 1, with the
    header as row 1; None for the file as a whole. ``column`` is the column's name as the file spells it, or ''."""

    file: str
    row: int | None
    column: str
    message: str

    def to_dict(self) -> dict[str, object]:
        """The issue as plain data (the API): the message as text, without the web page's links."""
        return {"file": self.file, "row": self.row, "column": self.column, "message": strip_tags(self.message)}


@dataclass
class ImportReport:
    """What an import did: ``created`` holds the ids of the new objects (companies, or the scans' responses), in
    file order; ``errors`` every problem found. With any error, nothing is written and ``created`` is empty."""

    file: str
    kind: str  # "companies" or "scans"
    created: list[int] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    rows: int = 0  # data rows read

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(ImportIssue(self.file, row, column, message))
