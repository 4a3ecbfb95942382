"""Read filled-in scans from files: YAML or JSON (one scan), CSV (one scan per row) and the XLSX form.

Every problem is reported as ``file:line: field: message`` (for XLSX, the sheet and row), and nothing is
returned unless every scan of every file is valid.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from groeimodel.errors import InputError
from groeimodel.model import Model, load_model
from groeimodel.questionnaire import MISSING_WORDS, XLSX_ANSWER_COLUMN, XLSX_FORM_KIND, XLSX_HEADER_ID, XLSX_META_SHEET
from groeimodel.scoring import AnswerError, check_answer
from groeimodel.yamlpos import compose, line_of


class ScanFileError(InputError):
    def __init__(self, where: str, message: str):
        self.where = where
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ScanInput:
    """One scan read from a file, validated against ``model``."""

    id: str
    model: Model
    answers: dict[str, int | None]
    source: str


def read_scans(paths: Sequence[str], *, model_ref: str | None = None) -> list[ScanInput]:
    """Read and validate every scan in ``paths``; ``model_ref`` is used where a file names no model."""
    scans: list[ScanInput] = []
    for path in paths:
        suffix = Path(path).suffix.lower()
        if suffix in (".yaml", ".yml", ".json"):
            scans.append(_read_mapping_file(path, model_ref))
        elif suffix == ".csv":
            scans.extend(_read_csv(path, model_ref))
        elif suffix == ".xlsx":
            scans.append(_read_xlsx(path, model_ref))
        else:
            raise ScanFileError(path, "unknown file type; use .yaml, .yml, .json, .csv or .xlsx")
    seen: dict[str, str] = {}
    for scan in scans:
        if scan.id in seen:
            raise ScanFileError(scan.source, f"scan id {scan.id!r} also appears at {seen[scan.id]}")
        seen[scan.id] = scan.source
    return scans


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScanFileError(path, "file not found") from None
    except UnicodeDecodeError:
        raise ScanFileError(path, "not a UTF-8 text file") from None
    except OSError as exc:
        raise ScanFileError(path, f"cannot read: {exc.strerror}") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice (the plain loader silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_UniqueKeyLoader)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid answer")


def _resolve_model(where: str, file_model: object, model_ref: str | None) -> Model:
    if file_model is not None and not isinstance(file_model, str):
        raise ScanFileError(where, f"model: must be a model id, got {file_model!r}")
    if file_model and model_ref and file_model != model_ref:
        raise ScanFileError(where, f"model: the file says {file_model!r} but --model says {model_ref!r}")
    try:
        return load_model(file_model or model_ref or "groeimodel")
    except InputError as exc:
        raise ScanFileError(where, f"model: {exc}") from None


def _read_mapping_file(path: str, model_ref: str | None) -> ScanInput:
    text = _read_text(path)
    try:
        raw = json.loads(text, parse_constant=_no_constant) if path.lower().endswith(".json") else _load_yaml(text)
    except json.JSONDecodeError as exc:
        raise ScanFileError(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # NaN or Infinity in JSON
        raise ScanFileError(path, f"not valid JSON: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise ScanFileError(where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    nodes = compose(text)

    def at(*keys: str | int) -> str:
        line = line_of(nodes, keys)
        return f"{path}:{line}" if line else path

    if not isinstance(raw, dict):
        raise ScanFileError(at(), "a scan file must be a mapping with 'answers' (and optionally 'model', 'id')")
    unknown = sorted(str(k) for k in raw if k not in ("id", "model", "answers"))
    if unknown:
        raise ScanFileError(at(unknown[0]), f"{unknown[0]}: unknown key; a scan file has 'id', 'model', 'answers'")
    model = _resolve_model(at("model"), raw.get("model"), model_ref)
    answers_raw = raw.get("answers")
    if not isinstance(answers_raw, dict):
        raise ScanFileError(at("answers"), "answers: must be a mapping of item id to 1-5 or null")
    answers: dict[str, int | None] = {}
    for key, value in answers_raw.items():
        item = str(key)
        if item not in model.item_index:
            raise ScanFileError(at("answers", item), f"answers.{item}: unknown item id for model {model.id}")
        try:
            answers[item] = check_answer(item, value)
        except AnswerError as exc:
            raise ScanFileError(at("answers", item), f"answers.{exc}") from None
    scan_id = raw.get("id", Path(path).stem)
    return ScanInput(id=str(scan_id), model=model, answers=answers, source=path)


def _cell_answer(item: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in MISSING_WORDS:
            return None
        try:
            value = int(word)
        except ValueError:
            raise AnswerError(item, f"answer must be 1-5 or empty (weet niet / n.v.t.), got {value!r}") from None
    return check_answer(item, value)


def _read_csv(path: str, model_ref: str | None) -> list[ScanInput]:
    text = _read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ScanFileError(path, "empty file; expected a header row with 'id' and item ids") from None
    header = [h.strip() for h in header]
    if "id" not in header:
        raise ScanFileError(f"{path}:1", "header: no 'id' column")
    model = _resolve_model(f"{path}:1", None, model_ref)
    for col, name in enumerate(header):
        if name in ("id", "model"):
            continue
        if name not in model.item_index:
            raise ScanFileError(f"{path}:1", f"column {col + 1} {name!r}: unknown item id for model {model.id}")
    dup = [h for i, h in enumerate(header) if h in header[:i]]
    if dup:
        raise ScanFileError(f"{path}:1", f"column {dup[0]!r} appears twice")
    scans: list[ScanInput] = []
    id_col = header.index("id")
    model_col = header.index("model") if "model" in header else None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{line}"
        if len(row) != len(header):
            raise ScanFileError(where, f"row has {len(row)} fields, the header has {len(header)}")
        scan_id = row[id_col].strip()
        if not scan_id:
            raise ScanFileError(where, "id: empty")
        if model_col is not None and row[model_col].strip() not in ("", model.id):
            raise ScanFileError(where, f"model: {row[model_col].strip()!r}, but the scans are scored with {model.id}")
        answers: dict[str, int | None] = {}
        for col, name in enumerate(header):
            if name in ("id", "model"):
                continue
            try:
                answers[name] = _cell_answer(name, row[col])
            except AnswerError as exc:
                raise ScanFileError(where, f"column {exc}") from None
        scans.append(ScanInput(id=scan_id, model=model, answers=answers, source=where))
    if not scans:
        raise ScanFileError(path, "no scans: the file has a header but no rows")
    return scans


def _read_xlsx(path: str, model_ref: str | None) -> ScanInput:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ScanFileError(path, "file not found") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ScanFileError(path, f"not a readable .xlsx file ({exc})") from None
    try:
        if XLSX_META_SHEET not in wb.sheetnames:
            raise ScanFileError(
                path,
                "not a groeimodel questionnaire form (no 'meta' sheet); make one with "
                "'groeimodel questionnaire --format xlsx'",
            )
        meta = {str(r[0]): r[1] for r in wb[XLSX_META_SHEET].iter_rows(values_only=True) if r and r[0]}
        if meta.get("form") != XLSX_FORM_KIND:
            raise ScanFileError(path, "not a groeimodel questionnaire form")
        model = _resolve_model(f"{path}: sheet meta", meta.get("model"), model_ref)
        if str(meta.get("version")) != model.version:
            raise ScanFileError(
                f"{path}: sheet meta",
                f"version: the form was made for {model.id} {meta.get('version')}, the installed model is "
                f"{model.version}; make a new form",
            )
        ws = wb[wb.sheetnames[0]]
        answers: dict[str, int | None] = {}
        in_items = False
        for row_number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            first = row[0] if row else None
            if not in_items:
                in_items = first == XLSX_HEADER_ID
                continue
            if first is None:
                continue
            item = str(first).strip()
            where = f"{path}: sheet {ws.title}, row {row_number}"
            if item not in model.item_index:
                raise ScanFileError(where, f"id {item!r}: unknown item id for model {model.id}")
            value = row[XLSX_ANSWER_COLUMN - 1] if len(row) >= XLSX_ANSWER_COLUMN else None
            try:
                answers[item] = _cell_answer(item, value)
            except AnswerError as exc:
                raise ScanFileError(where, f"{exc}") from None
        if not in_items:
            raise ScanFileError(f"{path}: sheet {ws.title}", "no header row with 'id' in column A")
    finally:
        wb.close()
    return ScanInput(id=Path(path).stem, model=model, answers=answers, source=path)
