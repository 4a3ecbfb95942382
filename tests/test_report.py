"""The advice report, PDF and HTML, from the core alone: what a reader finds in it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from groeimodel.cli import app
from groeimodel.finance import business_case
from groeimodel.model import Model
from groeimodel.reports.content import (
    Benchmark,
    BenchmarkRow,
    InitiativeInfo,
    ReportExtras,
    WaveFigures,
    build_report,
)
from groeimodel.reports.html import render_html, render_report_html, stylesheet
from groeimodel.reports.pdf import render_report_pdf
from groeimodel.reports.view import ResultView, build_view
from groeimodel.respondents import employee_view
from groeimodel.scoring import ScanResult, score

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "report"


def answers(model: Model, value: int, upper: int | None = None) -> dict[str, int | None]:
    """Every item counting as ``value`` (levels 3 and 4 as ``upper`` when given)."""
    out: dict[str, int | None] = {}
    for item in model.items:
        v = upper if upper is not None and item.id.startswith(("l3.", "l4.")) else value
        out[item.id] = 6 - v if item.reverse else v
    return out


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def write_pngs(pdf: bytes, name: str) -> list[Path]:
    """A PNG of every page in test-artifacts/report/, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def second_wave(model: Model, employees: int) -> tuple[ScanResult, ResultView]:
    t0 = score(model, answers(model, 3))
    t1 = score(model, answers(model, 4, upper=2))  # levels 1 and 2 achieved; level 3 is the next step
    staff = employee_view([score(model, answers(model, v)) for v in (2, 3, 3, 4, 2, 3)[:employees]])
    return t1, build_view(model, t1, "nl", previous=("T0", model, t0), employees=staff)


def extras(view: ResultView) -> ReportExtras:
    case = business_case(investment=20000, annual_benefit=50000, annual_cost=0, years=5, discount_rate=0.08)
    return ReportExtras(
        company="Bakkerij De Korenschoof",
        wave_label="T1",
        wave_date=dt.date(2026, 11, 3),
        advisor="Anna de Vries",
        initiatives=(
            InitiativeInfo(
                "Nieuw organisatieconcept met zelfsturende teams", "running", (view.advice[0].block,), 3, case
            ),
            InitiativeInfo("Flexplekken en thuiswerken", "done", ("l1.flexibel",), 1, None),
        ),
        growth=(
            WaveFigures("T0", dt.date(2025, 11, 1), 1, 6, 800000, 300000, 50000, 5),
            WaveFigures("T1", dt.date(2026, 11, 3), 2, 8, 950000, 380000, 70000, 8),
        ),
    )


def test_the_pdf_names_the_firm_position_blocks_advice_initiatives_employees_and_changes(model, tmp_path):
    _, view = second_wave(model, employees=6)
    report = build_report(model, view, extras(view))
    pdf = render_report_pdf(report)
    text = pdf_text(pdf, tmp_path)
    assert "Bakkerij De Korenschoof" in text and "Anna de Vries" in text and "3 november 2026" in text
    assert "staat op niveau 2 van de ladder: Innovatief vermogen vergroten" in text
    assert "De volgende stap is niveau 3" in text
    for block in view.blocks:
        assert block.name in text, block.name
    for advice in view.advice:
        assert advice.text[:60] in text, advice.block
    assert "Nieuw organisatieconcept met zelfsturende teams" in text and "loopt" in text
    assert "€ 20.000" in text and "249,5%" in text  # the business case's investment and IRR, in Dutch
    assert "6 medewerkers vulden de vragenlijst in" in text and "Spreiding" in text
    assert "Sinds T0: van niveau 0 naar niveau 2 (+2)" in text and "sinds T0" in text
    assert "€ 950.000" in text and "Groei over de metingen" in text
    assert "Hoe de scores berekend worden" in text and model.level(1).key_question.nl[:40] in text
    assert 4 <= page_count(pdf, tmp_path) <= 12
    pages = write_pngs(pdf, "nl-second-wave")
    assert len(pages) == page_count(pdf, tmp_path)


def test_the_radar_labels_are_text_in_the_shipped_font(model, tmp_path):
    _, view = second_wave(model, employees=0)
    pdf = render_report_pdf(build_report(model, view, extras(view)))
    text = pdf_text(pdf, tmp_path)
    assert f"{view.blocks[0].number}. {view.blocks[0].name.split()[0]}" in text  # an axis label of the chart
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("DejaVuSans" in n for n in names), names


def test_a_report_with_fewer_than_five_employees_shows_no_employee_scores(model, tmp_path):
    _, view = second_wave(model, employees=4)
    report = build_report(model, view, extras(view))
    text = pdf_text(render_report_pdf(report), tmp_path)
    assert "4 medewerkers vulden de vragenlijst in" in text and "pas getoond vanaf 5 medewerkers" in text
    assert "Spreiding" not in text and "groot verschil" not in text
    html = render_report_html(report)
    assert "pas getoond vanaf 5 medewerkers" in html and "Spreiding" not in html


def test_a_first_wave_in_english_has_no_changes_and_english_formats(model, tmp_path):
    result = score(model, answers(model, 2))
    view = build_view(model, result, "en")
    x = ReportExtras(company="Garage Aarts", wave_label="T0", wave_date=dt.date(2026, 3, 1))
    pdf = render_report_pdf(build_report(model, view, x))
    text = pdf_text(pdf, tmp_path)
    assert "Garage Aarts has not yet reached a level of the ladder" in text and "1 March 2026" in text
    assert "The next step is level 1" in text and "Action plan" in text
    assert "Change since earlier waves" not in text and "employees' view" not in text
    for block in view.blocks:
        assert block.name in text
    assert 4 <= page_count(pdf, tmp_path) <= 12
    write_pngs(pdf, "en-first-wave")


def test_the_html_report_has_the_same_key_texts_and_stands_alone(model):
    _, view = second_wave(model, employees=6)
    html = render_html(model, view, extras(view))
    assert "<style>" in html and "<script" not in html and "http" not in html.split("<body", 1)[0]
    assert "<th></th>" not in html and '<th class="num"></th>' not in html  # every column header has a text
    for text in ("Bakkerij De Korenschoof", "staat op niveau 2 van de ladder", "Nieuw organisatieconcept",
                 "6 medewerkers vulden", "Sinds T0: van niveau 0 naar niveau 2", "Groei over de metingen"):  # fmt: skip
        assert text in html, text
    for block in view.blocks:
        assert block.name in html
    for advice in view.advice:
        assert advice.text in html


def test_the_html_report_served_by_the_app_links_its_stylesheet_and_has_no_inline_style(model):
    _, view = second_wave(model, employees=0)
    html = render_html(model, view, extras(view), stylesheet_url="/static/groeimodel-report/report.css")
    assert '<link rel="stylesheet" href="/static/groeimodel-report/report.css">' in html
    assert "<style" not in html and "style=" not in html and "<script" not in html


def test_the_web_app_serves_the_cores_report_stylesheet_itself():
    from django.contrib.staticfiles import finders

    found = finders.find("groeimodel-report/report.css")
    assert found and Path(found).read_text(encoding="utf-8") == stylesheet()


# --- the command ------------------------------------------------------------------------------------------------

runner = CliRunner()


def scan_file(path: Path, model: Model) -> Path:
    lines = ["model: groeimodel", "answers:"] + [f"  {k}: {v}" for k, v in answers(model, 4, upper=2).items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("suffix", ["pdf", "html"])
def test_groeimodel_report_turns_an_answers_file_into_a_report(model, tmp_path, suffix):
    source = scan_file(tmp_path / "bakkerij.yaml", model)
    out = tmp_path / f"report.{suffix}"
    result = runner.invoke(app, ["report", str(source), "--company", "Bakkerij Aaldering", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes(), tmp_path) if suffix == "pdf" else out.read_text(encoding="utf-8")
    assert "Bakkerij Aaldering staat op niveau 2 van de ladder" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_groeimodel_report_in_english_names_the_scan_when_no_company_is_given(model, tmp_path):
    source = scan_file(tmp_path / "garage.yaml", model)
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(source), "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "garage stands at level 2 of the ladder" in out.read_text(encoding="utf-8")


def test_groeimodel_report_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "scan.yaml"
    bad.write_text("model: groeimodel\nanswers:\n  l1.processen.1: 7\n")
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2 and "groeimodel: error:" in result.stderr and "scan.yaml" in result.stderr
    assert not out.exists()
    wrong = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "report.docx")])
    assert wrong.exit_code == 2 and "must end in .pdf or .html" in wrong.stderr


def test_a_benchmark_block_names_its_peer_group_and_size_only_when_given(model, tmp_path):
    _, view = second_wave(model, employees=0)
    plain = extras(view)
    peers = Benchmark(
        group="voedingsbedrijven met 10 tot 49 medewerkers",
        size=23,
        rows=tuple(BenchmarkRow(b.name, b.score, 50.0) for b in view.blocks),
    )
    text = pdf_text(render_report_pdf(build_report(model, view, dataclasses.replace(plain, benchmark=peers))), tmp_path)
    assert "Vergelijking met andere bedrijven" in text
    assert "Vergeleken met voedingsbedrijven met 10 tot 49 medewerkers (23 bedrijven)." in text
    without = render_report_html(build_report(model, view, plain))
    assert "Vergelijking met andere bedrijven" not in without
