"""Every reader of untrusted files, fuzzed: it returns scans or raises an InputError whose message starts with the
file's name (the CLI prints it and exits with code 2); nothing else escapes."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groeimodel import questionnaire, safeio
from groeimodel.errors import InputError
from groeimodel.model import load_model
from groeimodel.scanfiles import read_scans

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODEL = load_model("groeimodel")
ITEM_IDS = [item.id for item in MODEL.items]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
answer_values = st.one_of(
    st.integers(min_value=-3, max_value=9), st.none(), st.sampled_from(["weet niet", "?", "4", " 3 ", "x"]), json_values
)
scan_mappings = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "model": st.sampled_from(["groeimodel", "mkb-2011", "/dev/zero", "nope", "groeimodel@1.0.0"]) | json_values,
        "answers": st.dictionaries(st.sampled_from(ITEM_IDS) | st.text(max_size=12), answer_values, max_size=8),
    },
)


def _read(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            read_scans([str(path)])
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)
            assert len(str(exc)) < 1000


@FUZZ
@given(scan_mappings, st.sampled_from(["scan.json", "scan.yaml"]))
def test_answer_files_of_any_shape_give_scans_or_a_named_error(data, name):
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, allow_unicode=True)
    _read(name, text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.sampled_from(["s.json", "s.yaml"]))
def test_answer_files_of_any_bytes_give_scans_or_a_named_error(data, name):
    _read(name, data)


csv_cells = st.sampled_from(["", "1", "5", "7", "weet niet", '"', '""', ",", ";", "\t", "\r", "\n", "x", "=1", " "])


@FUZZ
@given(
    st.lists(st.sampled_from([*ITEM_IDS[:6], "id", "model", "x", ""]), min_size=1, max_size=6),
    st.lists(st.lists(csv_cells | st.text(max_size=8), max_size=8), max_size=6),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_files_of_any_content_give_scans_or_a_named_error(header, rows, delimiter):
    text = delimiter.join(header) + "\n" + "\n".join(delimiter.join(row) for row in rows)
    _read("wave.csv", text.encode("utf-8"))


_FORM = questionnaire.to_xlsx(MODEL, "nl")


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(_FORM) - 1), st.integers(0, 255)), max_size=6))
def test_xlsx_forms_with_damaged_bytes_give_scans_or_a_named_error(flips):
    data = bytearray(_FORM)
    for position, value in flips:
        data[position] = value
    _read("form.xlsx", bytes(data))


@FUZZ
@given(st.dictionaries(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"]),
                       st.binary(max_size=200) | st.text(max_size=200).map(str.encode), max_size=2))  # fmt: skip
def test_xlsx_forms_with_replaced_parts_give_scans_or_a_named_error(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_FORM)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, parts.get(info.filename, src.read(info.filename)))
    _read("form.xlsx", out.getvalue())


@FUZZ
@given(st.binary(max_size=300))
def test_xlsx_of_any_bytes_gives_a_named_error(data):
    _read("form.xlsx", data)


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=60), json_values.map(json.dumps)), max_size=5))
def test_jsonl_descriptions_give_texts_or_a_named_error(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            texts = safeio.read_jsonl_texts(str(path))
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)
        else:
            assert texts and all(t.strip() for _, t in texts)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_the_classifier_takes_any_text_or_names_the_problem(text):
    from groeimodel.classify import load_classifier

    try:
        safeio.check_description("TEXT", text)
        (prediction,) = load_classifier().predict([text], model=MODEL)
    except InputError as exc:
        assert "text" in str(exc).lower()
    else:
        assert prediction.level in range(len(MODEL.levels) + 1)


labelled_records = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "text": st.text(max_size=40) | json_values,
        "label": st.integers(min_value=-2, max_value=6) | json_values,
        "lang": st.sampled_from(["nl", "en"]) | json_values,
        "sources": json_values,
        "org": json_values,
    },
)


@FUZZ
@given(st.lists(labelled_records.map(json.dumps) | st.text(max_size=60), max_size=5))
def test_labelled_corpus_files_give_examples_or_a_named_error(lines):
    """`classify evaluate FILE` and `classify train --corpus` read through this reader."""
    from groeimodel.classify.core import read_jsonl

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labelled.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            examples = read_jsonl(path, labelled=True)
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)
            assert len(str(exc)) < 1000
        else:
            assert examples and all(e.label in range(5) and e.text.strip() for e in examples)
            assert all(e.lang is None or isinstance(e.lang, str) for e in examples)


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_description_files_of_any_bytes_give_a_text_or_a_named_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "beschrijving.txt"
        path.write_bytes(data)
        try:
            text = safeio.read_description_file(str(path))
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)
        else:
            assert text.strip()


_MODEL_TEXT = (Path(questionnaire.__file__).parent / "model" / "data" / "groeimodel" / "1.1.0.yaml").read_text()


@FUZZ
@given(
    st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | json_values.map(lambda v: yaml.safe_dump({"id": "x", "levels": v}).encode())
    | st.tuples(st.integers(0, len(_MODEL_TEXT) - 1), st.text(max_size=20)).map(
        lambda cut: (_MODEL_TEXT[: cut[0]] + cut[1] + _MODEL_TEXT[cut[0] + len(cut[1]) :]).encode()
    )
)
def test_model_files_given_by_path_give_a_model_or_a_named_error(data):
    """`--model FILE` and `model validate FILE`: a damaged or made-up model file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.yaml"
        path.write_bytes(data)
        try:
            model = load_model(str(path))
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)[:300]
        else:
            assert model.items and model.levels
