"""The `groeimodel` command."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import numpy as np
import numpy.typing as npt
import typer
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits

from groeimodel import formats, safeio
from groeimodel import questionnaire as q
from groeimodel.errors import InputError
from groeimodel.finance import BusinessCase, BusinessCaseError, business_case
from groeimodel.model import Lang, Model, list_models, load_model, model_versions, shipped_model_ids
from groeimodel.reports.view import build_view
from groeimodel.scanfiles import ScanChunk, iter_chunks, open_scans, read_scans
from groeimodel.scoring import BatchResult, ScanResult, score_batch
from groeimodel.scoring import score as score_one
from groeimodel.texts import t

app = typer.Typer(
    help="groeimodel: scan, register and monitor for social innovation in small and medium-sized firms (MKB).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
model_app = typer.Typer(help="The shipped models: list, show and validate.", no_args_is_help=True)
app.add_typer(model_app, name="model")

F = TypeVar("F", bound=Callable[..., Any])


class LangOpt(StrEnum):
    nl = "nl"
    en = "en"


class ModelFormat(StrEnum):
    text = "text"
    json = "json"


class QuestionnaireFormat(StrEnum):
    md = "md"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class CaseFormat(StrEnum):
    table = "table"
    json = "json"


ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model id (see 'model list') or a model file.")]
LangOption = Annotated[LangOpt, typer.Option("--lang", "-l", help="Language of the texts.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"groeimodel: error: {message}", err=True)
    return typer.Exit(code=2)


def _model(ref: str | None) -> Model:
    try:
        return load_model(ref or "groeimodel")
    except InputError as exc:
        raise _fail(str(exc)) from None


def _emit(data: str | bytes, output: Path | None) -> None:
    """Write all output at once (atomically to a file), so a failure never leaves half a result behind."""
    if output is None:
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise _fail("binary output: give --output FILE")
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    if output.exists() and not output.is_file():  # a device or pipe such as /dev/stdout
        with output.open("wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return
    directory = output.resolve().parent
    if not directory.is_dir():
        raise _fail(f"{output}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(fn: Callable[[Console], None]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=110, force_terminal=sys.stdout.isatty(), highlight=False)
    fn(console)
    return buffer.getvalue()


def _num(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


# ---------------------------------------------------------------------------------------------------------------
# model


@model_app.command("list")
def model_list() -> None:
    """List the models that ship with groeimodel."""
    for m in list_models():
        levels = len(m.levels)
        typer.echo(
            f"{m.id}\t{m.version}\t{levels} levels, {len(m.blocks)} blocks, {len(m.items)} items\t{m.name('nl')}"
        )


@model_app.command("show")
def model_show(
    model: ModelOpt = None,
    lang: LangOption = LangOpt.nl,
    format: Annotated[ModelFormat, typer.Option("--format", "-f")] = ModelFormat.text,
) -> None:
    """Show a model: levels, building blocks, items, bands and indicators."""
    m = _model(model)
    lg: Lang = lang.value
    if format is ModelFormat.json:
        data = m.data.model_dump(mode="json")
        data["content_hash"] = m.content_hash
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return

    def draw(c: Console) -> None:
        d = m.data
        c.print(f"[bold]{d.name.get(lg)}[/bold]  ({m.id} {m.version}, sha256 {m.content_hash[:12]})")
        c.print(d.description.get(lg))
        c.print(f"[dim]{d.source.get(lg)}[/dim]\n")
        bands = ", ".join(f"{b.name.get(lg)} ≤ {b.upper:g}" for b in d.scoring.bands)
        c.print(f"{t('band', lg)}: {bands}; {t('threshold', lg)}: {d.scoring.threshold:g}\n")
        for lv in reversed(d.levels):
            tag = f" [yellow]({t('reconstruction', lg)})[/yellow]" if lv.reconstruction else ""
            c.print(f"[bold]{t('level', lg)} {lv.level}: {lv.name.get(lg)}[/bold] – {lv.subtitle.get(lg)}{tag}")
            c.print(
                f"  {t('learning_loop', lg)}: {lv.learning_loop.get(lg)}; {t('key_question', lg)}: "
                f"{lv.key_question.get(lg)}"
            )
            c.print(f"  {t('igm_place', lg)}: {lv.igm_place.get(lg)}")
            c.print(f"  {lv.description.get(lg)}")
            for b in m.level_blocks(lv.level):
                c.print(f"  [cyan]{b.id}[/cyan] {b.data.name.get(lg)} ({len(b.item_indices)} {t('items', lg)})")
                for i in b.item_indices:
                    item = m.items[i]
                    rev = f" [dim]({t('reverse', lg)})[/dim]" if item.reverse else ""
                    c.print(f"    {item.id}: {item.text.get(lg)}{rev}")
            inds = ", ".join(ind.name.get(lg) for ind in lv.indicators)
            c.print(f"  {t('indicators', lg)}: {inds}")
            for ex in lv.examples:
                c.print(f"  {t('examples', lg)}: [italic]{ex.title.get(lg)}[/italic] – {ex.text.get(lg)}")
            c.print()
        c.print(f"{t('growth_indicators', lg)}: " + ", ".join(g.name.get(lg) for g in d.growth_indicators))

    typer.echo(_render(draw), nl=False)


@model_app.command("validate")
def model_validate(files: Annotated[list[Path], typer.Argument(help="Model files (YAML).")]) -> None:
    """Check model files and report every problem with file, line and path."""
    failed = False
    for path in files:
        try:
            m = load_model(str(path) if str(path).endswith((".yaml", ".yml")) or "/" in str(path) else f"./{path}")
        except InputError as exc:
            typer.echo(str(exc), err=True)
            failed = True
        else:
            typer.echo(f"{path}: ok ({m.id} {m.version}, {len(m.items)} items)")
    if failed:
        raise typer.Exit(code=2)


# ---------------------------------------------------------------------------------------------------------------
# questionnaire


@app.command()
def questionnaire(
    format: Annotated[QuestionnaireFormat, typer.Option("--format", "-f", help="md, json, csv or xlsx (a form).")],
    model: ModelOpt = None,
    lang: LangOption = LangOpt.nl,
    output: OutputOpt = None,
) -> None:
    """A blank questionnaire. The xlsx is a form to fill in offline and score back with 'groeimodel score'."""
    m = _model(model)
    lg: Lang = lang.value
    writers: dict[QuestionnaireFormat, Callable[[Model, Lang], str | bytes]] = {
        QuestionnaireFormat.md: q.to_markdown,
        QuestionnaireFormat.json: q.to_json,
        QuestionnaireFormat.csv: q.to_csv,
        QuestionnaireFormat.xlsx: q.to_xlsx,
    }
    _emit(writers[format](m, lg), output)


# ---------------------------------------------------------------------------------------------------------------
# score


class _ScoreText:
    """Scores as CSV text, exactly as Python prints them ("" for none). Scores take few distinct values (hundreds
    in a wave), so each is formatted once and found again through a table addressed by a hash of its 64 bits."""

    SLOTS = 1 << 16
    EMPTY = -1  # the bits of a NaN, which is never stored

    def __init__(self) -> None:
        self.keys = np.full(self.SLOTS, self.EMPTY, dtype=np.int64)
        self.text = np.full(self.SLOTS, "", dtype=object)

    def _slots(self, bits: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        mixed = bits.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        return (mixed >> np.uint64(48)).astype(np.intp)

    def __call__(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
        flat = np.ascontiguousarray(scores).reshape(-1)
        out = np.full(flat.shape, "", dtype=object)
        present = ~np.isnan(flat)
        values = flat[present]
        bits = values.view(np.int64)
        slots = self._slots(bits)
        hit = self.keys[slots] == bits
        if not hit.all():
            for value in np.unique(values[~hit]).tolist():
                slot = int(self._slots(np.array([value]).view(np.int64))[0])
                if self.keys[slot] == self.EMPTY:
                    self.keys[slot] = np.array([value]).view(np.int64)[0]
                    self.text[slot] = repr(value)
            hit = self.keys[slots] == bits
        text = self.text[slots]
        if not hit.all():  # two values in one slot: the rare ones are formatted one by one
            missed = np.flatnonzero(~hit)
            text[missed] = [repr(v) for v in values[missed].tolist()]
        out[present] = text
        return out.reshape(scores.shape)


def _csv_text(cell: str) -> str:
    """One text cell as csv.writer writes it (quoted when needed), neutralised for spreadsheets."""
    cell = safeio.csv_safe(cell)
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


class _CsvOut:
    """The CSV of scores, written a chunk at a time with numpy: one row per scan."""

    def __init__(self, models: list[Model]):
        first = models[0]
        self.same_model = all(m.id == first.id and m.version == first.version for m in models)
        header = ["id", "model", "version", "position", "next_level"]
        self.levels = [lv.level for lv in first.levels] if self.same_model else []
        for n in self.levels:
            header += [f"level_{n}_score", f"level_{n}_band", f"level_{n}_achieved"]
        self.blocks = [b.id for b in first.blocks] if self.same_model else []
        self.header = header + self.blocks
        self.score_text = _ScoreText()

    def head(self) -> str:
        return ",".join(_csv_text(h) for h in self.header) + "\n"

    def rows(self, chunk: ScanChunk, batch: BatchResult) -> str:
        model = chunk.model
        n = len(chunk.ids)
        n_levels = len(model.levels)
        width = 5 + (3 * n_levels + len(model.blocks) if self.same_model else 0)
        cells = np.empty((n, width), dtype=object)
        ids = chunk.ids
        if any(c in "".join(ids) for c in ',"\r\n') or any(i[:1] in "=+-@\t\r" for i in ids):
            ids = [_csv_text(i) for i in ids]
        cells[:, 0] = ids
        cells[:, 1] = _csv_text(model.id)
        cells[:, 2] = _csv_text(model.version)
        numbers = np.array([str(k) for k in range(n_levels + 2)], dtype=object)
        cells[:, 3] = numbers[batch.position]
        cells[:, 4] = np.append(numbers[1 : n_levels + 1], "")[batch.position]
        if self.same_model:
            bands = np.array([b.id for b in model.bands] + [""], dtype=object)  # index -1 is ""
            level_text = self.score_text(batch.level_scores)
            for li in range(n_levels):
                cells[:, 5 + 3 * li] = level_text[:, li]
                cells[:, 6 + 3 * li] = bands[batch.level_bands[:, li]]
                cells[:, 7 + 3 * li] = np.where(batch.achieved[:, li], "1", "0")
            cells[:, 5 + 3 * n_levels :] = self.score_text(batch.block_scores)
        return "\n".join(map(",".join, cells.tolist())) + "\n"


def _score_table(scans: list[tuple[str, Model, ScanResult]], lg: Lang) -> str:
    def draw(c: Console) -> None:
        if len(scans) > 1:
            table = Table(title=t("scans", lg))
            table.add_column("id")
            table.add_column(t("position", lg), justify="right")
            max_levels = max(len(m.levels) for _, m, _ in scans)
            for n in range(1, max_levels + 1):
                table.add_column(f"{t('level', lg)} {n}", justify="right")
            for scan_id, _, r in scans:
                cells = [f"{_num(lv.score)}{' ✓' if lv.achieved else ''}" for lv in r.levels]
                cells += [""] * (max_levels - len(cells))
                table.add_row(scan_id, str(r.position), *cells)
            c.print(table)
            return
        scan_id, m, r = scans[0]
        view = build_view(m, r, lg)
        c.print(f"[bold]{scan_id}[/bold] – {view.model_name} ({view.model_id} {view.model_version})")
        pos = f"{view.position} – {view.position_name}" if view.position else f"0 ({t('position_none', lg)})"
        c.print(f"{t('position', lg)}: [bold]{pos}[/bold]")
        if view.next_level is None:
            c.print(t("top_reached", lg))
        else:
            c.print(f"{t('next_step', lg)}: {t('level', lg)} {view.next_level} – {view.next_level_name}")
        c.print()
        ladder = Table(title=f"{t('levels', lg)} ({t('threshold', lg)} {view.threshold:g})")
        ladder.add_column(t("level", lg))
        ladder.add_column(t("score", lg), justify="right")
        ladder.add_column(t("band", lg))
        ladder.add_column(t("achieved", lg), justify="center")
        for lv in view.levels_top_down:
            marker = "▶ " if lv.is_position else "  "
            bar = "█" * round((lv.score or 0) / 10)
            ladder.add_row(f"{marker}{lv.level} {lv.name}", f"{_num(lv.score)} {bar}", lv.band_name,
                           "✓" if lv.achieved else "")  # fmt: skip
        c.print(ladder)
        blocks = Table(title=t("blocks", lg))
        blocks.add_column(t("block", lg))
        blocks.add_column(t("score", lg), justify="right")
        blocks.add_column(t("band", lg))
        blocks.add_column(t("answered", lg), justify="right")
        for b in view.blocks:
            blocks.add_row(f"{b.id} {b.name}", _num(b.score), b.band_name, f"{b.answered}/{b.items}")
        c.print(blocks)
        if view.advice:
            c.print(f"\n[bold]{t('advice', lg)}[/bold]")
            for a in view.advice:
                c.print(f"• [bold]{a.block_name}[/bold] ({_num(a.score)}): {a.text}")

    return _render(draw)


@app.command()
def score(
    files: Annotated[list[str], typer.Argument(help="Scan files: .yaml/.json (one scan), .csv (one per row), .xlsx.")],
    model: ModelOpt = None,
    lang: LangOption = LangOpt.nl,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f")] = ScoreFormat.table,
    output: OutputOpt = None,
) -> None:
    """Score filled-in scans: ladder position, level and block scores, bands and advice.

    A CSV is read, scored and written in chunks; the output appears only when every scan is valid."""
    lg: Lang = lang.value
    try:
        with _Spool(output) as out:
            sources = open_scans(files, model_ref=model)
            chunks = iter_chunks(sources)
            if format is ScoreFormat.table:
                scans: list[tuple[str, Model, ScanResult]] = []
                for chunk in chunks:
                    batch = score_batch(chunk.model, chunk.matrix)
                    scans += [(scan_id, chunk.model, batch.scan(i)) for i, scan_id in enumerate(chunk.ids)]
                out.write(_score_table(scans, lg))
            elif format is ScoreFormat.csv:
                writer = _CsvOut([s.model for s in sources])
                out.write(writer.head())
                with threadpool_limits(limits=1, user_api="blas"):  # small products; threads only wait
                    for chunk in chunks:
                        out.write(writer.rows(chunk, score_batch(chunk.model, chunk.matrix)))
            else:
                held: dict[str, Any] | None = None  # one scan alone is printed indented
                count = 0
                for chunk in chunks:
                    batch = score_batch(chunk.model, chunk.matrix)
                    lines = []
                    for i, scan_id in enumerate(chunk.ids):
                        obj = {"id": scan_id, **batch.scan(i).to_dict(lg)}
                        count += 1
                        if count == 1:
                            held = obj
                            continue
                        if held is not None:
                            lines.append(json.dumps(held, ensure_ascii=False) + "\n")
                            held = None
                        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
                    out.write("".join(lines))
                if held is not None:
                    out.write(json.dumps(held, ensure_ascii=False, indent=2) + "\n")
    except InputError as exc:
        raise _fail(str(exc)) from None


class _Spool:
    """Output written as it is made, to a temporary file that replaces ``output`` only when all went well (or is
    copied to stdout then), so a failure in row N leaves nothing behind."""

    def __init__(self, output: Path | None):
        self.output = output
        self.tmp: str | None = None

    def __enter__(self) -> _Spool:
        output = self.output
        if output is not None and not (output.exists() and not output.is_file()):
            directory = output.resolve().parent
            if not directory.is_dir():
                raise _fail(f"{output}: directory {directory} does not exist")
            fd, self.tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
            self.fh: Any = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            self.fh = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        return self

    def write(self, text: str) -> None:
        self.fh.write(text)

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is not None:
            self.fh.close()
            if self.tmp is not None:
                Path(self.tmp).unlink(missing_ok=True)
            return
        if self.tmp is not None:
            self.fh.close()
            os.replace(self.tmp, self.output)  # type: ignore[arg-type]
            return
        self.fh.seek(0)
        if self.output is not None:  # a device or pipe such as /dev/stdout
            with self.output.open("w", encoding="utf-8", newline="") as target:
                shutil.copyfileobj(self.fh, target)
        else:
            shutil.copyfileobj(self.fh, sys.stdout)
        self.fh.close()


# ---------------------------------------------------------------------------------------------------------------
# report


@app.command()
def report(
    file: Annotated[
        str, typer.Argument(help="One filled-in scan: .yaml/.json or .xlsx (a CSV row per scan: one row).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="report.pdf or report.html (the suffix decides).")],
    model: ModelOpt = None,
    lang: LangOption = LangOpt.nl,
    company: Annotated[str, typer.Option("--company", help="The firm's name on the cover.")] = "",
) -> None:
    """The advice report of one scan, as PDF or HTML: answers in, report out (no database)."""
    from groeimodel.reports.content import ReportExtras

    lg: Lang = lang.value
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise _fail(f"{output}: the output must end in .pdf or .html")
    try:
        scans = read_scans([file], model_ref=model)
        if len(scans) != 1:
            raise InputError(f"{file}: holds {len(scans)} scans; a report is of one scan")
        scan = scans[0]
        result = score_one(scan.model, scan.answers)
    except InputError as exc:
        raise _fail(str(exc)) from None
    view = build_view(scan.model, result, lg)
    extras = ReportExtras(company=company or scan.id)
    data: str | bytes
    if suffix == ".pdf":
        from groeimodel.reports.pdf import render_pdf

        data = render_pdf(scan.model, view, extras)
    else:
        from groeimodel.reports.html import render_html

        data = render_html(scan.model, view, extras)
    _emit(data, output)


# ---------------------------------------------------------------------------------------------------------------
# business case


@app.command("business-case")
def business_case_cmd(
    investment: Annotated[float, typer.Option(help="One-off investment in EUR (year 0).")],
    annual_benefit: Annotated[float, typer.Option(help="Yearly benefit in EUR.")],
    annual_cost: Annotated[float, typer.Option(help="Yearly cost in EUR.")] = 0.0,
    years: Annotated[int, typer.Option(help="Horizon in years.")] = 5,
    discount_rate: Annotated[
        str, typer.Option(help="Discount rate per year: 8% or 0.08 (a bare number above 1 is refused).")
    ] = "5%",
    lang: LangOption = LangOpt.nl,
    format: Annotated[CaseFormat, typer.Option("--format", "-f")] = CaseFormat.table,
) -> None:
    """Payback period, ROI, NPV and IRR of an initiative."""
    lg: Lang = lang.value
    try:
        rate = formats.parse_rate(discount_rate)
    except InputError as exc:
        raise _fail(f"--discount-rate: {exc}") from None
    try:
        case = business_case(
            investment=investment,
            annual_benefit=annual_benefit,
            annual_cost=annual_cost,
            years=years,
            discount_rate=rate,
        )
    except BusinessCaseError as exc:
        option = "--" + exc.field.replace("_", "-")
        raise _fail(f"{option}: {exc.message}") from None
    if format is CaseFormat.json:
        typer.echo(json.dumps(case.to_dict(), indent=2))
        return
    typer.echo(_case_table(case, lg), nl=False)


def _case_table(case: BusinessCase, lg: Lang) -> str:
    def draw(c: Console) -> None:
        table = Table(title=t("business_case", lg), show_header=False)
        table.add_column()
        table.add_column(justify="right")
        table.add_row(t("investment", lg), formats.amount(case.investment, lg))
        table.add_row(t("annual_benefit", lg), formats.amount(case.annual_benefit, lg))
        table.add_row(t("annual_cost", lg), formats.amount(case.annual_cost, lg))
        table.add_row(t("years", lg), str(case.years))
        table.add_row(t("discount_rate", lg), formats.percent(case.discount_rate, lg))
        table.add_section()
        payback = t("not_paid_back", lg) if case.payback_years is None else formats.years(case.payback_years, lg, 2)
        table.add_row(t("payback_years", lg), payback)
        table.add_row(t("roi", lg), t("none", lg) if case.roi is None else formats.percent(case.roi, lg, 0))
        table.add_row(t("npv", lg), formats.amount(case.npv, lg))
        table.add_row(t("irr", lg), t("none", lg) if case.irr is None else formats.percent(case.irr, lg))
        c.print(table)

    return _render(draw)


def main() -> None:  # pragma: no cover - console entry point alias
    app()


# ---------------------------------------------------------------------------------------------------------------
# the web application


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groeimodel.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise _fail(f"configuration: {exc} (see docs/configuration.md)") from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="On an empty database, load demo organisations.")] = False,
    workers: Annotated[int, typer.Option(help="Gunicorn worker processes.")] = 2,
    threads: Annotated[int, typer.Option(help="Threads per worker.")] = 4,
) -> None:
    """Apply migrations, optionally load demo data, and serve the web app with gunicorn."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from groeimodel.web.accounts.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    url = f"http://{host}:{port}/"
    if demo:
        from groeimodel.web.demo import load_demo

        if Organisation.objects.exists():
            typer.echo("demo: the database already has data; the demo passwords were printed when it was loaded.")
            typer.echo(f"      To start afresh, stop the server and remove {settings.DATA_DIR}.")
        else:
            for login in load_demo():
                typer.echo(login.line())
    typer.echo(f"groeimodel serves at {url} (log in at {url}accounts/login/)")
    from groeimodel.web.backup import hold_serving_lock

    hold_serving_lock()  # `groeimodel restore` refuses while this server runs
    _gunicorn(host, port, workers, threads)


@app.command()
def demo(
    companies: Annotated[
        int | None,
        typer.Option(help="Load a synthetic population of this many companies instead of the two demo organisations."),
    ] = None,
    waves: Annotated[float, typer.Option(help="Average number of waves per company (with --companies).")] = 5.0,
    seed: Annotated[int, typer.Option(help="Seed of the generator: the same seed gives the same population.")] = 2026,
    organisation: Annotated[str, typer.Option(help="The organisation the population goes into.")] = "Monitor demo",
    answers_share: Annotated[
        float, typer.Option(help="Share of the responses whose 60 answers are stored as well (0 to 1).")
    ] = 0.02,
) -> None:
    """Apply migrations and load demo data: the two demo organisations (on an empty database), or with
    --companies a synthetic population for the monitor and the benchmark (docs/scaling.md)."""
    if companies is not None and (companies < 1 or waves < 1 or not 0 <= answers_share <= 1):
        raise _fail("--companies and --waves must be at least 1, --answers-share between 0 and 1")
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if companies is None:
        from groeimodel.web.accounts.models import Organisation
        from groeimodel.web.demo import load_demo

        if Organisation.objects.exists():
            raise _fail("the database already has data; the demo organisations are loaded only into an empty one")
        for login in load_demo():
            typer.echo(login.line())
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from groeimodel.web.population import add_monitor_users, load_population

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:  # fmt: skip
        task = bar.add_task("companies", total=companies)
        summary = load_population(
            companies=companies,
            waves=waves,
            seed=seed,
            organisation=organisation,
            answers_share=answers_share,
            progress=lambda done: bar.update(task, completed=done),
        )
    typer.echo(
        f"{summary.organisation.name}: {summary.companies} companies, {summary.waves} waves, "
        f"{summary.management_responses} management and {summary.employee_responses} employee responses, "
        f"{summary.score_rows} score rows, {summary.answers} answers in {summary.seconds:.1f} s"
    )
    for login in add_monitor_users(summary.organisation):
        typer.echo(login.line())


def _gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from gunicorn.app.base import BaseApplication

    from groeimodel.web.wsgi import application

    # Parse every shipped model, each version (old results are shown with the version they were scored with),
    # before the workers fork, so no request pays for it (about half a second a file), and fork without open
    # connections.
    for model_id in shipped_model_ids():
        for version in model_versions(model_id):
            load_model(model_id, version)
    # Likewise every template of the app, compiled into the cached loader (about half a second in all).
    templates = Path(settings.PACKAGE_DIR) / "templates"
    for path in templates.rglob("*.html"):
        get_template(path.relative_to(templates).as_posix())
    connections.close_all()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "accesslog": "-" if os.environ.get("GROEIMODEL_ACCESS_LOG") else None,
                "timeout": 60,
            }.items():
                self.cfg.set(key, value)
            # gunicorn 25.1+ listens on a control socket in $HOME/.gunicorn/ by default: one path shared by every
            # instance of the same user, through which anyone with that user's rights could steer this server.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            return application

    Server().run()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Django's management commands (migrate, createsuperuser, changepassword, check, ...)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["groeimodel manage", *ctx.args])


# ---------------------------------------------------------------------------------------------------------------
# backup and restore of the database (groeimodel.web.backup; PostgreSQL: pg_dump, see docs/operations.md)


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="The backup file to write (a new file).")]) -> None:
    """Copy the SQLite database to FILE with SQLite's online backup; safe while the server runs."""
    _setup_django()
    from groeimodel.web.backup import BackupError, backup_database

    try:
        checked = backup_database(file)
    except BackupError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"backup: {checked.path} ({checked.tables} tables, {checked.migrations} migrations applied)")


@app.command("monitor-rebuild")
def monitor_rebuild() -> None:
    """Recompute the monitor's counted scans and its cells from the submitted scans, in one transaction: after
    changes written straight to the database, or to repair them. The app keeps them current on its own."""
    _setup_django()
    from django.db import transaction

    from groeimodel.web.scans.latest import backfill
    from groeimodel.web.scans.models import MonitorCell, MonitorScan

    with transaction.atomic():
        backfill()
    typer.echo(f"monitor-rebuild: {MonitorScan.objects.count()} counted scans, {MonitorCell.objects.count()} cells")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `groeimodel backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database (stop the server first).")] = False,
) -> None:
    """Replace the SQLite database with the backup FILE, after checking that it is a groeimodel database this
    version can use; the replaced database is kept beside it as <name>.before-restore."""
    _setup_django()
    from groeimodel.web.backup import BackupError, restore_database

    try:
        checked, kept = restore_database(file, yes=yes)
    except BackupError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"restore: the database now holds {file} ({checked.tables} tables)")
    if kept is not None:
        typer.echo(f"         the database it replaced is kept as {kept}")
    if checked.missing:
        typer.echo(
            f"         the backup lacks {len(checked.missing)} newer migrations; they are applied when the server "
            "starts (groeimodel serve) or with `groeimodel manage migrate`"
        )


# ---------------------------------------------------------------------------------------------------------------
# classify


class _TextByDefault(typer.core.TyperGroup):
    """`groeimodel classify "TEXT"` and `groeimodel classify --file F` go to the hidden `text` subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["text", *args]
        return list(super().parse_args(ctx, args))


classify_app = typer.Typer(
    cls=_TextByDefault,
    help='Which level of social innovation is an initiative? `groeimodel classify "TEXT"`, --file F or --jsonl F; '
    "`classify train` and `classify evaluate FILE.jsonl`.",
    no_args_is_help=True,
)
app.add_typer(classify_app, name="classify")


class ClassifyFormat(StrEnum):
    text = "text"
    json = "json"


@classify_app.command("text", hidden=True)
def classify_text(
    text: Annotated[str | None, typer.Argument(help="The description of an initiative.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A text file with one description.")] = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help='JSON Lines: {"id", "text"} per line.')] = None,
    model: ModelOpt = None,
    lang: LangOption = LangOpt.nl,
    format: Annotated[ClassifyFormat, typer.Option("--format", "-f")] = ClassifyFormat.text,
) -> None:
    """Classify initiative descriptions: level 0-4, probabilities and the words that drove the decision."""
    from groeimodel.classify import load_classifier

    given = [x for x in (text, file, jsonl) if x is not None]
    if len(given) != 1:
        raise _fail("give exactly one of TEXT, --file F or --jsonl F")
    try:
        if jsonl is not None:
            examples = safeio.read_jsonl_texts(str(jsonl))
            ids: list[str | None] = [e[0] for e in examples]
            texts = [e[1] for e in examples]
            sources = [f"{jsonl}: id {safeio.bare(e[0])}" for e in examples]
        elif file is not None:
            ids, texts, sources = [None], [safeio.read_description_file(str(file))], [str(file)]
        else:
            assert text is not None
            safeio.check_description("TEXT", text)
            ids, texts, sources = [None], [text], ["TEXT"]
    except InputError as exc:
        raise _fail(str(exc)) from None
    m = _model(model)
    lg: Lang = lang.value
    try:
        predictions = load_classifier().predict(texts, model=m, lang=lg)
    except InputError as exc:
        message = str(exc)
        if jsonl is not None and message.startswith("text "):
            index = int(message.split()[1].rstrip(":")) - 1
            message = f"{sources[index]}: text{message.split(':', 1)[1]}"
        elif message.startswith("text 1:"):
            message = f"{sources[0]}:{message.split(':', 1)[1]}"
        raise _fail(message) from None
    for source, p in zip(sources, predictions, strict=True):
        for warning in p.warnings:
            typer.echo(f"groeimodel: warning: {source}: {warning}", err=True)
    if format is ClassifyFormat.json:
        lines = []
        for id_, p in zip(ids, predictions, strict=True):
            data = p.to_dict()
            lines.append(json.dumps({"id": id_, **data} if id_ is not None else data, ensure_ascii=False))
        typer.echo("\n".join(lines))
        return
    for id_, p in zip(ids, predictions, strict=True):
        head = f"{id_}: " if id_ is not None else ""
        typer.echo(head + _suggestion_line(m, p, lg))
        if p.key_question:
            typer.echo(f"  {t('key_question', lg)}: {p.key_question}")
        for group in p.evidence_groups:
            label = t("evidence_for", lg).format(level=group.level)
            question = f" ({group.key_question})" if group.key_question and group.level != p.level else ""
            typer.echo(f"  {label}{question}: {', '.join(group.words) or '–'}")
        typer.echo("  " + "  ".join(f"{k}: {formats.percent(v, lg, 0)}" for k, v in p.probabilities.items()))


def _suggestion_line(m: Model, p: Any, lg: Lang) -> str:
    """ "Niveau 3: Organisatie-innovatie (87%)", or "twijfel tussen niveau 2 en 3 (2: 46%, 3: 38%)"."""
    if p.doubt:
        a, b = p.doubt
        shares = f"{a}: {formats.percent(p.probabilities[a], lg, 0)}, {b}: {formats.percent(p.probabilities[b], lg, 0)}"
        return f"{t('doubt', lg).format(a=a, b=b)} ({shares})"
    name = m.level(p.level).name.get(lg) if p.level else m.data.not_social_innovation.name.get(lg)
    return f"{t('level', lg)} {p.level}: {name} ({formats.percent(p.probabilities[p.level], lg, 0)})"


class CorpusChoice(StrEnum):
    real = "real"
    written = "written"


@classify_app.command("train")
def classify_train(
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder of .jsonl files (default: the shipped one).")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Where to write the artefact (default: the package's).")] = None,
) -> None:
    """Train the classifier on the corpus, written and real cases together (deterministic), and write the artefact."""
    from groeimodel.classify.core import artefact_dir, corpus_dir, read_corpus, train

    try:
        examples = read_corpus(corpus or corpus_dir())
        clf = train(examples)
    except InputError as exc:
        raise _fail(str(exc)) from None
    target = output or Path(str(artefact_dir()))
    clf.save(target)
    per_class = ", ".join(f"{k}: {v}" for k, v in clf.meta["corpus_per_class"].items())
    typer.echo(
        f"trained on {len(examples)} examples, {clf.meta['corpus_real']} of them real ({per_class}); "
        f"corpus sha256 {clf.meta['corpus_hash'][:12]}"
    )
    typer.echo(
        f"features: {clf.space.n_features}; temperature {clf.meta['temperature']} "
        f"(calibrated on the {clf.meta.get('calibrated_on', '-')} corpus); artefact written to {target}"
    )


@classify_app.command("evaluate")
def classify_evaluate(
    file: Annotated[Path | None, typer.Argument(help='Labelled JSON Lines: {"id", "text", "label"} per line.')] = None,
    cv: Annotated[
        int, typer.Option(help="Instead of FILE: K-fold cross-validation on the shipped corpus, grouped by firm.")
    ] = 0,
    corpus: Annotated[
        CorpusChoice, typer.Option(help="With --cv: test on the real or the written cases (all others train).")
    ] = CorpusChoice.real,
    folder: Annotated[Path | None, typer.Option(help="With --cv: a corpus folder (default: the shipped one).")] = None,
    format: Annotated[ClassifyFormat, typer.Option("--format", "-f")] = ClassifyFormat.text,
) -> None:
    """Accuracy, macro-F1, figures per class and per language, the confusion matrix and the calibration error on a
    labelled file, or cross-validated on the shipped corpus with no firm in both the training and the test part."""
    import numpy as np

    from groeimodel.classify import load_classifier
    from groeimodel.classify.core import corpus_dir, read_corpus, read_jsonl
    from groeimodel.classify.evaluation import cross_validate, evaluate

    if (file is None) == (cv == 0):
        raise _fail("give a labelled FILE.jsonl or --cv K (not both)")
    try:
        if file is not None:
            examples = read_jsonl(file, labelled=True)
            predictions = load_classifier().predict([e.text for e in examples])
            probabilities = np.array([[p.probabilities.get(k, 0.0) for k in range(5)] for p in predictions])
            result = evaluate(
                [e.label for e in examples],
                [p.level for p in predictions],
                languages=[e.lang or p.language for e, p in zip(examples, predictions, strict=True)],
                probabilities=probabilities,
            )
            what = str(file)
        else:
            if cv < 2:
                raise _fail("--cv needs at least 2 folds")
            config = load_classifier().space.config
            examples = read_corpus(folder or corpus_dir())
            result = cross_validate(examples, corpus=corpus.value, folds=cv, config=config)
            what = f"{cv}-fold cross-validation on the {corpus.value} corpus, grouped by organisation"
    except InputError as exc:
        raise _fail(str(exc)) from None
    if format is ClassifyFormat.json:
        typer.echo(json.dumps(result.to_dict()))
        return
    typer.echo(f"{what}: {result.n} texts")
    ece = f"  ECE {result.ece:.3f}" if result.ece is not None else ""
    typer.echo(f"accuracy {result.accuracy:.3f}  macro-F1 {result.macro_f1:.3f}{ece}")
    typer.echo("per level: precision recall F1 (n)")
    for k, c in result.per_class.items():
        typer.echo(f"  {k}: {c.precision:.2f} {c.recall:.2f} {c.f1:.2f} ({c.support})")
    if result.per_language:
        typer.echo("per language: accuracy macro-F1 (n)")
        for lang, f in result.per_language.items():
            typer.echo(f"  {lang}: {f['accuracy']:.3f} {f['macro_f1']:.3f} ({f['n']:.0f})")
    typer.echo("confusion matrix (rows: true level, columns: predicted level)")
    typer.echo("      " + "".join(f"{k:>6}" for k in result.labels))
    for k, row in zip(result.labels, result.confusion, strict=True):
        typer.echo(f"{k:>6}" + "".join(f"{v:>6}" for v in row))
    typer.echo("F1 per level: " + ", ".join(f"{k}: {v:.2f}" for k, v in result.per_class_f1.items()))
