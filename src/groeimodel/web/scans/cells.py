"""The monitor's cells (:class:`~groeimodel.web.scans.models.MonitorCell`): the counted scans summed per
organisation, model, period (the latest scans, or the latest of a year), sector, size class, province and ladder
position, so that a monitor page reads a few thousand rows instead of every firm's scan (docs/scaling.md).

Kept current by difference: what one company's counted scans added to the cells before a change is taken off and
what they add after it is added (:func:`add`), in the same transaction; the upsert adds to the stored figures
(``firms = firms + …``), so concurrent submits of firms in the same cell each add their own part under the row's
lock. Kept current on submit and when a wave's date or figures change (:func:`~groeimodel.web.scans.latest.
refresh_monitor_scans`), and when a company's sector, size class, province, organisation or archiving changes or it
is deleted (the signal handlers below). :func:`rebuild` recomputes every cell from the counted scans (the
population, the migration, ``groeimodel monitor-rebuild``); a test checks that the kept cells equal a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

KEY = ("organisation_id", "model_id", "year", "sbi_section", "size_class", "province", "position")
VALUES = (
    "firms",
    *(f"level_{lv}_{part}" for lv in range(1, 5) for part in ("n", "sum")),
    "up",
    "same",
    "down",
    *(f"{g}_{part}" for g in ("employees_fte", "revenue_pct", "export_share") for part in ("n", "sum")),
)
COLUMNS = KEY + VALUES
_COUNTS = frozenset(v for v in VALUES if not v.endswith("_sum"))
Key = tuple[Any, ...]

_TABLE = "scans_monitorcell"


def _select(one_company: bool) -> str:
    """The cells' figures from the counted scans of non-archived companies (of one company: parameter %s)."""
    company = "AND m.company_id = %s" if one_company else ""
    scans = (
        "m.company_id, m.model_id, m.position, m.previous, m.level_1, m.level_2, m.level_3, m.level_4,"
        " m.employees_fte_change, m.revenue_pct_change, m.export_share_change"
    )
    levels = ", ".join(f"COUNT(s.level_{lv}), COALESCE(SUM(s.level_{lv}), 0)" for lv in range(1, 5))
    moved = "s.previous IS NOT NULL AND s.position IS NOT NULL AND s.position {} s.previous"
    movement = ", ".join(f"COALESCE(SUM(CASE WHEN {moved.format(op)} THEN 1 ELSE 0 END), 0)" for op in (">", "=", "<"))
    growth = ", ".join(
        f"COUNT(s.{g}_change), COALESCE(SUM(s.{g}_change), 0)" for g in ("employees_fte", "revenue_pct", "export_share")
    )
    return f"""
        SELECT c.organisation_id, s.model_id, s.period, c.sbi_section, c.size_class, c.province,
               COALESCE(s.position, -1), COUNT(*), {levels}, {movement}, {growth}
        FROM (
            SELECT {scans}, 0 AS period FROM scans_monitorscan m WHERE m.latest {company}
            UNION ALL
            SELECT {scans}, m.year AS period FROM scans_monitorscan m WHERE m.latest_in_year {company}
        ) s
        JOIN companies_company c ON c.id = s.company_id
        WHERE c.archived_at IS NULL
        GROUP BY c.organisation_id, s.model_id, s.period, c.sbi_section, c.size_class, c.province,
                 COALESCE(s.position, -1)
    """


def rebuild_sql() -> list[str]:
    """The statements that recompute every cell from the counted scans."""
    return [f"DELETE FROM {_TABLE}", f"INSERT INTO {_TABLE} ({', '.join(COLUMNS)}) {_select(False)}"]


def rebuild() -> None:
    """Recompute every cell (after a bulk load, or to repair)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # submits meanwhile wait for the rebuild, then add to its cells
            cursor.execute(f"LOCK TABLE {_TABLE} IN EXCLUSIVE MODE")
        for sql in rebuild_sql():
            cursor.execute(sql)


def contribution(company_id: int) -> dict[Key, list[float]]:
    """What one company's counted scans add to the cells (nothing when it is archived), by cell."""
    with connection.cursor() as cursor:
        cursor.execute(_select(True), [company_id, company_id])
        return {tuple(row[: len(KEY)]): [float(v) for v in row[len(KEY) :]] for row in cursor.fetchall()}


def add(before: dict[Key, list[float]], after: dict[Key, list[float]]) -> None:
    """Take ``before`` off the cells and add ``after``; in key order, so that concurrent changes lock the rows they
    share in the same order."""
    zero = [0.0] * len(VALUES)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: tuple(str(part) for part in k)):
        delta = [n - o for o, n in zip(before.get(key, zero), after.get(key, zero), strict=True)]
        if any(delta):
            changes.append([*key, *(int(d) if name in _COUNTS else d for name, d in zip(VALUES, delta, strict=True))])
    if not changes:
        return
    values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(changes))
    updates = ", ".join(f"{v} = {_TABLE}.{v} + excluded.{v}" for v in VALUES)
    sql = (
        f"INSERT INTO {_TABLE} ({', '.join(COLUMNS)}) VALUES {values}"
        f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for change in changes for v in change])


# A company's place in the cells: its organisation, sector, size class and province, and whether it is archived.
Place = tuple[int, str, str, str, bool]


def added_by(place: Place, scans: Iterable[Sequence[Any]]) -> dict[Key, list[float]]:
    """What counted scans add to the cells, computed here as :func:`_select` computes it in the database (the
    submit path knows the rows it writes and needs no query for them). ``scans``: (model_id, year, latest,
    latest_in_year, position, previous, level_1..level_4, employees_fte_change, revenue_pct_change,
    export_share_change)."""
    organisation_id, sbi_section, size_class, province, archived = place
    out: dict[Key, list[float]] = {}
    if archived:
        return out
    for model_id, year, latest, latest_in_year, position, previous, *figures in scans:
        levels, growth = figures[:4], figures[4:]
        for period in ([0] if latest else []) + ([year] if latest_in_year else []):
            key = (organisation_id, model_id, period, sbi_section, size_class, province,
                   -1 if position is None else position)  # fmt: skip
            v = out.setdefault(key, [0.0] * len(VALUES))
            v[0] += 1
            for lv, score in enumerate(levels):
                if score is not None:
                    v[1 + 2 * lv] += 1
                    v[2 + 2 * lv] += score
            if previous is not None and position is not None:
                v[9 + (0 if position > previous else 1 if position == previous else 2)] += 1
            for g, change in enumerate(growth):
                if change is not None:
                    v[12 + 2 * g] += 1
                    v[13 + 2 * g] += change
    return out


# The company's fields that place its scans in the cells.
_PLACE = ("organisation_id", "sbi_section", "size_class", "province", "archived_at")


def company_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Before a company is saved with another sector, size class, province, organisation or archiving: what its
    scans add to the cells where they are now."""
    if raw or instance.pk is None:
        return
    # Locked like scans.latest._place, so that a submit of this company waits for the change or the change for it.
    companies = type(instance).objects
    if connection.in_atomic_block:
        companies = companies.select_for_update(no_key=True)
    old = companies.filter(pk=instance.pk).values_list(*_PLACE).first()
    if old is None:
        return
    new = tuple(getattr(instance, f) for f in _PLACE)
    if old[:4] != new[:4] or (old[4] is None) != (new[4] is None):
        instance._monitor_cells_before = contribution(instance.pk)


def company_post_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_monitor_cells_before", None)
    if before is not None:
        add(before, contribution(instance.pk))


def company_pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A company that is deleted takes its scans out of the cells (the cascade then deletes the scans)."""
    add(contribution(instance.pk), {})
