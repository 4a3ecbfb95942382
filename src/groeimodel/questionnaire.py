"""Blank questionnaires in several formats: JSON (for programs), Markdown (to print), CSV (a list of the items)
and XLSX (a form to fill in offline and score back with ``groeimodel score``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from groeimodel.model import Lang, Model
from groeimodel.safeio import csv_safe_row
from groeimodel.texts import t

# The layout of the XLSX form; groeimodel.scanfiles reads it back.
XLSX_META_SHEET = "meta"
XLSX_FORM_KIND = "groeimodel-questionnaire"
XLSX_HEADER_ID = "id"
XLSX_ANSWER_COLUMN = 5  # E
MISSING_WORDS = {
    "",
    "?",
    "-",
    "na",
    "n/a",
    "nvt",
    "n.v.t.",
    "weet niet",
    "weet niet / n.v.t.",
    "don't know",
    "dont know",
    "don't know / not applicable",
    "not applicable",
}


def as_dict(model: Model, lang: Lang) -> dict[str, Any]:
    return {
        "model": {"id": model.id, "version": model.version, "name": model.name(lang)},
        "scale": {
            "points": [{"value": p.value, "label": p.label.get(lang)} for p in model.data.scale.points],
            "missing": model.data.scale.missing.get(lang),
        },
        "levels": [{"level": lv.level, "name": lv.name.get(lang), "threshold": model.threshold} for lv in model.levels],
        "blocks": [{"id": b.id, "level": b.level, "name": b.data.name.get(lang)} for b in model.blocks],
        "items": [
            {
                "id": item.id,
                "level": model.blocks[model.item_block[i]].level,
                "block": model.blocks[model.item_block[i]].id,
                "reverse": item.reverse,
                "text": item.text.get(lang),
            }
            for i, item in enumerate(model.items)
        ],
    }


def to_json(model: Model, lang: Lang) -> str:
    return json.dumps(as_dict(model, lang), ensure_ascii=False, indent=2) + "\n"


def to_csv(model: Model, lang: Lang) -> str:
    """The items as CSV; a text cell that a spreadsheet would run as a formula is neutralised (a model file given
    with --model is not to be trusted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "level", "block", "reverse", "text"])
    for item in as_dict(model, lang)["items"]:
        row = [item["id"], item["level"], item["block"], "1" if item["reverse"] else "0", item["text"]]
        writer.writerow(csv_safe_row(row))
    return out.getvalue()


def to_markdown(model: Model, lang: Lang) -> str:
    scale = model.data.scale
    labels = [p.label.get(lang) for p in scale.points]
    lines = [
        f"# {t('questionnaire', lang)}: {model.name(lang)}",
        "",
        f"{t('model', lang)}: `{model.id}` {model.version}",
        "",
        t("questionnaire_intro", lang),
        "",
        ", ".join(f"{p.value} = {p.label.get(lang)}" for p in scale.points) + f", ? = {scale.missing.get(lang)}",
        "",
    ]
    for lv in model.levels:
        lines += [f"## {t('level', lang)} {lv.level}: {lv.name.get(lang)}", "", lv.key_question.get(lang), ""]
        for b in model.level_blocks(lv.level):
            lines += [f"### {b.data.name.get(lang)}", ""]
            lines.append(
                f"| id | {t('statement', lang)} | " + " | ".join(str(i + 1) for i in range(len(labels))) + " | ? |"
            )
            lines.append("|---|---|" + "---|" * (len(labels) + 1))
            for i in b.item_indices:
                item = model.items[i]
                lines.append(f"| `{item.id}` | {item.text.get(lang)} |" + " ☐ |" * (len(labels) + 1))
            lines.append("")
    return "\n".join(lines)


def _text(cell: Any, value: str) -> Any:
    """Put ``value`` in ``cell`` as text, also when it starts with "=" (openpyxl would store a formula)."""
    cell.value = value
    cell.data_type = "s"
    return cell


def to_xlsx(model: Model, lang: Lang) -> bytes:
    """A form: one row per statement, a drop-down answer column, everything else locked."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t("questionnaire", lang)[:31]
    bold = Font(bold=True)
    _text(ws["A1"], f"{t('questionnaire', lang)}: {model.name(lang)}")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = t("xlsx_instructions", lang)
    legend = ", ".join(f"{p.value} = {p.label.get(lang)}" for p in model.data.scale.points)
    missing_label = model.data.scale.missing.get(lang)
    ws["A3"] = f"{legend}; {missing_label}"
    header_row = 5
    headers = [XLSX_HEADER_ID, t("level", lang), t("block", lang), t("statement", lang), t("answer", lang)]
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    missing_choice = t("dont_know", lang)
    validation = DataValidation(
        type="list",
        formula1=f'"1,2,3,4,5,{missing_choice}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=t("answer", lang),
        error=t("xlsx_error", lang),
    )
    ws.add_data_validation(validation)
    answer_fill = PatternFill("solid", fgColor="FFF8DC")
    row = header_row
    for b in model.blocks:
        for i in b.item_indices:
            row += 1
            item = model.items[i]
            ws.cell(row=row, column=1, value=item.id)
            ws.cell(row=row, column=2, value=b.level)
            _text(ws.cell(row=row, column=3), b.data.name.get(lang))
            _text(ws.cell(row=row, column=4), item.text.get(lang)).alignment = Alignment(wrap_text=True)
            answer = ws.cell(row=row, column=XLSX_ANSWER_COLUMN)
            answer.protection = Protection(locked=False)
            answer.fill = answer_fill
            validation.add(answer)
    for letter, width in zip("ABCDE", (18, 7, 30, 80, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.protection.sheet = True  # only the answer column can be edited; no password

    meta = wb.create_sheet(XLSX_META_SHEET)
    for key, value in (("form", XLSX_FORM_KIND), ("model", model.id), ("version", model.version), ("lang", lang)):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
