"""Load and validate model files.

A model file is YAML shaped as :class:`~groeimodel.model.schema.ModelFile`. Loading checks the shape (unknown
keys, missing translations, wrong types) and the rules that span fields (unique and well-formed ids, bands that
cover 0-100, levels numbered 1..n, every band's advice present). Every problem is reported, each with the file,
the line and the path inside the file, so an author can fix a model in one pass.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from groeimodel import safeio
from groeimodel.errors import InputError
from groeimodel.model.schema import Band, Block, Item, Lang, Level, ModelFile
from groeimodel.yamlpos import PathPart, compose, line_of


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: tuple[PathPart, ...]
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        dotted = format_path(self.path)
        return f"{where}: {dotted}: {self.message}" if dotted else f"{where}: {self.message}"


class ModelError(InputError):
    """A model file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class BlockInfo:
    """A building block with its place in the model's flat item order."""

    id: str
    level: int
    index: int
    data: Block
    item_indices: tuple[int, ...]


@dataclass(frozen=True)
class Model:
    """A validated model with the indices that scoring needs."""

    data: ModelFile
    content_hash: str
    path: str
    items: tuple[Item, ...] = field(repr=False)
    item_index: dict[str, int] = field(repr=False)
    item_block: tuple[int, ...] = field(repr=False)
    blocks: tuple[BlockInfo, ...] = field(repr=False)
    block_index: dict[str, int] = field(repr=False)

    @property
    def id(self) -> str:
        return self.data.id

    @property
    def version(self) -> str:
        return self.data.version

    @property
    def levels(self) -> list[Level]:
        return self.data.levels

    @property
    def bands(self) -> list[Band]:
        return self.data.scoring.bands

    @property
    def threshold(self) -> float:
        return self.data.scoring.threshold

    def level(self, number: int) -> Level:
        return self.data.levels[number - 1]

    def level_blocks(self, number: int) -> list[BlockInfo]:
        return [b for b in self.blocks if b.level == number]

    def name(self, lang: Lang) -> str:
        return self.data.name.get(lang)


_BLOCK_ID = re.compile(r"^l(\d+)\.[a-z0-9_\-]+$")
_ITEM_ID = re.compile(r"^(l\d+\.[a-z0-9_\-]+)\.(\d+)$")


def _rule_problems(m: ModelFile) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Rules that span fields. Yields (path, message)."""
    values = [p.value for p in m.scale.points]
    if values != [1, 2, 3, 4, 5]:
        yield ("scale", "points"), f"the scale must have the points 1..5 in order, found {values}"

    uppers = [b.upper for b in m.scoring.bands]
    if not uppers:
        yield ("scoring", "bands"), "at least one band is needed"
    else:
        if any(a >= b for a, b in itertools.pairwise(uppers)):
            yield ("scoring", "bands"), f"band upper bounds must increase, found {uppers}"
        if uppers[-1] != 100:
            yield ("scoring", "bands"), f"the bands must cover 0-100: the last upper bound is {uppers[-1]}, not 100"
    band_ids = [b.id for b in m.scoring.bands]
    for i, dup in _duplicates(band_ids):
        yield ("scoring", "bands", i, "id"), f"duplicate band id {dup!r}"

    igm_ids = {s.id for s in m.igm}
    steps = sorted(s.step for s in m.igm)
    if steps != [1, 2, 3]:
        yield ("igm",), f"the IGM has steps 1, 2 and 3, found {steps}"

    for i, dup in _duplicates([g.id for g in m.growth_indicators]):
        yield ("growth_indicators", i, "id"), f"duplicate indicator id {dup!r}"

    numbers = [lv.level for lv in m.levels]
    if numbers != list(range(1, len(numbers) + 1)):
        yield ("levels",), f"levels must be numbered 1..n in order, found {numbers}"
    for i, dup in _duplicates([lv.id for lv in m.levels]):
        yield ("levels", i, "id"), f"duplicate level id {dup!r}"

    seen_blocks: set[str] = set()
    seen_items: set[str] = set()
    for li, lv in enumerate(m.levels):
        lp: tuple[PathPart, ...] = ("levels", li)
        if lv.igm_step is not None and lv.igm_step not in igm_ids:
            yield (*lp, "igm_step"), f"unknown IGM step {lv.igm_step!r}; known: {sorted(igm_ids)}"
        if not lv.blocks:
            yield (*lp, "blocks"), "a level needs at least one building block"
        if lv.blocks and not any(it.reverse for b in lv.blocks for it in b.items):
            yield (*lp, "blocks"), f"level {lv.level} has no reverse-keyed item"
        for i, dup in _duplicates([ind.id for ind in lv.indicators]):
            yield (*lp, "indicators", i, "id"), f"duplicate indicator id {dup!r}"
        for bi, block in enumerate(lv.blocks):
            bp = (*lp, "blocks", bi)
            match = _BLOCK_ID.match(block.id)
            if not match or int(match.group(1)) != lv.level:
                yield (*bp, "id"), f"block id {block.id!r} must look like 'l{lv.level}.name'"
            if block.id in seen_blocks:
                yield (*bp, "id"), f"duplicate block id {block.id!r}"
            seen_blocks.add(block.id)
            if not 1 <= len(block.items) <= 12:
                yield (*bp, "items"), f"a block needs 1 to 12 items, found {len(block.items)}"
            for ii, item in enumerate(block.items):
                ip = (*bp, "items", ii, "id")
                im = _ITEM_ID.match(item.id)
                if not im or im.group(1) != block.id:
                    yield ip, f"item id {item.id!r} must look like '{block.id}.N'"
                if item.id in seen_items:
                    yield ip, f"duplicate item id {item.id!r}"
                seen_items.add(item.id)
            missing = [b for b in band_ids if b not in block.advice]
            extra = [a for a in block.advice if a not in band_ids]
            if missing:
                yield (*bp, "advice"), f"advice missing for band(s) {', '.join(missing)}"
            for a in extra:
                yield (*bp, "advice", a), f"advice for unknown band {a!r}; bands: {', '.join(band_ids)}"


def _duplicates(values: Sequence[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            yield i, v
        seen.add(v)


def parse_model(text: str, *, source: str) -> Model:
    """Validate the YAML ``text`` of a model file; ``source`` names it in error messages."""
    try:
        # No anchors, aliases, complex or repeated keys, nor deep nesting: a model file may come from anyone.
        raw, _node = safeio.load_yaml(text, safeio.ModelFileLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ModelError([Problem(source, line, (), f"not valid YAML: {problem}")]) from None
    nodes = compose(text)
    if not isinstance(raw, dict):
        raise ModelError([Problem(source, 1, (), "a model file must be a YAML mapping")])
    try:
        data = ModelFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = tuple(p for p in err["loc"] if isinstance(p, str | int))
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown key"
            elif err["type"] == "missing" and path and path[-1] in ("nl", "en"):
                message = f"missing {'Dutch' if path[-1] == 'nl' else 'English'} translation"
            problems.append(Problem(source, line_of(nodes, path), path, message))
        raise ModelError(problems) from None
    rule_problems = [Problem(source, line_of(nodes, p), p, msg) for p, msg in _rule_problems(data)]
    if rule_problems:
        raise ModelError(rule_problems)
    return _build(data, text, source)


def _build(data: ModelFile, text: str, source: str) -> Model:
    items: list[Item] = []
    item_block: list[int] = []
    blocks: list[BlockInfo] = []
    for lv in data.levels:
        for block in lv.blocks:
            start = len(items)
            items.extend(block.items)
            item_block.extend([len(blocks)] * len(block.items))
            blocks.append(
                BlockInfo(
                    id=block.id,
                    level=lv.level,
                    index=len(blocks),
                    data=block,
                    item_indices=tuple(range(start, len(items))),
                )
            )
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return Model(
        data=data,
        content_hash=hashlib.sha256(canonical.encode()).hexdigest(),
        path=source,
        items=tuple(items),
        item_index={it.id: i for i, it in enumerate(items)},
        item_block=tuple(item_block),
        blocks=tuple(blocks),
        block_index={b.id: b.index for b in blocks},
    )


def _data_dir() -> Any:
    return resources.files("groeimodel.model") / "data"


DEFAULT_MODEL = "groeimodel"
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def shipped_model_ids() -> list[str]:
    """The ids of the models that ship with the package (one folder each in model/data/)."""
    return sorted(p.name for p in _data_dir().iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def model_versions(model_id: str) -> list[str]:
    """The shipped versions of a model, oldest first. Every version that scans were made with stays loadable."""
    folder = _data_dir() / model_id
    if not folder.is_dir():
        return []
    versions = [p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")]
    return sorted((v for v in versions if _VERSION.match(v)), key=_version_key)


def list_models() -> list[Model]:
    """The current (newest) version of every model that ships with the package, by id."""
    return [load_model(model_id) for model_id in shipped_model_ids()]


_loaded: dict[tuple[str, str | None], Model] = {}
_loading = threading.Lock()


def load_model(ref: str = DEFAULT_MODEL, version: str | None = None) -> Model:
    """Load a shipped model by id (its newest version, or ``version``), or a model file by path (anything ending
    in .yaml/.yml or containing '/'). ``"groeimodel@1.0.0"`` names a version too.

    Each model is parsed once per process, also when several threads ask for it at the same time.
    """
    if version is None and "@" in ref and not ref.endswith((".yaml", ".yml")):
        ref, version = ref.split("@", 1)
    key = (ref, version)
    model = _loaded.get(key)
    if model is not None:
        return model
    with _loading:
        model = _loaded.get(key)
        if model is None:
            model = _loaded[key] = _load(ref, version)
    return model


def _load(ref: str, version: str | None) -> Model:
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        try:
            text = safeio.read_text_limited(ref, safeio.MAX_MODEL_FILE_BYTES, what="model file")
        except safeio.FileLimitError as exc:
            message = str(exc).removeprefix(f"{ref}: ").removeprefix(f"{ref}:")
            raise ModelError([Problem(ref, None, (), message)]) from None
        return parse_model(text, source=ref)
    versions = model_versions(ref)
    if not versions:
        known = ", ".join(shipped_model_ids())
        raise ModelError([Problem(ref, None, (), f"unknown model {ref!r}; shipped models: {known}")])
    if version is None:
        version = versions[-1]
    elif version not in versions:
        raise ModelError(
            [Problem(ref, None, (), f"model {ref!r} has no version {version!r}; shipped: {', '.join(versions)}")]
        )
    source = f"{ref}/{version}.yaml"
    model = parse_model((_data_dir() / ref / f"{version}.yaml").read_text(encoding="utf-8"), source=source)
    if (model.id, model.version) != (ref, version):
        raise ModelError([Problem(source, None, ("id",), f"the file says {model.id} {model.version}")])
    return model
