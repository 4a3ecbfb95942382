"""Read filled-in scans from files: YAML or JSON (one scan), CSV (one scan per row) and the XLSX form.

Every problem is reported as ``file:line: field: message`` (for XLSX, the sheet and row). The files are
untrusted: sizes, nesting, zip members and line lengths are capped (:mod:`groeimodel.safeio`), YAML anchors,
aliases and complex keys are refused, ``model:`` in a file names a shipped model only, and no message shows more
than a few dozen characters of a value from the file.

A CSV file is read in chunks (:func:`open_scans`, :meth:`ScanSource.chunks`) as an integer answer matrix for
:func:`groeimodel.scoring.score_batch`, so a million rows take bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml
from openpyxl import load_workbook

from groeimodel import safeio
from groeimodel.errors import InputError
from groeimodel.model import Model, load_model
from groeimodel.model.loader import shipped_model_ids
from groeimodel.questionnaire import MISSING_WORDS, XLSX_ANSWER_COLUMN, XLSX_FORM_KIND, XLSX_HEADER_ID, XLSX_META_SHEET
from groeimodel.safeio import bare, shown
from groeimodel.scoring import AnswerError
from groeimodel.yamlpos import line_of

CHUNK_ROWS = 10_000  # CSV rows read and scored at a time


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


@dataclass(frozen=True)
class ScanChunk:
    """Scans of one model: ``matrix`` is (scans, items) in the model's item order, 1-5 or 0 for not answered."""

    model: Model
    ids: list[str]
    matrix: npt.NDArray[np.int8]
    path: str
    lines: list[int] | None  # the line of each scan in a CSV file; None for a one-scan file

    def source(self, i: int) -> str:
        return self.path if self.lines is None else f"{self.path}:{self.lines[i]}"


class ScanSource(ABC):
    """One scan file, opened and checked up to its rows; :meth:`chunks` reads (and re-reads) the scans."""

    path: str
    model: Model

    @abstractmethod
    def chunks(self, rows: int | None = None) -> Iterator[ScanChunk]: ...


class _OneScan(ScanSource):
    def __init__(self, scan: ScanInput):
        self.path = scan.source
        self.model = scan.model
        self.scan = scan

    def chunks(self, rows: int | None = None) -> Iterator[ScanChunk]:
        matrix = np.zeros((1, len(self.model.items)), dtype=np.int8)
        for item, value in self.scan.answers.items():
            if value is not None:
                matrix[0, self.model.item_index[item]] = value
        yield ScanChunk(self.model, [self.scan.id], matrix, self.path, None)


def open_scans(paths: Sequence[str], *, model_ref: str | None = None) -> list[ScanSource]:
    """Open every scan file in ``paths``: one-scan files are read and validated, CSV files up to their header.
    ``model_ref`` (``--model``: a shipped id or a model file) is used where a file names no model."""
    sources: list[ScanSource] = []
    for path in paths:
        suffix = Path(path).suffix.lower()
        if suffix in (".yaml", ".yml", ".json"):
            sources.append(_OneScan(_read_mapping_file(path, model_ref)))
        elif suffix == ".csv":
            sources.append(_CsvSource(path, model_ref))
        elif suffix == ".xlsx":
            sources.append(_OneScan(_read_xlsx(path, model_ref)))
        else:
            raise ScanFileError(path, "unknown file type; use .yaml, .yml, .json, .csv or .xlsx")
    return sources


def iter_chunks(sources: Sequence[ScanSource], rows: int | None = None) -> Iterator[ScanChunk]:
    """The scans of every source in order, in chunks of at most ``rows``; refuses a scan id given twice."""
    seen: set[int] = set()
    for number, source in enumerate(sources):
        for chunk in source.chunks(rows):
            hashes = list(map(hash, chunk.ids))
            if len(set(hashes)) != len(hashes) or not seen.isdisjoint(hashes):
                _check_duplicates(sources[: number + 1], chunk, seen)
            seen.update(hashes)
            yield chunk


def _check_duplicates(sources: Sequence[ScanSource], chunk: ScanChunk, seen: set[int]) -> None:
    """A hash of this chunk was seen before: find the first earlier place with the same id (the slow path)."""
    suspects = {i: hash(scan_id) for i, scan_id in enumerate(chunk.ids)}
    local: dict[str, int] = {}
    for i, scan_id in enumerate(chunk.ids):
        if scan_id in local:
            raise ScanFileError(
                chunk.source(i), f"scan id {shown(scan_id)} also appears at {chunk.source(local[scan_id])}"
            )
        local[scan_id] = i
    wanted = {chunk.ids[i]: i for i, h in suspects.items() if h in seen}
    if not wanted:
        return
    for k, source in enumerate(sources):
        for earlier in source.chunks():
            if k == len(sources) - 1 and (earlier.lines is None or earlier.lines[0] >= (chunk.lines or [0])[0]):
                return  # reached this chunk again: the hashes collided, the ids differ
            for j, scan_id in enumerate(earlier.ids):
                if scan_id in wanted:
                    i = wanted[scan_id]
                    raise ScanFileError(
                        chunk.source(i), f"scan id {shown(scan_id)} also appears at {earlier.source(j)}"
                    )


def read_scans(paths: Sequence[str], *, model_ref: str | None = None) -> list[ScanInput]:
    """Read and validate every scan in ``paths`` as one list (for a few scans; use :func:`open_scans` for many)."""
    scans: list[ScanInput] = []
    for chunk in iter_chunks(open_scans(paths, model_ref=model_ref)):
        ids = [item.id for item in chunk.model.items]
        for i, scan_id in enumerate(chunk.ids):
            answers: dict[str, int | None] = {ids[j]: int(v) or None for j, v in enumerate(chunk.matrix[i])}
            scans.append(ScanInput(scan_id, chunk.model, answers, chunk.source(i)))
    return scans


# ---------------------------------------------------------------------------------------------------------------
# Models named in a file


_MODEL_REF = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}(@\d{1,6}\.\d{1,6}\.\d{1,6})?$")


def _resolve_model(where: str, file_model: object, model_ref: str | None) -> Model:
    """The model of a file: ``file_model`` (from inside the file: a shipped id only, never a path) or
    ``model_ref`` (``--model``: an id or a model file the user named)."""
    if file_model is not None:
        if not isinstance(file_model, str) or not _MODEL_REF.match(file_model):
            raise ScanFileError(
                where,
                f"model: must be the id of a shipped model ({', '.join(shipped_model_ids())}), optionally with "
                f"@version, got {shown(file_model)}; give a model file with --model FILE",
            )
        if model_ref and file_model != model_ref:
            raise ScanFileError(where, f"model: the file says {shown(file_model)} but --model says {shown(model_ref)}")
    try:
        return load_model(str(file_model) if file_model else model_ref or "groeimodel")
    except InputError as exc:
        raise ScanFileError(where, f"model: {str(exc)[:300]}") from None


# ---------------------------------------------------------------------------------------------------------------
# Answers


def _answer(item: str, value: object) -> int | None:
    """An answer from a YAML/JSON/XLSX cell: 1-5, or None for empty / weet niet / n.v.t."""
    if value is None:
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in MISSING_WORDS:
            return None
        if word.isascii() and word.isdigit() and len(word) <= 3:
            value = int(word)
        else:
            raise AnswerError(item, f"answer must be 1-5 or empty (weet niet / n.v.t.), got {shown(value)}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerError(item, f"answer must be a whole number 1-5 or empty (weet niet / n.v.t.), got {shown(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise AnswerError(item, f"answer must be a whole number 1-5, got {shown(value)}")
    if not 1 <= value <= 5:
        raise AnswerError(item, f"answer must be 1-5 or empty (weet niet / n.v.t.), got {shown(int(value))}")
    return int(value)


# ---------------------------------------------------------------------------------------------------------------
# YAML and JSON: one scan


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid answer")


def _read_mapping_file(path: str, model_ref: str | None) -> ScanInput:
    text = safeio.read_text_limited(path, safeio.MAX_SCAN_FILE_BYTES, what="scan file")
    is_json = path.lower().endswith(".json")
    nodes: yaml.Node | None = None
    if is_json:
        if safeio.json_depth(text) > safeio.MAX_NESTING:
            raise ScanFileError(path, f"not valid JSON: nested more than {safeio.MAX_NESTING} levels deep")
        try:
            raw = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise ScanFileError(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:  # NaN or Infinity; an integer of more than 4,300 digits
            raise ScanFileError(path, f"not valid JSON: {str(exc)[:100]}") from None
        try:
            _, nodes = safeio.load_yaml(text)
        except yaml.YAMLError:
            nodes = None  # only the line numbers are lost
    else:
        try:
            raw, nodes = safeio.load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else path
            problem = getattr(exc, "problem", None) or str(exc)
            raise ScanFileError(where, f"not valid YAML: {str(problem)[:200]}") from None

    def at(*keys: str | int) -> str:
        line = line_of(nodes, keys)
        return f"{path}:{line}" if line else path

    if not isinstance(raw, dict):
        raise ScanFileError(at(), "a scan file must be a mapping with 'answers' (and optionally 'model', 'id')")
    unknown = sorted(str(k) for k in raw if k not in ("id", "model", "answers"))
    if unknown:
        raise ScanFileError(
            at(unknown[0]), f"{shown(unknown[0])}: unknown key; a scan file has 'id', 'model', 'answers'"
        )
    model = _resolve_model(at("model"), raw.get("model"), model_ref)
    answers_raw = raw.get("answers")
    if not isinstance(answers_raw, dict):
        raise ScanFileError(at("answers"), "answers: must be a mapping of item id to 1-5 or null")
    answers: dict[str, int | None] = {}
    for key, value in answers_raw.items():
        item = str(key)
        if item not in model.item_index:
            raise ScanFileError(at("answers", item), f"answers.{bare(item)}: unknown item id for model {model.id}")
        try:
            answers[item] = _answer(item, value)
        except AnswerError as exc:
            raise ScanFileError(at("answers", item), f"answers.{exc}") from None
    scan_id = raw.get("id", Path(path).stem)
    if not isinstance(scan_id, str | int) or isinstance(scan_id, bool) or not str(scan_id).strip():
        raise ScanFileError(at("id"), f"id: must be a non-empty text, got {shown(scan_id)}")
    if len(str(scan_id)) > 200:
        raise ScanFileError(at("id"), "id: longer than 200 characters")
    return ScanInput(id=str(scan_id), model=model, answers=answers, source=path)


# ---------------------------------------------------------------------------------------------------------------
# CSV: one scan per row, read in chunks


_KNOWN_CELLS: dict[str, int] = {**{word: 0 for word in MISSING_WORDS}, **{str(n): n for n in range(1, 6)}}
_MAX_CACHED_CELLS = 10_000


def _sniff_delimiter(header: str) -> str:
    """The separator of a CSV file from its header line: the most frequent of comma, semicolon and tab (only the
    delimiter is guessed; quoting is always the standard one, with "" for a quote inside a quoted field)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Dialect(csv.excel):
    pass


class _CsvSource(ScanSource):
    def __init__(self, path: str, model_ref: str | None):
        self.path = path
        with self._open() as fh:
            first = next(safeio.bounded_lines(fh, path, safeio.MAX_CSV_LINE_CHARS), None)
        if first is None or not first.strip():
            raise ScanFileError(path, "empty file; expected a header row with 'id' and item ids")
        self.delimiter = _sniff_delimiter(first)
        with self._open() as fh:
            reader = self._reader(fh)
            try:
                header = [h.strip() for h in next(reader)]
            except csv.Error as exc:
                raise ScanFileError(f"{path}:1", f"header: not valid CSV ({str(exc)[:80]})") from None
            except UnicodeDecodeError:
                raise ScanFileError(f"{path}:1", "not a UTF-8 text file") from None
        if "id" not in header:
            raise ScanFileError(f"{path}:1", "header: no 'id' column")
        self.model = model = _resolve_model(f"{path}:1", None, model_ref)
        for col, name in enumerate(header):
            if name in ("id", "model"):
                continue
            if name not in model.item_index:
                raise ScanFileError(
                    f"{path}:1", f"column {col + 1} {shown(name)}: unknown item id for model {model.id}"
                )
        seen: set[str] = set()
        for name in header:
            if name in seen:
                raise ScanFileError(f"{path}:1", f"column {shown(name)} appears twice")
            seen.add(name)
        self.header = header
        self.id_col = header.index("id")
        self.model_col = header.index("model") if "model" in header else None
        self.item_cols = [c for c, name in enumerate(header) if name not in ("id", "model")]
        self.item_index = np.array([model.item_index[header[c]] for c in self.item_cols], dtype=np.intp)
        self.lookup = dict(_KNOWN_CELLS)
        self.byte_lookup = {cell.encode("utf-8"): code for cell, code in _KNOWN_CELLS.items()}

    def _open(self) -> io.TextIOWrapper:
        try:
            if Path(self.path).is_dir():
                raise ScanFileError(self.path, "is a directory, not a file")
            return open(self.path, encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise ScanFileError(self.path, "file not found") from None
        except OSError as exc:
            raise ScanFileError(self.path, f"cannot read: {exc.strerror}") from None

    def _reader(self, lines: Iterator[str]) -> Any:
        csv.field_size_limit(safeio.CSV_FIELD_LIMIT)
        return csv.reader(lines, delimiter=self.delimiter, doublequote=True)

    def chunks(self, rows: int | None = None) -> Iterator[ScanChunk]:
        """Chunks of at most ``rows`` lines. A chunk without quotes or carriage returns (the usual wave file) is
        split with numpy (:meth:`_plain_chunk`); any other goes through the csv module, record by record."""
        rows = rows or CHUNK_ROWS
        any_scans = False
        with self._open() as fh:
            source = safeio.bounded_lines(fh, self.path, safeio.MAX_CSV_LINE_CHARS)
            line_no = 0  # lines consumed so far
            reader: Any = None
            record_start = 1
            one_line_records = False
            try:
                reader = self._reader(source)
                next(reader)
                line_no = reader.line_num
                while True:
                    raw = list(islice(source, rows))
                    if not raw:
                        break
                    text = "".join(raw)
                    record_start = line_no + 1
                    if '"' not in text and "\r" not in text:
                        chunk = self._plain_chunk(text, line_no + 1)
                        if chunk is None:  # irregular: the csv module and the record checks name the problem
                            numbers = list(range(line_no + 1, line_no + 1 + len(raw)))
                            reader = self._reader(iter(raw))
                            one_line_records = True
                            chunk = self._chunk(list(reader), numbers)
                            one_line_records = False
                        line_no += len(raw)
                    else:
                        reader = self._reader(chain(raw, source))
                        batch: list[list[str]] = []
                        lines: list[int] = []
                        for row in reader:
                            batch.append(row)
                            lines.append(line_no + reader.line_num)
                            record_start = line_no + reader.line_num + 1
                            if reader.line_num >= len(raw):
                                break
                        line_no += reader.line_num
                        chunk = self._chunk(batch, lines)
                    if chunk is not None:
                        any_scans = True
                        yield chunk
            except csv.Error as exc:
                line = line_no + (reader.line_num if reader is not None else 0)
                message = str(exc)
                if "field larger than field limit" in message:
                    column = self._long_field_column(line if one_line_records else record_start)
                    raise ScanFileError(
                        f"{self.path}:{line}",
                        f"column {column}: a field longer than {safeio.CSV_FIELD_LIMIT:,} characters; refused",
                    ) from None
                raise ScanFileError(f"{self.path}:{line}", f"not valid CSV ({message[:80]})") from None
            except UnicodeDecodeError:
                raise ScanFileError(self.path, "not a UTF-8 text file") from None
        if not any_scans:
            raise ScanFileError(self.path, "no scans: the file has a header but no rows")

    def _plain_chunk(self, text: str, first_line: int) -> ScanChunk | None:
        """Lines without quotes, one record each, split with numpy: every answer of one character is read from its
        byte; other cells go through the table of spellings. None when any line is irregular (blank, a field count
        off, an empty id, a field over the limit)."""
        data = text.encode("utf-8")
        if not data.endswith(b"\n"):
            data += b"\n"
        b = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(b == 10)
        starts = np.concatenate(([0], ends[:-1] + 1))
        n = len(ends)
        width = len(self.header)
        delims = np.flatnonzero(b == ord(self.delimiter))
        if len(delims) != n * (width - 1):
            return None
        per_line = np.searchsorted(delims, ends) - np.searchsorted(delims, starts)
        if (per_line != width - 1).any():
            return None
        if int((ends - starts).max()) > safeio.CSV_FIELD_LIMIT:
            return None  # some field may be over the limit: the csv module names it
        d = delims.reshape(n, width - 1)
        # Field c of a line starts after delimiter c - 1 (field 0 at the line start) and ends at delimiter c (the
        # last at the newline). Only the answer columns' first two bytes are looked at.
        field_starts = np.column_stack((starts, d + 1))
        field_ends = np.column_stack((d, ends))
        item_cols = self.item_cols
        item_starts = field_starts[:, item_cols]
        head = b[item_starts]
        after = b[np.minimum(item_starts + 1, len(b) - 1)]
        delimiter = ord(self.delimiter)
        empty = (head == delimiter) | (head == 10)
        one_digit = (head >= ord("1")) & (head <= ord("5")) & ((after == delimiter) | (after == 10))
        cells = np.where(one_digit, head.astype(np.int8) - ord("0"), np.where(empty, 0, -1)).astype(np.int8)
        cut = data.__getitem__
        id_slices = map(slice, field_starts[:, self.id_col].tolist(), field_ends[:, self.id_col].tolist())
        ids = list(map(str.strip, map(bytes.decode, map(cut, id_slices))))
        if "" in ids:
            return None
        lines = list(range(first_line, first_line + n))
        model = self.model
        if self.model_col is not None:
            mc = self.model_col
            for i, (a, e) in enumerate(zip(field_starts[:, mc].tolist(), field_ends[:, mc].tolist(), strict=True)):
                named = data[a:e].decode("utf-8").strip()
                if named not in ("", model.id):
                    raise ScanFileError(
                        f"{self.path}:{lines[i]}", f"model: {shown(named)}, but the scans are scored with {model.id}"
                    )
        other = np.argwhere(cells < 0)
        if len(other):
            # Longer spellings ("weet niet", " 4") by their bytes, all at once; only new ones in Python.
            cols = np.asarray(item_cols)[other[:, 1]]
            spans = map(slice, field_starts[other[:, 0], cols].tolist(), field_ends[other[:, 0], cols].tolist())
            found = np.fromiter(map(self.byte_lookup.get, map(cut, spans), repeat(-1)), dtype=np.int8, count=len(other))
            cells[other[:, 0], other[:, 1]] = found
            for r, k in np.argwhere(cells < 0).tolist():
                col = item_cols[k]
                raw = data[field_starts[r, col] : field_ends[r, col]]
                cells[r, k] = code = self._code(raw.decode("utf-8"), col, lines[r])
                if len(self.byte_lookup) < _MAX_CACHED_CELLS:
                    self.byte_lookup[raw] = code
        return self._finish(ids, cells, lines)

    def _code(self, cell: str, col: int, line: int) -> int:
        code = self.lookup.get(cell)
        if code is None:
            try:
                code = _answer(self.header[col], cell) or 0
            except AnswerError as exc:
                raise ScanFileError(f"{self.path}:{line}", f"column {exc}") from None
            if len(self.lookup) < _MAX_CACHED_CELLS:
                self.lookup[cell] = code
        return code

    def _finish(self, ids: list[str], cells: npt.NDArray[np.int8], lines: list[int]) -> ScanChunk:
        if max(map(len, ids)) > 200:
            i = next(i for i, scan_id in enumerate(ids) if len(scan_id) > 200)
            raise ScanFileError(f"{self.path}:{lines[i]}", "id: longer than 200 characters")
        matrix = np.zeros((len(ids), len(self.model.items)), dtype=np.int8)
        matrix[:, self.item_index] = cells
        return ScanChunk(self.model, ids, matrix, self.path, lines)

    def _column_name(self, col: int) -> str:
        return bare(self.header[col]) if col < len(self.header) else str(col + 1)

    def _long_field_column(self, start_line: int) -> str:
        """Which column of the record starting at ``start_line`` holds the field over the limit (the error path)."""
        with self._open() as fh:
            for _ in range(start_line - 1):
                fh.readline(safeio.MAX_CSV_LINE_CHARS + 1)
            col, length, quoted = 0, 0, False
            while True:
                block = fh.read(65536)
                if not block:
                    break
                for ch in block:
                    if ch == '"':
                        quoted = not quoted  # a doubled quote inside a quoted field toggles twice
                    elif not quoted and ch == self.delimiter:
                        col, length = col + 1, 0
                        continue
                    elif not quoted and ch in "\r\n":
                        return self._column_name(col)
                    length += 1
                    if length > safeio.CSV_FIELD_LIMIT:
                        return self._column_name(col)
        return self._column_name(col)

    def _chunk(self, batch: list[list[str]], lines: list[int]) -> ScanChunk | None:
        width = len(self.header)
        id_col = self.id_col
        if any(len(row) != width for row in batch) or any(not row[id_col].strip() for row in batch):
            keep = []
            for i, row in enumerate(batch):
                if not any(cell.strip() for cell in row):
                    continue  # a blank line
                where = f"{self.path}:{lines[i]}"
                if len(row) != width:
                    raise ScanFileError(where, f"row has {len(row)} fields, the header has {width}")
                if not row[id_col].strip():
                    raise ScanFileError(where, "id: empty")
                keep.append(i)
            batch = [batch[i] for i in keep]
            lines = [lines[i] for i in keep]
            if not batch:
                return None
        ids = [row[id_col].strip() for row in batch]
        model = self.model
        if self.model_col is not None:
            mc = self.model_col
            named = {row[mc].strip() for row in batch}
            if named - {"", model.id}:
                for i, row in enumerate(batch):
                    if row[mc].strip() not in ("", model.id):
                        raise ScanFileError(
                            f"{self.path}:{lines[i]}",
                            f"model: {shown(row[mc].strip())}, but the scans are scored with {model.id}",
                        )
        n = len(batch)
        # Each cell string is looked up in a table of the spellings seen so far (1-5, empty, weet niet, ...): one
        # dictionary look-up per cell in C, no Python code per cell; an unknown spelling is checked once below.
        codes = np.frombuffer(bytes(map(self.lookup.get, chain.from_iterable(batch), repeat(255))), dtype=np.uint8)
        cells = codes.reshape(n, width)[:, self.item_cols].astype(np.int8)
        for r, k in np.argwhere(cells < 0).tolist():
            col = self.item_cols[k]
            cells[r, k] = self._code(batch[r][col], col, lines[r])
        return self._finish(ids, cells, lines)


# ---------------------------------------------------------------------------------------------------------------
# XLSX: the offline form


def _read_xlsx(path: str, model_ref: str | None) -> ScanInput:
    safeio.check_xlsx(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ScanFileError(path, "file not found") from None
    except Exception as exc:  # openpyxl raises many kinds on a broken file; all mean "not readable"
        raise ScanFileError(path, f"not a readable .xlsx file ({type(exc).__name__}: {str(exc)[:80]})") from None
    try:
        return _read_form(path, wb, model_ref)
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ScanFileError(path, f"not a readable .xlsx file ({type(exc).__name__}: {str(exc)[:80]})") from None
    except Exception as exc:  # a malformed sheet fails inside openpyxl's parser (SyntaxError from expat, ...)
        raise ScanFileError(path, f"not a readable .xlsx file ({type(exc).__name__}: {str(exc)[:80]})") from None
    finally:
        wb.close()


def _read_form(path: str, wb: Any, model_ref: str | None) -> ScanInput:
    if XLSX_META_SHEET not in wb.sheetnames:
        raise ScanFileError(
            path,
            "not a groeimodel questionnaire form (no 'meta' sheet); make one with "
            "'groeimodel questionnaire --format xlsx'",
        )
    meta: dict[str, object] = {}
    for r in wb[XLSX_META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True):
        if r and r[0] is not None:
            meta[str(r[0])[:40]] = r[1] if len(r) > 1 else None
    if meta.get("form") != XLSX_FORM_KIND:
        raise ScanFileError(path, "not a groeimodel questionnaire form")
    model = _resolve_model(f"{path}: sheet meta", meta.get("model"), model_ref)
    if str(meta.get("version")) != model.version:
        raise ScanFileError(
            f"{path}: sheet meta",
            f"version: the form was made for {model.id} {shown(meta.get('version'))}, the installed model is "
            f"{model.version}; make a new form",
        )
    ws = wb[wb.sheetnames[0]]
    answers: dict[str, int | None] = {}
    rows_of: dict[str, int] = {}
    in_items = False
    for row_number, row in enumerate(
        ws.iter_rows(max_row=safeio.MAX_XLSX_ROWS, max_col=XLSX_ANSWER_COLUMN, values_only=True), start=1
    ):
        first = row[0] if row else None
        if not in_items:
            in_items = first == XLSX_HEADER_ID
            continue
        if first is None:
            continue
        item = str(first).strip()
        where = f"{path}: sheet {bare(ws.title)}, row {row_number}"
        if item not in model.item_index:
            raise ScanFileError(where, f"id {shown(item)}: unknown item id for model {model.id}")
        if item in rows_of:
            raise ScanFileError(where, f"id {item}: appears again (first in row {rows_of[item]})")
        rows_of[item] = row_number
        value = row[XLSX_ANSWER_COLUMN - 1] if len(row) >= XLSX_ANSWER_COLUMN else None
        try:
            answers[item] = _answer(item, value)
        except AnswerError as exc:
            raise ScanFileError(where, f"{exc}") from None
    if not in_items:
        raise ScanFileError(f"{path}: sheet {bare(ws.title)}", "no header row with 'id' in column A")
    return ScanInput(id=Path(path).stem, model=model, answers=answers, source=path)
