"""Hostile scan files and descriptions: each is refused with exit code 2 and a message naming the place, quickly
and in bounded memory, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from groeimodel import safeio, scanfiles
from groeimodel.cli import app
from groeimodel.scoring import score

from .conftest import all_answers
from .test_cli import fails_with, thousand_scans, write_csv, write_yaml_scan

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
answers: {l1.processen.1: *i}
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))


def test_a_yaml_alias_bomb_is_refused_at_once_in_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB.encode()) < 600
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from groeimodel.cli import app; app()", "score", str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"{bomb}:1: not valid YAML: anchors (&name) are not allowed" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - start < 60


def test_an_alias_without_anchor_complex_keys_and_merge_keys_are_refused(tmp_path):
    alias = tmp_path / "alias.yaml"
    alias.write_text("answers:\n  l1.processen.1: *x\n")
    fails_with(run("score", str(alias)), f"{alias}:2:", "not valid YAML")
    complex_key = tmp_path / "complex.yaml"
    complex_key.write_text("answers:\n  ? [l1.processen.1, l1.processen.2]\n  : 3\n")
    fails_with(run("score", str(complex_key)), f"{complex_key}:2: not valid YAML: a key must be plain text")
    merge = tmp_path / "merge.yaml"
    merge.write_text("answers:\n  <<: {l1.processen.1: 3}\n")
    fails_with(run("score", str(merge)), f"{merge}:2: not valid YAML: merge keys")


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path, suffix):
    path = tmp_path / f"deep.{suffix}"
    depth = 50_000
    path.write_text('{"answers": ' + "[" * depth + "]" * depth + "}")
    result = run("score", str(path))
    fails_with(result, f"{path}", "nested more than 20 levels deep")


def test_a_scan_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safeio, "MAX_SCAN_FILE_BYTES", 1000)
    path = write_yaml_scan(tmp_path / "big.yaml", {"l1.processen.1": 3})
    path.write_text(path.read_text() + "#" * 2000 + "\n")
    fails_with(run("score", str(path)), f"{path}: scan file larger than 1,000 bytes; refused")


def test_a_long_or_huge_value_is_shown_cut_short(tmp_path):
    long = tmp_path / "long.yaml"
    long.write_text("answers:\n  l1.processen.1: '" + "x" * 100_000 + "'\n")
    result = run("score", str(long))
    fails_with(result, f"{long}:2: answers.l1.processen.1: answer must be 1-5", "(100,000 characters)")
    assert len(result.stderr) < 400
    huge = tmp_path / "huge.yaml"
    huge.write_text("answers:\n  l1.processen.1: " + "9" * 5000 + "\n")
    fails_with(run("score", str(huge)), f"{huge}")
    key = tmp_path / "key.yaml"
    key.write_text("answers:\n  " + "k" * 1000 + ": 3\n")
    result = run("score", str(key))
    fails_with(result, f"{key}:2: answers.kkkk", "unknown item id")
    assert len(result.stderr) < 400


def test_model_in_a_scan_file_names_a_shipped_model_only(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("database_password: hunter2\n")
    for ref in ("/dev/zero", str(secret), "../secret.yaml", "x.yaml"):
        path = write_yaml_scan(tmp_path / "scan.yaml", {"l1.processen.1": 3}, model=json.dumps(ref))
        result = run("score", str(path))
        fails_with(result, f"{path}:1: model: must be the id of a shipped model (groeimodel, mkb-2011)")
        assert "hunter2" not in result.stderr and "database_password" not in result.stderr
    versioned = write_yaml_scan(tmp_path / "v.yaml", {"l1.processen.1": 3}, model="groeimodel@1.0.0")
    assert run("score", str(versioned), "--format", "json").exit_code == 0


def test_a_model_file_is_given_with_the_model_option(tmp_path, model):
    own = tmp_path / "own.yaml"
    own.write_text((Path(scanfiles.__file__).parent / "model" / "data" / "groeimodel" / "1.0.0.yaml").read_text())
    scan = tmp_path / "scan.yaml"
    scan.write_text("answers:\n  l1.processen.1: 3\n")
    result = run("score", str(scan), "--model", str(own), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["model"]["id"] == "groeimodel"


# --- CSV ------------------------------------------------------------------------------------------------------


def test_a_csv_field_over_the_limit_names_the_row_and_column(tmp_path, model):
    path = write_csv(tmp_path / "wave.csv", model, thousand_scans(model)[:3])
    lines = path.read_text().splitlines()
    cells = lines[2].split(",")
    cells[3] = "x" * 131_073
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    fails_with(run("score", str(path)), f"{path}:3: column {model.items[2].id}: a field longer than 131,072")


def test_a_csv_line_without_end_is_refused_by_its_number(tmp_path, model):
    path = write_csv(tmp_path / "wave.csv", model, thousand_scans(model)[:2])
    with path.open("a") as fh:
        fh.write("," * 2_000_000)
    fails_with(run("score", str(path)), f"{path}:4: line longer than 1,048,576 characters")


def test_standard_csv_quoting_is_read_as_such(tmp_path, model):
    path = tmp_path / "wave.csv"
    path.write_text('id,l1.processen.1\n"Bakkerij ""De Vries""",4\n"Garage; Jansen",3\n')
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ['Bakkerij "De Vries"', "Garage; Jansen"]
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text('id;l1.processen.1\n"Bakkerij ""De Vries""";4\n')
    assert json.loads(run("score", str(semicolons), "--format", "json").stdout)["id"] == 'Bakkerij "De Vries"'


def test_csv_output_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, model):
    ids = ['=HYPERLINK("http://x")', "+31", "-1", "@SUM(A1)", "plain, with comma"]
    path = tmp_path / "wave.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "l1.processen.1"])
        writer.writerows([i, 4] for i in ids)
    result = run("score", str(path), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    out = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert out == ['\'=HYPERLINK("http://x")', "'+31", "'-1", "'@SUM(A1)", "plain, with comma"]
    yaml_scan = tmp_path / "tab.yaml"
    yaml_scan.write_text('id: "\\tx"\nanswers:\n  l1.processen.1: 4\n')
    cr_scan = tmp_path / "cr.yaml"
    cr_scan.write_text('id: "\\rx"\nanswers:\n  l1.processen.1: 4\n')
    result = run("score", str(yaml_scan), str(cr_scan), "--format", "csv")
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["'\tx", "'\rx"]


def _expected_csv_row(scan_id: str, result) -> list[str]:
    row = [scan_id, result.model_id, result.model_version, str(result.position)]
    row.append("" if result.next_level is None else str(result.next_level))
    for lv in result.levels:
        row += ["" if lv.score is None else repr(lv.score), lv.band or "", str(int(lv.achieved))]
    row += ["" if b.score is None else repr(b.score) for lv in result.levels for b in lv.blocks]
    return row


def test_score_streams_a_csv_in_chunks_with_the_same_result_as_one_scan_at_a_time(tmp_path, model, monkeypatch):
    monkeypatch.setattr(scanfiles, "CHUNK_ROWS", 7)
    rows = thousand_scans(model)[:100]
    path = write_csv(tmp_path / "wave.csv", model, rows)
    out = tmp_path / "scores.csv"
    result = run("score", str(path), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    got = list(csv.reader(out.open(newline="")))
    assert len(got) == 101
    block_order = [b.id for lv in model.levels for b in model.level_blocks(lv.level)]
    assert got[0][-len(model.blocks) :] == [b.id for b in model.blocks]
    by_block = {b: k for k, b in enumerate(got[0])}
    for row, line in zip(rows, got[1:], strict=True):
        answers = {k: v for k, v in row.items() if k != "id"}
        expected = _expected_csv_row(row["id"], score(model, answers))
        head = len(expected) - len(block_order)
        assert line[:head] == expected[:head]
        assert [line[by_block[b]] for b in block_order] == expected[head:]


def test_an_error_in_a_later_chunk_leaves_no_output_and_names_the_row(tmp_path, model, monkeypatch):
    monkeypatch.setattr(scanfiles, "CHUNK_ROWS", 7)
    rows = thousand_scans(model)[:50]
    rows[44]["l2.cultuur.3"] = 9
    path = write_csv(tmp_path / "wave.csv", model, rows)
    out = tmp_path / "scores.csv"
    fails_with(run("score", str(path), "--format", "csv", "-o", str(out)), f"{path}:46: column l2.cultuur.3", "got 9")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wave.csv"]


def test_a_scan_id_given_twice_in_different_chunks_names_both_rows(tmp_path, model, monkeypatch):
    monkeypatch.setattr(scanfiles, "CHUNK_ROWS", 7)
    rows = thousand_scans(model)[:50]
    rows[40]["id"] = rows[2]["id"]
    path = write_csv(tmp_path / "wave.csv", model, rows)
    fails_with(run("score", str(path), "--format", "json"), f"{path}:42: scan id 'firm-0002' also appears at {path}:4")


# --- XLSX -----------------------------------------------------------------------------------------------------


def _form(tmp_path: Path, model) -> Path:
    form = tmp_path / "form.xlsx"
    assert run("questionnaire", "--format", "xlsx", "-o", str(form)).exit_code == 0
    wb = load_workbook(form)
    for row in wb.worksheets[0].iter_rows(min_row=6):
        if row[0].value and str(row[0].value).startswith("l1."):
            row[4].value = 4
    wb.save(form)
    return form


def _rewrite(form: Path, target: Path, replace: dict[str, bytes], extra: int = 0) -> Path:
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in replace.items():
            if name not in src.namelist():
                dst.writestr(name, data)
        for n in range(extra):
            dst.writestr(f"xl/media/extra{n}.bin", b"")
    return target


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path, model):
    form = _form(tmp_path, model)
    bomb = _rewrite(form, tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b" " * 25_000_000 + b"</sst>"})
    assert bomb.stat().st_size < 200_000
    fails_with(run("score", str(bomb)), f"{bomb}: part 'xl/sharedStrings.xml': unpacks to 25,000,011 bytes")
    packed = _rewrite(form, tmp_path / "packed.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b" " * 5_000_000 + b"</sst>"})
    fails_with(run("score", str(packed)), f"{packed}: part 'xl/sharedStrings.xml': packed more than 100 to 1")
    many = _rewrite(form, tmp_path / "many.xlsx", {}, extra=300)
    fails_with(run("score", str(many)), f"{many}: the .xlsx holds")


def test_an_xlsx_with_a_doctype_is_refused(tmp_path, model):
    form = _form(tmp_path, model)
    with zipfile.ZipFile(form) as zf:
        workbook = zf.read("xl/workbook.xml")
    declaration = b'<!DOCTYPE w [<!ENTITY e "x">]>'
    evil = workbook.replace(b"?>", b"?>" + declaration, 1) if b"?>" in workbook else declaration + workbook
    doctype = _rewrite(form, tmp_path / "doctype.xlsx", {"xl/workbook.xml": evil})
    fails_with(run("score", str(doctype)), f"{doctype}: part 'xl/workbook.xml': an XML doctype declaration; refused")


def test_an_item_row_given_twice_in_the_form_is_refused(tmp_path, model):
    form = _form(tmp_path, model)
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    ws.cell(row=7, column=1).value = ws.cell(row=6, column=1).value
    wb.save(form)
    fails_with(run("score", str(form)), f"{form}: sheet", "row 7", "appears again (first in row 6)")


def test_a_filled_in_form_still_scores(tmp_path, model):
    form = _form(tmp_path, model)
    result = run("score", str(form), "--format", "json")
    assert result.exit_code == 0, result.stderr
    answers = {i.id: 4 for i in model.items if i.id.startswith("l1.")}
    assert json.loads(result.stdout) == {"id": "form", **score(model, answers).to_dict("nl")}


# --- classify -------------------------------------------------------------------------------------------------


def test_classify_refuses_an_empty_jsonl(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    fails_with(run("classify", "--jsonl", str(empty)), f"{empty}: no texts")


def test_classify_refuses_a_100_mb_text_and_a_long_line_quickly(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    start = time.monotonic()
    fails_with(run("classify", "--file", str(big)), f"{big}: text file larger than 400,000 bytes; refused")
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": "a", "text": "Samen met de gemeente."}\n{"id": "b", "text": "' + "x" * 300_000 + '"}\n')
    fails_with(run("classify", "--jsonl", str(lines)), f"{lines}:2: line longer than 200,000 characters")
    long = tmp_path / "long.jsonl"
    long.write_text('{"id": "a", "text": "' + "woord " * 20_000 + '"}\n')
    fails_with(run("classify", "--jsonl", str(long)), f"{long}:1: text: longer than 100,000 characters")
    fails_with(run("classify", "woord " * 20_000), "TEXT: longer than 100,000 characters")
    assert time.monotonic() - start < 30


def test_classify_still_reads_a_jsonl_of_descriptions(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "x", "text": "Samen met de gemeente en scholen zetten we een leerwerkplaats op."}\n\n'
        '{"text": "We bought a new machine."}\n'
    )
    result = run("classify", "--jsonl", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["x", "in-3"]


def test_all_scores_of_other_formats_remain(tmp_path, model):
    path = write_yaml_scan(tmp_path / "one.yaml", all_answers(model, 4))
    data = json.loads(run("score", str(path), "--format", "json").stdout)
    assert data["position"] == len(model.levels)


def test_quoted_records_across_chunk_boundaries_keep_their_rows_and_lines(tmp_path, model, monkeypatch):
    monkeypatch.setattr(scanfiles, "CHUNK_ROWS", 3)
    path = tmp_path / "wave.csv"
    body = ["id,l1.processen.1,l1.processen.2"]
    expected = []
    for n in range(20):
        scan_id = f'firm "{n}"\nline two' if n % 4 == 1 else f"firm-{n}"
        quoted = '"' + scan_id.replace('"', '""') + '"' if n % 4 == 1 else scan_id
        body.append(f"{quoted},{1 + n % 5},weet niet")
        expected.append(scan_id)
    body.append('"bad\nid",9,1')
    path.write_text("\n".join(body) + "\n")
    result = run("score", str(path), "--format", "json")
    physical = 1 + 20 + 5 + 2  # header, 20 records, 5 of them on two lines, the bad record's two lines
    fails_with(result, f"{path}:{physical}: column l1.processen.1: answer must be 1-5", "got 9")
    path.write_text("\n".join(body[:-1]) + "\n")
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == expected


def test_csv_safe_prefixes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safeio.csv_safe(start + "1") == "'" + start + "1"
    assert safeio.csv_safe("bakkerij") == "bakkerij"


def test_a_scan_id_in_a_yaml_file_and_a_csv_is_refused_and_the_same_file_twice_too(tmp_path, model):
    wave = write_csv(tmp_path / "wave.csv", model, thousand_scans(model)[:5])
    scan = tmp_path / "scan.yaml"
    scan.write_text("id: firm-0003\nanswers:\n  l1.processen.1: 3\n")
    fails_with(run("score", str(wave), str(scan)), f"{scan}: scan id 'firm-0003' also appears at {wave}:5")
    fails_with(run("score", str(scan), str(scan)), f"{scan}: scan id 'firm-0003' also appears at {scan}")


def test_a_hash_collision_between_different_ids_is_not_taken_for_a_duplicate(model):
    one = scanfiles.ScanInput("a", model, {}, "a.yaml")
    two = scanfiles.ScanInput("b", model, {}, "b.yaml")
    sources = [scanfiles._OneScan(one), scanfiles._OneScan(two)]
    seen = {hash("b")}  # as if "a" had hashed like "b"
    chunk = next(sources[1].chunks())
    scanfiles._check_duplicates(sources, chunk, seen)  # no error: the ids differ
