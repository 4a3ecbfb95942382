from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from groeimodel.cli import app
from groeimodel.scoring import score

from .conftest import all_answers

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def fails_with(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


def test_model_list_names_both_shipped_models():
    result = run("model", "list")
    assert result.exit_code == 0
    assert result.stdout.startswith("groeimodel\t1.1.0\t4 levels")
    assert "mkb-2011\t1.1.0\t3 levels" in result.stdout


def test_model_show_prints_the_ladder_in_english_and_the_whole_model_as_json():
    text = run("model", "show", "--lang", "en")
    assert text.exit_code == 0
    assert "Level 4: " in text.stdout and "(reconstruction)" in text.stdout
    assert "l2.cultuur.3" in text.stdout
    data = json.loads(run("model", "show", "--model", "mkb-2011", "--format", "json").stdout)
    assert data["id"] == "mkb-2011" and len(data["levels"]) == 3
    assert len(data["content_hash"]) == 64


def test_model_validate_reports_a_broken_model_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nversion: '1'\nsurprise: true\n")
    result = run("model", "validate", str(bad))
    fails_with(result, f"{bad}:3: surprise: unknown key", "name: Field required")


def test_the_json_questionnaire_lists_model_levels_blocks_and_items(model):
    data = json.loads(run("questionnaire", "--format", "json").stdout)
    assert data["model"] == {"id": "groeimodel", "version": model.version, "name": model.name("nl")}
    assert data["levels"][0] == {"level": 1, "name": "Bedrijfsvoering optimaliseren", "threshold": 60}
    assert {"id": "l2.cultuur", "level": 2, "name": "Innovatieve cultuur"} in data["blocks"]
    assert len(data["items"]) == len(model.items)
    item = next(i for i in data["items"] if i["id"] == "l2.cultuur.4")
    assert item == {"id": "l2.cultuur.4", "level": 2, "block": "l2.cultuur", "reverse": True, "text": item["text"]}
    assert item["text"].startswith("Bij ons is de houding")


def test_the_questionnaire_comes_in_english_as_markdown_and_csv():
    md = run("questionnaire", "--format", "md", "--lang", "en").stdout
    assert md.startswith("# Questionnaire: ")
    assert "## Level 3: " in md and "| `l3.concept.1` |" in md
    rows = list(csv.DictReader(run("questionnaire", "--format", "csv", "--model", "mkb-2011").stdout.splitlines()))
    assert len(rows) == 48 and rows[0]["id"] == "l1.processen.1"


def write_yaml_scan(path: Path, answers: dict, model: str = "groeimodel") -> Path:
    lines = [f"model: {model}", "answers:"] + [f"  {k}: {'null' if v is None else v}" for k, v in answers.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_score_a_yaml_scan_gives_the_cores_result_as_json(tmp_path, model):
    answers = {**all_answers(model, 4), "l3.concept.1": None, "l4.waarde.2": None}
    answers.update({i.id: (6 - 2 if i.reverse else 2) for i in model.items if i.id.startswith("l3.")})
    path = write_yaml_scan(tmp_path / "bakkerij.yaml", answers)
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = score(model, answers).to_dict("nl")
    assert data == {"id": "bakkerij", **expected}
    assert data["position"] == 2 and data["next_level"] == 3
    assert data["advice"][0]["level"] == 3 and data["advice"][0]["text"]


def test_score_a_yaml_scan_as_a_readable_table(tmp_path, model):
    path = write_yaml_scan(tmp_path / "scan.yaml", all_answers(model, 4))
    nl = run("score", str(path)).stdout
    assert "Positie op de ladder: 4" in nl and "Hoogste niveau bereikt" in nl
    en = run("score", str(path), "--lang", "en").stdout
    assert "Position on the ladder: 4" in en and "Top level reached" in en


def write_csv(path: Path, model, rows: list[dict]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", *(i.id for i in model.items)])
        for row in rows:
            writer.writerow([row["id"], *("" if row.get(i.id) is None else row[i.id] for i in model.items)])
    return path


def thousand_scans(model) -> list[dict]:
    rows = []
    for n in range(1000):
        row = {"id": f"firm-{n:04d}"}
        for k, item in enumerate(model.items):
            row[item.id] = None if (n + k) % 11 == 0 else 1 + (n * 7 + k * 3) % 5
        rows.append(row)
    return rows


def test_score_a_csv_of_a_thousand_scans_gives_one_json_line_per_scan(tmp_path, model):
    rows = thousand_scans(model)
    path = write_csv(tmp_path / "wave.csv", model, rows)
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 1000
    assert [d["id"] for d in lines[:3]] == ["firm-0000", "firm-0001", "firm-0002"]
    for row, data in zip(rows[::97], lines[::97], strict=False):
        answers = {k: v for k, v in row.items() if k != "id"}
        assert data == {"id": row["id"], **score(model, answers).to_dict("nl")}


def test_score_a_csv_as_csv_has_a_row_per_scan_with_level_and_block_scores(tmp_path, model):
    path = write_csv(tmp_path / "wave.csv", model, thousand_scans(model)[:20])
    out = list(csv.DictReader(run("score", str(path), "--format", "csv").stdout.splitlines()))
    assert len(out) == 20
    assert {"id", "position", "level_4_score", "level_1_band", "l4.waarde"} <= set(out[0])


def test_a_filled_in_xlsx_form_scores_back(tmp_path, model):
    form = tmp_path / "form.xlsx"
    assert run("questionnaire", "--format", "xlsx", "-o", str(form)).exit_code == 0
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    answers = {}
    for row in ws.iter_rows(min_row=6):
        item = row[0].value
        if item and item.startswith(("l1.", "l2.")):
            value = 2 if model.items[model.item_index[item]].reverse else 4
            row[4].value = value
            answers[item] = value
        elif item == "l3.concept.1":
            row[4].value = "weet niet"
    wb.save(form)
    data = json.loads(run("score", str(form), "--format", "json").stdout)
    assert data == {"id": "form", **score(model, answers).to_dict("nl")}
    assert data["position"] == 2


def test_the_xlsx_form_offers_only_valid_answers_and_locks_the_statements(tmp_path, model):
    form = tmp_path / "form.xlsx"
    assert run("questionnaire", "--format", "xlsx", "--lang", "en", "-o", str(form)).exit_code == 0
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    assert ws.title == "Questionnaire"
    assert ws.protection.sheet
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"1,2,3,4,5,don\'t know"'
    answer_cells = [row[4] for row in ws.iter_rows(min_row=6) if row[0].value]
    assert len(answer_cells) == len(model.items)
    assert all(not c.protection.locked for c in answer_cells)
    assert all(c.coordinate in validation.sqref for c in answer_cells)
    assert ws["D6"].protection.locked  # the statement itself cannot be edited
    assert wb["meta"].sheet_state == "hidden"


def test_business_case_as_json_for_the_source_texts_example():
    result = run(
        "business-case", "--investment", "20000", "--annual-benefit", "50000", "--years", "5",
        "--discount-rate", "0.08", "--format", "json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["payback_years"] == pytest.approx(0.4)
    assert data["roi"] == pytest.approx(11.5)
    assert data["npv"] == pytest.approx(179_635.50, abs=0.01)
    assert data["irr"] == pytest.approx(2.495, abs=0.001)
    table = run("business-case", "--investment", "20000", "--annual-benefit", "50000", "--lang", "en").stdout
    assert "Payback period (years)" in table and "€20,000" in table and "5.0%" in table
    dutch = run("business-case", "--investment", "20000", "--annual-benefit", "50000", "--discount-rate", "8%").stdout
    assert "€\xa020.000" in dutch and "8,0%" in dutch and "0,40" in dutch


@pytest.mark.parametrize("rate", ["8%", "0.08", "8,0%"])
def test_a_discount_rate_of_eight_percent_means_the_same_in_every_spelling(rate):
    result = run("business-case", "--investment", "20000", "--annual-benefit", "50000", "--discount-rate", rate,
                 "--format", "json")  # fmt: skip
    assert json.loads(result.stdout)["discount_rate"] == pytest.approx(0.08)
    assert json.loads(result.stdout)["npv"] == pytest.approx(179_635.50, abs=0.01)


def test_a_bare_discount_rate_above_one_is_refused_with_the_percent_form_suggested():
    result = run("business-case", "--investment", "20000", "--annual-benefit", "50000", "--discount-rate", "8")
    fails_with(result, "--discount-rate", "800%", "8%")


# --- bad input: a message naming file, line or row and field; exit code 2; no output --------------------------


def test_an_unknown_item_id_in_a_yaml_scan_names_file_line_and_item(tmp_path):
    path = write_yaml_scan(tmp_path / "scan.yaml", {"l1.processen.1": 3, "l1.bestaat.niet": 4})
    fails_with(run("score", str(path)), f"{path}:4: answers.l1.bestaat.niet: unknown item id")


def test_an_answer_of_seven_in_a_csv_names_the_row_and_column(tmp_path, model):
    rows = thousand_scans(model)[:5]
    rows[3]["l2.cultuur.3"] = 7
    path = write_csv(tmp_path / "wave.csv", model, rows)
    fails_with(
        run("score", str(path), "--format", "json"), f"{path}:5: column l2.cultuur.3: answer must be 1-5", "got 7"
    )


def test_a_broken_csv_row_is_named(tmp_path, model):
    path = write_csv(tmp_path / "wave.csv", model, thousand_scans(model)[:3])
    path.write_text(path.read_text() + "firm-x,1,2\n")
    fails_with(run("score", str(path)), f"{path}:5: row has 3 fields")


def test_an_unknown_column_in_a_csv_is_named(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text("id,l1.processen.1,shoe_size\nA,3,44\n")
    fails_with(run("score", str(path)), f"{path}:1: column 3 'shoe_size': unknown item id")


def test_a_missing_file_is_named():
    fails_with(run("score", "/nonexistent/scan.yaml"), "/nonexistent/scan.yaml: file not found")


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "scan.yaml"
    path.write_text("model: groeimodel\nanswers:\n  l1.processen.1: [3\n")
    fails_with(run("score", str(path)), f"{path}:", "not valid YAML")


def test_an_unknown_model_is_named(tmp_path):
    path = write_yaml_scan(tmp_path / "scan.yaml", {"l1.processen.1": 3}, model="groeimodel-9")
    fails_with(run("score", str(path)), f"{path}:1: model:", "unknown model 'groeimodel-9'")
    fails_with(run("questionnaire", "--format", "json", "--model", "nope"), "unknown model 'nope'")


def test_a_model_mismatch_between_file_and_option_is_refused(tmp_path):
    path = write_yaml_scan(tmp_path / "scan.yaml", {"l1.processen.1": 3})
    fails_with(run("score", str(path), "--model", "mkb-2011"), "the file says 'groeimodel' but --model says 'mkb-2011'")


def test_one_bad_file_among_several_gives_no_partial_output(tmp_path, model):
    good = write_yaml_scan(tmp_path / "good.yaml", all_answers(model, 4))
    bad = write_yaml_scan(tmp_path / "bad.yaml", {"l1.processen.1": 0})
    out = tmp_path / "out.jsonl"
    result = run("score", str(good), str(bad), "--format", "json", "-o", str(out))
    fails_with(result, f"{bad}:3: answers.l1.processen.1: answer must be 1-5")
    assert not out.exists()
    assert set(tmp_path.iterdir()) == {bad, good}


def test_a_wrong_business_case_names_the_option():
    fails_with(run("business-case", "--investment", "1000", "--annual-benefit", "100", "--years", "0"), "--years:")
    fails_with(
        run("business-case", "--investment", "-5", "--annual-benefit", "100"), "--investment: must be at least 0"
    )


def test_nan_and_a_key_given_twice_are_refused(tmp_path):
    nan = tmp_path / "nan.json"
    nan.write_text('{"answers": {"l1.processen.1": NaN}}')
    fails_with(run("score", str(nan)), f"{nan}: not valid JSON: NaN is not a valid answer")
    dotnan = tmp_path / "nan.yaml"
    dotnan.write_text("answers:\n  l1.processen.1: .nan\n")
    fails_with(run("score", str(dotnan)), f"{dotnan}:2: answers.l1.processen.1: answer must be a whole number 1-5")
    twice = tmp_path / "twice.yaml"
    twice.write_text("answers:\n  l1.processen.1: 2\n  l1.processen.1: 5\n")
    fails_with(run("score", str(twice)), f"{twice}:3:", "appears twice")


def test_a_wave_csv_made_as_the_readme_says_scores(tmp_path):
    """README: a wave CSV has an `id` column, then one column per item id (the `id` column of questionnaire csv)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "A wave CSV has one scan per row: an `id` column, then one column per item id" in readme
    ids = [row["id"] for row in csv.DictReader(run("questionnaire", "--format", "csv").stdout.splitlines())]
    wave = tmp_path / "wave.csv"
    with wave.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", *ids])
        writer.writerow(["bakkerij-de-vries", *(["4"] * len(ids))])
        writer.writerow(["garage-jansen", *(["weet niet"] + ["3"] * (len(ids) - 1))])
    result = run("score", str(wave), "--format", "json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["bakkerij-de-vries", "garage-jansen"]


def test_demo_refuses_an_empty_population_before_it_touches_a_database():
    for args in (
        ["--companies", "0"],
        ["--companies", "10", "--waves", "0"],
        ["--companies", "10", "--answers-share", "2"],
    ):
        result = run("demo", *args)
        assert result.exit_code == 2
        assert "--companies and --waves must be at least 1" in result.output
