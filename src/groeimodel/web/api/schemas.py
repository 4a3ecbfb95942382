"""Schemas the routers share: the error shape and a page of a list."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Generic, TypeVar

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from groeimodel.model import shipped_model_ids

T = TypeVar("T")


class Out(BaseModel):
    """A response body that the view builds from its own values: a plain pydantic model. A ninja ``Schema`` reads
    every field of every nested object through its ``DjangoGetter`` (made for ORM objects), which was a tenth of
    the CPU of an API submission with its result of 23 levels and blocks (bench/README.md, "The API scenario")."""

    model_config = ConfigDict(from_attributes=True)


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


# The error statuses every operation may answer: a body that is not JSON, no valid token, out of reach, bad input,
# too many requests, our fault.
COMMON_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}


def responses(ok: object, *statuses: int, code: int = 200) -> dict[int, object]:
    """An operation's response schemas: ``ok`` for ``code`` and the error shape for the common and given statuses."""
    out: dict[int, object] = {code: ok, **COMMON_ERRORS}
    for status in statuses:
        out[status] = ErrorOut
    return out


def _text_date(value: object) -> object:
    if not isinstance(value, str | dt.date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# Request bodies take numbers, booleans and dates as JSON spells them: no true for 1, no "5" for 5, no timestamps.
StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]
StrictBool = Annotated[bool, Strict()]
IsoDate = Annotated[dt.date, BeforeValidator(_text_date)]

# The shipped models' ids, as the document's enum (a new model file adds one).
ModelId = Enum("ModelId", {m.replace("-", "_"): m for m in shipped_model_ids()}, type=str)  # type: ignore[misc]
