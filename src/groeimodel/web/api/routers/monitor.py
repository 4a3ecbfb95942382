"""The monitor's tables, protected as on the page: a cell describing fewer firms than the minimum is null."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from groeimodel.model import DEFAULT_MODEL
from groeimodel.monitor.tables import row_label
from groeimodel.web import access
from groeimodel.web.api.deps import user_of
from groeimodel.web.api.errors import ApiError
from groeimodel.web.api.schemas import ModelId, responses
from groeimodel.web.i18n import current_lang, level_label
from groeimodel.web.monitor.queries import MonitorTables, monitor_tables

router = Router(tags=["monitor"])

By = Literal["sbi_section", "size_class", "province", "year"]


class MonitorQuery(Schema):
    model: ModelId = DEFAULT_MODEL  # type: ignore[assignment]
    by: By = "sbi_section"


class PositionRowOut(Schema):
    key: str
    name: str
    firms: list[int | None] = Field(description="firms per ladder position (0, 1, ...); null: hidden or none")
    total: int | None


class PositionsOut(Schema):
    model_id: str
    by: By
    minimum: int = Field(description="a cell describing fewer firms than this is hidden (null)")
    positions: list[str]
    rows: list[PositionRowOut]
    totals: list[int | None]
    total: int | None


class MeanCellOut(Schema):
    firms: int
    mean: float


class MeanRowOut(Schema):
    key: str
    name: str
    levels: list[MeanCellOut | None] = Field(description="per level (1, 2, ...); null: hidden or none")


class MeansOut(Schema):
    model_id: str
    by: By
    minimum: int
    levels: list[str]
    rows: list[MeanRowOut]
    totals: list[MeanCellOut | None]


def _tables(request: HttpRequest, query: MonitorQuery) -> MonitorTables:
    user = user_of(request)
    if not access.can_see_aggregates(user):
        raise ApiError(403, _("You may not do this."))
    model_id = ModelId(query.model).value
    return monitor_tables(access.aggregate_organisations_for(user), model_id, query.by, settings.MONITOR_MIN)


@router.get("/positions", response=responses(PositionsOut, 403), summary="Firms per ladder position")
def positions(request: HttpRequest, query: Query[MonitorQuery]) -> PositionsOut:
    tables = _tables(request, query)
    lang = current_lang()
    t = tables.positions
    return PositionsOut(
        model_id=tables.model_id,
        by=query.by,
        minimum=settings.MONITOR_MIN,
        positions=[level_label(tables.model_id, p, lang) for p in range(tables.n_levels + 1)],
        rows=[
            PositionRowOut(key=str(key), name=row_label(query.by, key, lang), firms=list(cells), total=total)
            for key, cells, total in zip(t.rows, t.cells, t.row_totals, strict=True)
        ],
        totals=list(t.column_totals),
        total=t.total,
    )


@router.get("/means", response=responses(MeansOut, 403), summary="Mean level scores")
def means(request: HttpRequest, query: Query[MonitorQuery]) -> MeansOut:
    tables = _tables(request, query)
    lang = current_lang()
    t = tables.means

    def cells(row: object) -> list[MeanCellOut | None]:
        return [None if m is None else MeanCellOut(firms=m.firms, mean=m.mean) for m in row]  # type: ignore[attr-defined]

    return MeansOut(
        model_id=tables.model_id,
        by=query.by,
        minimum=settings.MONITOR_MIN,
        levels=[level_label(tables.model_id, lv, lang) for lv in range(1, tables.n_levels + 1)],
        rows=[
            MeanRowOut(key=str(key), name=row_label(query.by, key, lang), levels=cells(row))
            for key, row in zip(t.rows, t.cells, strict=True)
        ],
        totals=cells(t.totals),
    )
