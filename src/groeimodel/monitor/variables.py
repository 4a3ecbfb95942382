"""The codebook's variables (docs/monitor.md), and the monitor's protected tables as exportable tables.

Pure core: from the codes and labels in :mod:`groeimodel.monitor.codebook` and the model file (level, block and
indicator names in Dutch and English) to :class:`~groeimodel.monitor.export.Variable` lists; from a
:class:`~groeimodel.monitor.tables.CountTable` or :class:`~groeimodel.monitor.tables.MeanTable` to an
:class:`~groeimodel.monitor.export.ExportTable` whose hidden cells are empty (``None``), like empty ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from groeimodel.model import Model
from groeimodel.monitor.codebook import MOVEMENTS, PROVINCES, SBI_SECTIONS, SIZE_CLASSES
from groeimodel.monitor.export import Cell, ExportTable, Variable
from groeimodel.monitor.tables import CountTable, Dimension, Key, Mean, MeanTable

MEAN_DIGITS: Final = 1  # means are published as on the monitor page
TOTAL_CODE: Final = "total"
TOTAL_LABEL: Final = ("totaal (alle groepen samen)", "total (all groups together)")

DIMENSION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "sbi_section": ("sector (SBI-sectie)", "sector (SBI section)"),
    "size_class": ("grootteklasse", "size class"),
    "province": ("provincie", "province"),
    "year": ("jaar", "year"),
    "position": ("positie op de ladder", "position on the ladder"),
}

# The Innovatie Groei Model's growth figures of a wave (the web app's Wave fields), in the codebook's order.
WAVE_GROWTH: Final[tuple[tuple[str, str, str], ...]] = (
    ("employees_fte", "werkzame personen (fte)", "employees (FTE)"),
    ("revenue", "omzet (euro)", "revenue (EUR)"),
    ("added_value", "toegevoegde waarde (euro)", "added value (EUR)"),
    ("profit", "winst (euro)", "profit (EUR)"),
    ("export_share", "exportaandeel van de omzet (%)", "export share of revenue (%)"),
)


def _codes(labels: Mapping[str, tuple[str, str]]) -> dict[str | int, tuple[str, str]]:
    return dict(labels.items())


def position_values(model: Model) -> dict[str | int, tuple[str, str]]:
    """Ladder positions 0 .. L with the level names of the model file."""
    values: dict[str | int, tuple[str, str]] = {0: ("nog geen niveau bereikt", "no level achieved yet")}
    for level in model.levels:
        values[level.level] = (
            f"niveau {level.level}: {level.name.get('nl')}",
            f"level {level.level}: {level.name.get('en')}",
        )
    return values


def group_variable(dimension: Dimension, model: Model) -> Variable:
    """The first column of a monitor table: the group's code (text), ``total`` for the total row."""
    nl, en = DIMENSION_LABELS[dimension]
    values: dict[str | int, tuple[str, str]]
    if dimension == "sbi_section":
        values = _codes(SBI_SECTIONS)
    elif dimension == "size_class":
        values = _codes(SIZE_CLASSES)
    elif dimension == "province":
        values = _codes(PROVINCES)
    elif dimension == "position":
        values = {str(code): text for code, text in position_values(model).items()}
    else:
        values = {}
    return Variable(dimension, "text", nl, en, {**values, TOTAL_CODE: TOTAL_LABEL})


def _group_code(key: Key) -> str:
    return str(key)


def level_variable(
    model: Model, level: int, *, name: str | None = None, suffix: tuple[str, str] = ("", "")
) -> Variable:
    lv = model.level(level)
    return Variable(
        name or f"level_{level}",
        "number",
        f"score niveau {level} ({lv.name.get('nl')}), 0-100{suffix[0]}",
        f"level {level} score ({lv.name.get('en')}), 0-100{suffix[1]}",
    )


def block_variable(
    model: Model, block_id: str, *, name: str | None = None, suffix: tuple[str, str] = ("", "")
) -> Variable:
    info = model.blocks[model.block_index[block_id]]
    return Variable(
        name or block_id,
        "number",
        f"score bouwsteen {info.data.name.get('nl')} (niveau {info.level}), 0-100{suffix[0]}",
        f"building-block score {info.data.name.get('en')} (level {info.level}), 0-100{suffix[1]}",
    )


def _measure_labels(model: Model, key: Key) -> tuple[str, str]:
    """The Dutch and English label of a column of a table of means: a level, a block or a growth indicator."""
    text = str(key)
    if text.startswith("level_") and text[6:].isdigit() and 1 <= int(text[6:]) <= len(model.levels):
        v = level_variable(model, int(text[6:]))
        return v.label_nl, v.label_en
    if text in model.block_index:
        v = block_variable(model, text)
        return v.label_nl, v.label_en
    indicators = {i.id: i for i in model.data.growth_indicators}
    for level in model.levels:
        indicators.update({i.id: i for i in level.indicators})
    if text in indicators:
        name = indicators[text].name
        return f"gemiddelde {name.get('nl')}", f"mean {name.get('en')}"
    for field_name, nl, en in WAVE_GROWTH:
        if text == field_name:
            return f"gemiddelde {nl}", f"mean {en}"
    return text, text


def _count_column(model: Model, key: Key) -> Variable:
    if isinstance(key, int):
        nl, en = position_values(model).get(key, (str(key), str(key)))
        return Variable(
            f"position_{key}",
            "integer",
            f"aantal bedrijven op positie {key} ({nl})",
            f"number of firms at position {key} ({en})",
        )
    if key in MOVEMENTS:
        nl, en = MOVEMENTS[str(key)]
        return Variable(f"movement_{key}", "integer", f"aantal bedrijven: {nl}", f"number of firms: {en}")
    return Variable(str(key), "integer", f"aantal bedrijven: {key}", f"number of firms: {key}")


def count_table_export(table: CountTable, model: Model, *, name: str, title: tuple[str, str] = ("", "")) -> ExportTable:
    """A count table: the group, one column per table column, ``firms`` (the row total); a total row last."""
    variables = (
        group_variable(table.dimension, model),
        *(_count_column(model, c) for c in table.columns),
        Variable("firms", "integer", "aantal bedrijven (totaal van de rij)", "number of firms (row total)"),
    )

    def rows() -> Iterator[Sequence[Cell]]:
        for key, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
            yield (_group_code(key), *cells, total)
        yield (TOTAL_CODE, *table.column_totals, table.total)

    return ExportTable(name, variables, rows(), *title)


def mean_table_export(
    table: MeanTable,
    model: Model,
    *,
    name: str,
    title: tuple[str, str] = ("", ""),
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> ExportTable:
    """A table of means: the group, then per column ``<key>_n`` (firms with a value) and ``<key>`` (the mean,
    rounded to one decimal as on the page); a total row last. ``labels`` names columns the model does not."""
    variables: list[Variable] = [group_variable(table.dimension, model)]
    for key in table.columns:
        nl, en = (labels or {}).get(str(key)) or _measure_labels(model, key)
        variables.append(
            Variable(
                f"{key}_n", "integer", f"aantal bedrijven met een waarde: {nl}", f"number of firms with a value: {en}"
            )
        )
        variables.append(Variable(str(key), "number", nl, en))

    def cells(row: Sequence[Mean | None]) -> list[Cell]:
        out: list[Cell] = []
        for m in row:
            out += [None, None] if m is None else [m.firms, round(m.mean, MEAN_DIGITS)]
        return out

    def rows() -> Iterator[Sequence[Cell]]:
        for key, row in zip(table.rows, table.cells, strict=True):
            yield (_group_code(key), *cells(row))
        yield (TOTAL_CODE, *cells(table.totals))

    return ExportTable(name, tuple(variables), rows(), *title)


def protected_table_export(
    table: CountTable | MeanTable,
    model: Model,
    *,
    name: str,
    title: tuple[str, str] = ("", ""),
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> ExportTable:
    """Any protected monitor table as an export (the monitor's new tables plug in here)."""
    if isinstance(table, CountTable):
        return count_table_export(table, model, name=name, title=title)
    return mean_table_export(table, model, name=name, title=title, labels=labels)


def wave_variables(model: Model, *, employees_min: int) -> tuple[Variable, ...]:
    """The variables of the wave data at block level (one row per submitted management scan), for ``model``
    (the columns of its newest version; blocks that version lacks stay empty)."""
    out: list[Variable] = [
        Variable(
            "company", "integer", "bedrijf (intern nummer in groeimodel)", "company (internal number in groeimodel)"
        ),
        Variable("sbi_section", "text", "sector (SBI-sectie)", "sector (SBI section)", _codes(SBI_SECTIONS)),
        Variable("size_class", "text", "grootteklasse", "size class", _codes(SIZE_CLASSES)),
        Variable("province", "text", "provincie", "province", _codes(PROVINCES)),
        Variable("founding_year", "integer", "oprichtingsjaar", "founding year"),
        Variable("wave", "integer", "meting (0 = T0, 1 = T1, ...)", "wave (0 = T0, 1 = T1, ...)"),
        Variable("date", "date", "datum van de meting", "date of the wave"),
        Variable("model_id", "text", "model", "model"),
        Variable("model_version", "text", "modelversie", "model version"),
        Variable("position", "integer", "positie op de ladder", "position on the ladder", position_values(model)),
    ]
    out += [level_variable(model, lv.level) for lv in model.levels]
    out += [block_variable(model, b.id) for b in model.blocks]
    out += [Variable(f, "number", nl, en) for f, nl, en in WAVE_GROWTH]
    for level in model.levels:
        for indicator in level.indicators:
            if indicator.business_case is None:
                out.append(
                    Variable(
                        indicator.id,
                        "number",
                        f"indicator niveau {level.level}: {indicator.name.get('nl')} ({indicator.unit})",
                        f"level {level.level} indicator: {indicator.name.get('en')} ({indicator.unit})",
                    )
                )
    out.append(
        Variable(
            "employees_n",
            "integer",
            f"aantal medewerkers dat antwoordde (leeg onder {employees_min})",
            f"number of employees who answered (empty below {employees_min})",
        )
    )
    suffix = (
        f", gemiddelde van de medewerkers (leeg onder {employees_min} medewerkers met een score)",
        f", employees' mean (empty below {employees_min} employees with a score)",
    )
    out += [block_variable(model, b.id, name=f"{b.id}_employees", suffix=suffix) for b in model.blocks]
    return tuple(out)
