"""Schemas the routers share: the error shape and a page of a list."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import Field

T = TypeVar("T")


class FieldError(Schema):
    field: str = Field(description="the field, dotted for a nested one (`answers.1a`); empty for the whole request")
    message: str


class ErrorOut(Schema):
    """Every error the API answers, whatever its status."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class PageOut(Schema, Generic[T]):
    total: int = Field(description="how many match, on all pages")
    limit: int
    offset: int
    items: list[T]


# The error statuses every operation may answer (the auth failures, out of reach, bad input, too many, our fault).
COMMON_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut, 500: ErrorOut}


def responses(ok: object, *statuses: int, code: int = 200) -> dict[int, object]:
    """An operation's response schemas: ``ok`` for ``code`` and the error shape for the common and given statuses."""
    out: dict[int, object] = {code: ok, **COMMON_ERRORS}
    for status in statuses:
        out[status] = ErrorOut
    return out
