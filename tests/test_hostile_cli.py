"""More hostile input for the CLI: a model file whose texts a spreadsheet would run, and labelled corpus files for
`classify evaluate` that are too large, too long, too deep, empty or of the wrong shape. Each is refused with exit
code 2 and a message naming the file and line, in bounded time, or written so that no spreadsheet runs it."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from groeimodel.cli import app
from groeimodel.model import loader

from .test_cli import fails_with

runner = CliRunner()
SHIPPED = Path(loader.__file__).parent / "data" / "groeimodel" / "1.1.0.yaml"
# A model file's texts are stripped when it loads, so none starts with a tab or CR; the other four can.
FORMULAS = ['=HYPERLINK("http://x","y")', "+31 6 1234", "-1 punt", "@SUM(A1)"]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def formula_model(tmp_path: Path) -> Path:
    """The shipped model with its first statements, and its first block's name, worded like formulas."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    items = [item for lv in data["levels"] for block in lv["blocks"] for item in block["items"]]
    for item, text in zip(items, FORMULAS, strict=False):
        item["text"]["nl"] = text
    data["levels"][0]["blocks"][0]["name"]["nl"] = "=1+1"
    path = tmp_path / "formulas.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_csv_questionnaire_neutralises_cells_a_spreadsheet_would_run(tmp_path):
    model = formula_model(tmp_path)
    result = run("questionnaire", "--format", "csv", "--model", str(model))
    assert result.exit_code == 0, result.output
    texts = [row["text"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert texts[: len(FORMULAS)] == ["'" + text for text in FORMULAS]
    assert not texts[len(FORMULAS)].startswith("'")  # ordinary statements are left as they are


def test_the_xlsx_form_stores_formula_like_texts_as_text(tmp_path):
    model = formula_model(tmp_path)
    form = tmp_path / "form.xlsx"
    assert run("questionnaire", "--format", "xlsx", "--model", str(model), "-o", str(form)).exit_code == 0
    ws = load_workbook(form).worksheets[0]
    cells = [ws.cell(row=6, column=3), ws.cell(row=6, column=4)]
    assert [(c.value, c.data_type) for c in cells] == [("=1+1", "s"), ('=HYPERLINK("http://x","y")', "s")]


def labelled(path: Path, *rows: object) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows))
    return path


GOOD = {"id": "a", "text": "Samen met de gemeente zetten we een leerwerkplaats op.", "label": 4}


def test_classify_evaluate_refuses_an_empty_corpus_file(tmp_path):
    empty = labelled(tmp_path / "empty.jsonl", "", "  ")
    fails_with(run("classify", "evaluate", str(empty)), f"{empty}: no texts; expected one JSON object with 'text'")


def test_classify_evaluate_refuses_a_100_mb_file_and_a_long_line_quickly(tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    start = time.monotonic()
    fails_with(run("classify", "evaluate", str(big)), f"{big}: .jsonl file larger than 52,428,800 bytes; refused")
    long = labelled(tmp_path / "long.jsonl", GOOD, {"id": "b", "text": "x" * 300_000, "label": 1})
    fails_with(run("classify", "evaluate", str(long)), f"{long}:2: line longer than 200,000 characters; refused")
    wordy = labelled(tmp_path / "wordy.jsonl", {"id": "b", "text": "woord " * 20_000, "label": 1})
    fails_with(run("classify", "evaluate", str(wordy)), f"{wordy}:1: text: longer than 100,000 characters")
    assert time.monotonic() - start < 30


def test_classify_evaluate_names_the_line_of_a_deep_or_misshapen_record(tmp_path):
    deep = labelled(tmp_path / "deep.jsonl", GOOD, "[" * 5000 + "]" * 5000)
    fails_with(run("classify", "evaluate", str(deep)), f"{deep}:2: not valid JSON: nested more than 20 levels deep")
    label = labelled(tmp_path / "label.jsonl", GOOD, {**GOOD, "id": "b", "label": "x" * 10_000})
    result = run("classify", "evaluate", str(label))
    fails_with(result, f"{label}:2: label: must be one of 0-4, got 'xxx")
    assert len(result.stderr) < 300
    lang = labelled(tmp_path / "lang.jsonl", {**GOOD, "lang": {"nl": 1}})
    fails_with(run("classify", "evaluate", str(lang)), f"{lang}:1: lang: must be a language code")
    ident = labelled(tmp_path / "id.jsonl", {**GOOD, "id": ["a"]})
    fails_with(run("classify", "evaluate", str(ident)), f"{ident}:1: id: must be text or a number")
    number = labelled(tmp_path / "number.jsonl", '{"id": "a", "text": "t", "label": 1' + "1" * 5000 + "}")
    fails_with(run("classify", "evaluate", str(number)), f"{number}:1: not valid JSON")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(json.dumps(GOOD).encode() + b"\n\xff\xfe\n")
    fails_with(run("classify", "evaluate", str(binary)), f"{binary}:2: not a UTF-8 text file")


MODEL_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
id: bomb
"""


def test_a_model_file_given_with_model_is_read_within_limits(tmp_path):
    """`--model FILE` and `model validate FILE` take the scan files' YAML rules and a size limit."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(MODEL_BOMB)
    fails_with(run("model", "validate", str(bomb)), f"{bomb}:1: not valid YAML: anchors (&name) are not allowed")
    fails_with(
        run("questionnaire", "--format", "csv", "--model", str(bomb)), "anchors (&name) are not allowed in a model file"
    )
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    start = time.monotonic()
    fails_with(run("model", "validate", str(big)), f"{big}: model file larger than 5,242,880 bytes; refused")
    fails_with(run("questionnaire", "--format", "csv", "--model", "/dev/zero"), "/dev/zero: model file larger than")
    assert time.monotonic() - start < 10
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: " + "[" * 100 + "]" * 100 + "\n")
    fails_with(run("model", "validate", str(deep)), f"{deep}:1: not valid YAML: nested more than 20 levels deep")
    twice = tmp_path / "twice.yaml"
    twice.write_text(SHIPPED.read_text(encoding="utf-8") + "id: groeimodel\n")
    fails_with(run("model", "validate", str(twice)), f"{twice}:", "key 'id' appears twice")
    assert run("model", "validate", str(SHIPPED)).exit_code == 0
