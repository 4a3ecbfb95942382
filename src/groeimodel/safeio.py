"""Reading untrusted files within limits: size, nesting depth, zip members, line length.

Every limit is a named constant here, so the CLI, the web import and the documentation name the same figures.
Each refusal is an :class:`~groeimodel.errors.InputError` whose message names the file and, where known, the line.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

import numpy as np
import yaml

from groeimodel.errors import InputError

MAX_SCAN_FILE_BYTES = 20 * 1024 * 1024  # a YAML or JSON scan file (one scan is a few kB)
MAX_MODEL_FILE_BYTES = 5 * 1024 * 1024  # a model file given with --model FILE (the shipped ones are under 100 kB)
MAX_NESTING = 20  # mappings and lists inside each other in a YAML or JSON scan file (a scan needs 2)
MAX_CSV_LINE_CHARS = 1024 * 1024  # one physical line of a CSV file
CSV_FIELD_LIMIT = 131_072  # one field of a CSV file (the csv module's own default)
MAX_XLSX_BYTES = 20 * 1024 * 1024  # the .xlsx file itself
MAX_XLSX_MEMBER_BYTES = 20 * 1024 * 1024  # one member of the .xlsx zip, uncompressed
MAX_XLSX_TOTAL_BYTES = 50 * 1024 * 1024  # all members together, uncompressed
MAX_XLSX_RATIO = 100  # uncompressed / compressed size of a member larger than 1 MB
MAX_XLSX_MEMBERS = 200
MAX_XLSX_ROWS = 2000  # rows read from a questionnaire form's sheet (a model has well under 200 items)
MAX_TEXT_CHARS = 100_000  # one initiative description for the classifier
MAX_TEXT_FILE_BYTES = 4 * MAX_TEXT_CHARS  # a --file description (UTF-8, up to 4 bytes a character)
MAX_JSONL_LINE_CHARS = 2 * MAX_TEXT_CHARS  # one line of a .jsonl file of descriptions
MAX_JSONL_BYTES = 50 * 1024 * 1024  # a whole .jsonl file of descriptions

SHOWN_CHARS = 40  # at most this much of an untrusted value appears in a message


class FileLimitError(InputError):
    """A file that is too large, too deep, or otherwise refused before it is parsed."""


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """An untrusted value for a message: short, and never the full repr of something large."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if abs(value) < 10**15:
            return str(value)
        return "a number too large to show"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def bare(text: str, limit: int = SHOWN_CHARS) -> str:
    """Untrusted text for a message without quotes (an item id, a column name): cut at ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def read_text_limited(path: str, limit: int, *, what: str = "file") -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped), refused when it is larger than ``limit`` bytes."""
    try:
        p = Path(path)
        if p.is_dir():
            raise FileLimitError(f"{path}: is a directory, not a file")
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise FileLimitError(f"{path}: file not found") from None
    except OSError as exc:
        raise FileLimitError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise FileLimitError(f"{path}: {what} larger than {limit:,} bytes; refused")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileLimitError(f"{path}:{line}: not a UTF-8 text file") from None


# ---------------------------------------------------------------------------------------------------------------
# YAML without anchors, aliases, complex keys or deep nesting


class YamlRefused(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any):
        self.problem = problem
        self.problem_mark = mark
        super().__init__(problem)


class StrictLoader(yaml.SafeLoader):
    """The safe loader, less what a data file never needs and an attacker always wants: anchors and aliases (the
    "billion laughs" alias bomb), complex (non-scalar) keys, keys given twice, and unlimited nesting."""

    max_depth = MAX_NESTING
    kind = "a scan file"

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(f"aliases (*name) are not allowed in {self.kind}", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise YamlRefused(f"anchors (&name) are not allowed in {self.kind}", event.start_mark)
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            self._depth += 1
            if self._depth > self.max_depth:
                raise YamlRefused(f"nested more than {self.max_depth} levels deep", event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlRefused("a key must be plain text, not a list or mapping", key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlRefused(f"merge keys (<<) are not allowed in {self.kind}", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise YamlRefused(f"key {shown(key)} appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class ModelFileLoader(StrictLoader):
    """The same rules for a model file (its levels, blocks, items and texts nest 8 deep)."""

    kind = "a model file"


def load_yaml(text: str, loader_class: type[StrictLoader] = StrictLoader) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree (for line numbers) of one YAML document, with :class:`StrictLoader`'s rules.

    Raises :class:`yaml.YAMLError` (with ``problem_mark`` where known) for anything refused or malformed."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        try:
            data = loader.construct_document(node) if node is not None else None
        except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
            raise YamlRefused(f"a value cannot be read ({str(exc)[:80]})", None) from None
        return data, node
    finally:
        loader.dispose()


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_depth(text: str) -> int:
    """The deepest nesting of [ and { in a JSON text (strings are skipped); the text need not be valid."""
    skeleton = _JSON_STRING.sub("", text)
    data = np.frombuffer(skeleton.encode("utf-8", "replace"), dtype=np.uint8)
    step = (np.isin(data, (ord("["), ord("{"))).astype(np.int32)) - np.isin(data, (ord("]"), ord("}")))
    if step.size == 0:
        return 0
    return int(np.cumsum(step).max(initial=0))


# ---------------------------------------------------------------------------------------------------------------
# xlsx: the zip is checked before openpyxl opens it


def check_xlsx(path: str) -> None:
    """Refuse an .xlsx that is too large, a zip bomb, or holds an XML DOCTYPE or entity declaration."""
    try:
        size = Path(path).stat().st_size
    except FileNotFoundError:
        raise FileLimitError(f"{path}: file not found") from None
    except OSError as exc:
        raise FileLimitError(f"{path}: cannot read: {exc.strerror}") from None
    if not Path(path).is_file():
        raise FileLimitError(f"{path}: not a regular file")
    if size > MAX_XLSX_BYTES:
        raise FileLimitError(f"{path}: file larger than {MAX_XLSX_BYTES:,} bytes; refused")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise FileLimitError(f"{path}: the .xlsx holds {len(members):,} parts (at most {MAX_XLSX_MEMBERS})")
            total = 0
            for info in members:
                where = f"{path}: part {shown(info.filename)}"
                if info.file_size > MAX_XLSX_MEMBER_BYTES:
                    raise FileLimitError(
                        f"{where}: unpacks to {info.file_size:,} bytes (at most {MAX_XLSX_MEMBER_BYTES:,}); refused"
                    )
                if info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
                    raise FileLimitError(f"{where}: packed more than {MAX_XLSX_RATIO} to 1 (a zip bomb?); refused")
                total += info.file_size
                if total > MAX_XLSX_TOTAL_BYTES:
                    raise FileLimitError(f"{path}: unpacks to more than {MAX_XLSX_TOTAL_BYTES:,} bytes; refused")
            for info in members:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        _check_xml_member(f"{path}: part {shown(info.filename)}", fh, info.file_size)
    except zipfile.BadZipFile as exc:
        raise FileLimitError(f"{path}: not a readable .xlsx file ({str(exc)[:80]})") from None
    # zipfile raises NotImplementedError for a member packed with a compression method it cannot read, RuntimeError
    # for an encrypted one: to the user, both are a file that is no readable .xlsx (exit 2), not a traceback.
    except (NotImplementedError, RuntimeError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise FileLimitError(f"{path}: not a readable .xlsx file ({str(exc)[:80]})") from None


_XML_REFUSED = (b"<!DOCTYPE", b"<!ENTITY")


def _check_xml_member(where: str, fh: IO[bytes], declared: int) -> None:
    tail = b""
    read = 0
    first = True
    while True:
        block = fh.read(1024 * 1024)
        if not block:
            break
        read += len(block)
        if read > declared or read > MAX_XLSX_MEMBER_BYTES:
            raise FileLimitError(f"{where}: unpacks to more than it declares; refused")
        if first:
            first = False
            if block.startswith((b"\xff\xfe", b"\xfe\xff")) or block[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
                raise FileLimitError(f"{where}: XML that is not UTF-8; refused")
        window = tail + block
        upper = window.upper()
        for marker in _XML_REFUSED:
            if marker in upper:
                raise FileLimitError(f"{where}: an XML {marker[2:].decode().lower()} declaration; refused")
        tail = window[-16:]


# ---------------------------------------------------------------------------------------------------------------
# Lines of bounded length


def bounded_lines(fh: IO[str], path: str, limit: int) -> Iterator[str]:
    """The lines of ``fh`` (with their line ends), refusing one longer than ``limit`` characters by its number.

    The file is read in blocks and split with str methods, so the lines cost little more than iterating the file,
    and a line without end never grows past ``limit``."""
    return chain.from_iterable(_line_blocks(fh, path, limit))


def _line_blocks(fh: IO[str], path: str, limit: int) -> Iterator[list[str]]:
    tail = ""
    number = 0  # lines before this block
    while True:
        block = fh.read(1024 * 1024)
        if not block:
            break
        parts = (tail + block).split("\n")
        tail = parts.pop()
        if parts and max(map(len, parts)) > limit:
            long = next(i for i, part in enumerate(parts) if len(part) > limit)
            raise FileLimitError(f"{path}:{number + long + 1}: line longer than {limit:,} characters; refused")
        if len(tail) > limit:
            raise FileLimitError(f"{path}:{number + len(parts) + 1}: line longer than {limit:,} characters; refused")
        number += len(parts)
        if parts:
            yield [part + "\n" for part in parts]
    if tail:
        yield [tail]


# ---------------------------------------------------------------------------------------------------------------
# CSV output that a spreadsheet does not run


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """A text cell for a CSV file: one that a spreadsheet would read as a formula gets a leading quote (')."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def csv_safe_row(cells: Iterable[object]) -> list[object]:
    return [csv_safe(c) if isinstance(c, str) else c for c in cells]


# ---------------------------------------------------------------------------------------------------------------
# Descriptions for the classifier


def check_description(where: str, text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise FileLimitError(f"{where}: longer than {MAX_TEXT_CHARS:,} characters ({len(text):,}); refused")
    if not text.strip():
        raise FileLimitError(f"{where}: is empty")


def read_description_file(path: str) -> str:
    """One description from a text file, within :data:`MAX_TEXT_CHARS`."""
    text = read_text_limited(path, MAX_TEXT_FILE_BYTES, what="text file")
    check_description(path, text)
    return text


def read_jsonl_texts(path: str) -> list[tuple[str, str]]:
    """(id, text) of every line of a JSON Lines file of {"id", "text"}; refuses an empty file, a line over
    :data:`MAX_JSONL_LINE_CHARS`, a text over :data:`MAX_TEXT_CHARS` and a file over :data:`MAX_JSONL_BYTES`,
    each by its line."""
    text = read_text_limited(path, MAX_JSONL_BYTES, what=".jsonl file")
    out: list[tuple[str, str]] = []
    for number, line in enumerate(bounded_lines(io.StringIO(text), path, MAX_JSONL_LINE_CHARS), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if json_depth(line) > MAX_NESTING:
            raise FileLimitError(f"{where}: not valid JSON: nested more than {MAX_NESTING} levels deep")
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FileLimitError(f"{where}: not valid JSON: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise FileLimitError(f"{where}: not valid JSON: {str(exc)[:80]}") from None
        if not isinstance(raw, dict):
            raise FileLimitError(f"{where}: each line must be a JSON object with 'text' (and optionally 'id')")
        body = raw.get("text")
        if not isinstance(body, str):
            raise FileLimitError(f"{where}: text: missing or not text, got {shown(body)}")
        check_description(f"{where}: text", body)
        raw_id = raw.get("id", f"{Path(path).stem}-{number}")
        if not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
            raise FileLimitError(f"{where}: id: must be text or a number, got {shown(raw_id)}")
        scan_id = str(raw_id)
        if len(scan_id) > 200:
            raise FileLimitError(f"{where}: id: longer than 200 characters")
        out.append((scan_id, body))
    if not out:
        raise FileLimitError(f"{path}: no texts; expected one JSON object with 'text' per line")
    return out
