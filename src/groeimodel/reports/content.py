"""The advice report's content, built once from the result view, for the PDF and the HTML renderers.

Everything the report says comes from :class:`~groeimodel.reports.view.ResultView` (levels, blocks, bands,
advice, changes, the employees' view under the anonymity rule) and the model file's own texts; the extras are the
facts the core cannot know (the firm's name, the wave's date, the advisor, the firm's initiatives, its growth
figures per wave, a benchmark). Both renderers only lay out a :class:`Report`, so the PDF and the HTML page say
the same thing. Numbers, amounts, percentages and dates are formatted here, in the report's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from groeimodel import formats
from groeimodel.finance import BusinessCase
from groeimodel.model import Lang, Model
from groeimodel.reports.charts import Series, radar_svg
from groeimodel.reports.view import ChangeView, ResultView

# The report's own words (the model's texts come from the model file). One table, Dutch and English.
TEXTS: dict[str, dict[Lang, str]] = {
    "title": {"nl": "Adviesrapport sociale innovatie", "en": "Advice report on social innovation"},
    "firm": {"nl": "Bedrijf", "en": "Firm"},
    "wave": {"nl": "Meting", "en": "Wave"},
    "date": {"nl": "Datum", "en": "Date"},
    "model": {"nl": "Model", "en": "Model"},
    "version": {"nl": "versie", "en": "version"},
    "advisor": {"nl": "Adviseur", "en": "Advisor"},
    "made_on": {"nl": "Gemaakt op", "en": "Made on"},
    "summary": {"nl": "In het kort", "en": "In short"},
    "position_is": {
        "nl": "{firm} staat op niveau {level} van de ladder: {name}.",
        "en": "{firm} stands at level {level} of the ladder: {name}.",
    },
    "position_none": {
        "nl": "{firm} heeft nog geen niveau van de ladder bereikt.",
        "en": "{firm} has not yet reached a level of the ladder.",
    },
    "next_is": {
        "nl": "De volgende stap is niveau {level}, {name}. De kernvraag daar: {question}",
        "en": "The next step is level {level}, {name}. Its key question: {question}",
    },
    "top": {
        "nl": "Het hoogste niveau is bereikt. De uitdaging is het vast te houden en te delen met anderen.",
        "en": "The top level has been reached. The challenge is to keep it up and share it with others.",
    },
    "achieved_rule": {
        "nl": "Een niveau is bereikt bij een score van minstens {threshold} en als alle lagere niveaus bereikt zijn.",
        "en": "A level is achieved at a score of at least {threshold} when every lower level is achieved too.",
    },
    "three_actions": {"nl": "De belangrijkste acties", "en": "The most important actions"},
    "no_actions": {"nl": "Er is geen advies: alle niveaus zijn bereikt.", "en": "No advice: every level is achieved."},
    "ladder": {"nl": "De ladder", "en": "The ladder"},
    "description": {"nl": "Omschrijving", "en": "Description"},
    "state": {"nl": "Stand", "en": "State"},
    "level": {"nl": "Niveau", "en": "Level"},
    "block": {"nl": "Bouwsteen", "en": "Building block"},
    "score": {"nl": "Score", "en": "Score"},
    "band": {"nl": "Fase", "en": "Band"},
    "achieved": {"nl": "bereikt", "en": "achieved"},
    "not_achieved": {"nl": "niet bereikt", "en": "not achieved"},
    "here": {"nl": "hier staat het bedrijf", "en": "the firm is here"},
    "next_step": {"nl": "volgende stap", "en": "next step"},
    "reconstruction": {"nl": "reconstructie", "en": "reconstruction"},
    "radar": {"nl": "Scores per bouwsteen", "en": "Scores per building block"},
    "radar_title": {"nl": "Scores per bouwsteen, 0 tot 100", "en": "Scores per building block, 0 to 100"},
    "radar_now": {"nl": "Score {wave}", "en": "Score {wave}"},
    "radar_note": {
        "nl": "De gestippelde lijn is de drempel van {threshold}.",
        "en": "The dotted line is the threshold of {threshold}.",
    },
    "radar_previous": {
        "nl": "De lichte lijn is de vorige meting ({wave}).",
        "en": "The light outline is the previous wave ({wave}).",
    },
    "scores": {"nl": "Scores per niveau en bouwsteen", "en": "Scores per level and building block"},
    "answered": {"nl": "Beantwoord", "en": "Answered"},
    "since": {"nl": "sinds {wave}", "en": "since {wave}"},
    "changes": {"nl": "Verandering sinds eerdere metingen", "en": "Change since earlier waves"},
    "position_change": {
        "nl": "Sinds {wave}: van niveau {before} naar niveau {now} ({delta}).",
        "en": "Since {wave}: from level {before} to level {now} ({delta}).",
    },
    "left_out": {
        "nl": "Niet vergeleken (andere modelversie): {blocks}.",
        "en": "Not compared (another model version): {blocks}.",
    },
    "employees": {"nl": "Het oordeel van de medewerkers", "en": "The employees' view"},
    "employees_intro": {
        "nl": "{n} medewerkers vulden de vragenlijst in. Hun scores staan hier als gemiddelde, spreiding en aantal; "
        "een verschil van meer dan {gap} punten met de eigenaar is gemarkeerd.",
        "en": "{n} employees filled in the questionnaire. Their scores are shown as mean, spread and count; a "
        "difference of more than {gap} points from the owner's is marked.",
    },
    "employees_hidden": {
        "nl": "{n} medewerkers vulden de vragenlijst in. Hun scores worden pas getoond vanaf {k} medewerkers, zodat "
        "niemand herkenbaar is.",
        "en": "{n} employees filled in the questionnaire. Their scores are shown only from {k} employees on, so "
        "that no one can be recognised.",
    },
    "owner": {"nl": "Eigenaar", "en": "Owner"},
    "staff_mean": {"nl": "Medewerkers", "en": "Employees"},
    "spread": {"nl": "Spreiding", "en": "Spread"},
    "count": {"nl": "Aantal", "en": "Count"},
    "gap": {"nl": "Verschil", "en": "Gap"},
    "large_gap": {"nl": "groot verschil", "en": "large gap"},
    "plan": {"nl": "Actieplan", "en": "Action plan"},
    "plan_intro": {
        "nl": "De zwakste bouwstenen van niveau {level} ({name}), de zwakste eerst, met wat u kunt doen en de "
        "initiatieven die het bedrijf er al op heeft.",
        "en": "The weakest building blocks of level {level} ({name}), weakest first, with what to do and the "
        "initiatives the firm already has on them.",
    },
    "what_to_do": {"nl": "Wat te doen", "en": "What to do"},
    "initiatives": {"nl": "Initiatieven", "en": "Initiatives"},
    "no_initiatives": {
        "nl": "Nog geen initiatieven op deze bouwsteen.",
        "en": "No initiatives on this building block yet.",
    },
    "other_initiatives": {"nl": "Andere initiatieven van het bedrijf", "en": "Other initiatives of the firm"},
    "status": {"nl": "Status", "en": "Status"},
    "status_idea": {"nl": "idee", "en": "idea"},
    "status_running": {"nl": "loopt", "en": "running"},
    "status_done": {"nl": "afgerond", "en": "done"},
    "investment": {"nl": "Investering", "en": "Investment"},
    "payback": {"nl": "Terugverdientijd", "en": "Payback"},
    "years_unit": {"nl": "{n} jaar", "en": "{n} years"},
    "not_paid_back": {"nl": "niet binnen de looptijd", "en": "not within the horizon"},
    "roi": {"nl": "ROI", "en": "ROI"},
    "npv": {"nl": "NCW", "en": "NPV"},
    "irr": {"nl": "IRR", "en": "IRR"},
    "none": {"nl": "–", "en": "–"},
    "growth": {"nl": "Groei over de metingen", "en": "Growth over the waves"},
    "growth_intro": {
        "nl": "De ladderpositie naast de groei-indicatoren van het Innovatie Groei Model (duurzame groei).",
        "en": "The ladder position next to the growth indicators of the Innovation Growth Model (sustainable growth).",
    },
    "position": {"nl": "Positie", "en": "Position"},
    "fte": {"nl": "Medewerkers (fte)", "en": "Employees (FTE)"},
    "revenue": {"nl": "Omzet", "en": "Revenue"},
    "added_value": {"nl": "Toegevoegde waarde", "en": "Added value"},
    "profit": {"nl": "Winst", "en": "Profit"},
    "export_share": {"nl": "Exportaandeel", "en": "Export share"},
    "benchmark": {"nl": "Vergelijking met andere bedrijven", "en": "Benchmark against peers"},
    "benchmark_group": {
        "nl": "Vergeleken met {group} ({n} bedrijven).",
        "en": "Compared with {group} ({n} firms).",
    },
    "this_firm": {"nl": "Dit bedrijf", "en": "This firm"},
    "peers": {"nl": "Vergelijkbare bedrijven", "en": "Peers"},
    "appendix": {"nl": "Bijlage: het model", "en": "Appendix: the model"},
    "learning_loop": {"nl": "Leerlus", "en": "Learning loop"},
    "key_question": {"nl": "Kernvraag", "en": "Key question"},
    "igm_place": {"nl": "Plaats in het Innovatie Groei Model", "en": "Place in the Innovation Growth Model"},
    "igm": {"nl": "Het Innovatie Groei Model", "en": "The Innovation Growth Model"},
    "igm_intro": {
        "nl": "Het Innovatie Groei Model van Syntens beschrijft drie stappen; de niveaus van de ladder zijn eraan "
        "gekoppeld.",
        "en": "Syntens' Innovation Growth Model (Innovatie Groei Model) describes three steps; the levels of the "
        "ladder are linked to them.",
    },
    "loops": {"nl": "Leerlussen", "en": "Learning loops"},
    "loops_text": {
        "nl": "De niveaus volgen het enkel-, dubbel- en drieslag leren: eerst de regels (doen we de dingen goed?), "
        "dan de inzichten (doen we de goede dingen?), dan de principes en de identiteit (wie zijn we, hoe besluiten "
        "we?). Elk niveau heeft meer structurele impact dan het vorige.",
        "en": "The levels follow single-, double- and triple-loop learning: first the rules (are we doing things "
        "right?), then the insights (are we doing the right things?), then the principles and identity (who are "
        "we, how do we decide?). Each level has more structural impact than the one before.",
    },
    "how_scored": {"nl": "Hoe de scores berekend worden", "en": "How the scores are computed"},
    "scoring_rules": {
        "nl": "Elke stelling wordt beantwoord van 1 (helemaal oneens) tot 5 (helemaal eens), of met 'weet niet'. "
        "Omgekeerd gestelde stellingen tellen als 6 min het antwoord. De score van een bouwsteen is het gemiddelde "
        "van de beantwoorde stellingen, omgerekend naar 0 tot 100; bij minder dan twee derde beantwoorde stellingen "
        "is er geen score ('{insufficient}'). De score van een niveau is het gemiddelde van zijn bouwstenen, als ten "
        "minste twee derde ervan een score heeft. Een niveau is bereikt bij een score van minstens {threshold} als "
        "alle lagere niveaus ook bereikt zijn; de positie op de ladder is het hoogste bereikte niveau. Het advies "
        "noemt de zwakste bouwstenen van het eerstvolgende niveau.",
        "en": "Each statement is answered from 1 (strongly disagree) to 5 (strongly agree), or with 'don't know'. "
        "Reverse-keyed statements count as 6 minus the answer. A building block's score is the mean of its "
        "answered statements, rescaled to 0 to 100; with fewer than two thirds of its statements answered it has no "
        "score ('{insufficient}'). A level's score is the mean of its building blocks, when at least two thirds of "
        "them have a score. A level is achieved at a score of at least {threshold} when every lower level is "
        "achieved too; the position on the ladder is the highest achieved level. The advice names the weakest "
        "building blocks of the next level.",
    },
    "bands": {"nl": "Fasen", "en": "Bands"},
    "band_range": {"nl": "{lower} tot en met {upper}", "en": "{lower} to {upper}"},
    "employees_rule": {
        "nl": "Scores van medewerkers worden alleen getoond als gemiddelde van ten minste {k} medewerkers.",
        "en": "Employees' scores are shown only as the mean of at least {k} employees.",
    },
    "source": {"nl": "Bron", "en": "Source"},
    "page": {"nl": "Pagina", "en": "Page"},
}


def tr(key: str, lang: Lang, **values: object) -> str:
    text = TEXTS[key][lang]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class InitiativeInfo:
    """An initiative of the firm: title, status (idea, running, done), the blocks it works on, a business case."""

    title: str
    status: str
    blocks: tuple[str, ...] = ()
    level: int | None = None
    business_case: BusinessCase | None = None


@dataclass(frozen=True)
class WaveFigures:
    """A wave's ladder position and the growth indicators recorded with it (None where not given)."""

    label: str
    date: dt.date | None
    position: int | None
    employees_fte: float | None = None
    revenue: float | None = None
    added_value: float | None = None
    profit: float | None = None
    export_share: float | None = None  # percent, 0..100


@dataclass(frozen=True)
class BenchmarkRow:
    label: str
    firm: float | None
    peers: float | None


@dataclass(frozen=True)
class Benchmark:
    group: str  # the peer group, in words
    size: int
    rows: tuple[BenchmarkRow, ...]


@dataclass(frozen=True)
class ReportExtras:
    company: str = ""
    wave_label: str = ""
    wave_date: dt.date | None = None
    advisor: str = ""
    made_on: dt.date | None = None
    initiatives: tuple[InitiativeInfo, ...] = ()
    growth: tuple[WaveFigures, ...] = ()  # oldest first
    benchmark: Benchmark | None = None


# --- what the renderers lay out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    strong: bool = False  # a level row, or the firm's position
    marked: bool = False  # a large owner/employee gap


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    numeric: tuple[int, ...] = ()  # right-aligned columns
    wide: int | None = 0  # the column that takes the remaining width (None: every column as wide as its text)


@dataclass(frozen=True)
class Action:
    title: str  # "2.3 Leiderschap"
    score: str  # "42 · ontwikkelend"
    text: str
    initiatives: Table | None
    no_initiatives: str


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Report:
    lang: Lang
    title: str
    model_name: str
    company: str
    cover: tuple[tuple[str, str], ...]  # label, value
    summary_title: str
    summary: tuple[str, ...]
    actions_title: str
    actions: tuple[str, ...]  # the three most important, in plain words
    ladder: Section
    radar_title: str
    radar_svg: str
    radar_notes: tuple[str, ...]
    scores: Section
    changes: Section | None
    employees: Section | None
    plan_title: str
    plan_intro: str
    plan: tuple[Action, ...]
    other_initiatives: Table | None
    growth: Section | None
    benchmark: Section | None
    appendix: tuple[Section, ...]
    footer: str
    labels: dict[str, str] = field(default_factory=dict)


def _score(value: float | None, lang: Lang) -> str:
    return "–" if value is None else formats.number(value, lang, 0)


def _change(change: ChangeView | None, lang: Lang) -> str:
    if change is None:
        return ""
    sign = "+" if change.delta > 0 else ("−" if change.delta < 0 else "±")
    return f"{change.arrow} {sign}{formats.number(abs(change.delta), lang, 0)}"


def _amount(value: float | None, lang: Lang) -> str:
    return "–" if value is None else formats.amount(value, lang)


def _status(status: str, lang: Lang) -> str:
    key = f"status_{status}"
    return tr(key, lang) if key in TEXTS else status


def _initiatives_table(initiatives: Sequence[InitiativeInfo], lang: Lang) -> Table:
    rows = []
    for i in initiatives:
        case = i.business_case
        if case is None:
            figures = ("–",) * 5
        else:
            payback = (
                tr("not_paid_back", lang)
                if case.payback_years is None
                else tr("years_unit", lang, n=formats.years(case.payback_years, lang))
            )
            figures = (
                formats.amount(case.investment, lang),
                payback,
                "–" if case.roi is None else formats.percent(case.roi, lang, 0),
                formats.amount(case.npv, lang),
                "–" if case.irr is None else formats.percent(case.irr, lang),
            )
        rows.append(Row((i.title, _status(i.status, lang), *figures)))
    header = tuple(tr(k, lang) for k in ("initiatives", "status", "investment", "payback", "roi", "npv", "irr"))
    return Table(header=header, rows=tuple(rows), numeric=(2, 3, 4, 5, 6))


def build_report(model: Model, view: ResultView, extras: ReportExtras | None = None) -> Report:
    """The report of ``view`` (of a result scored with ``model``), with the facts in ``extras``."""
    x = extras or ReportExtras()
    lang = view.lang
    firm = x.company or tr("this_firm", lang)
    threshold = formats.number(view.threshold, lang, 0)

    cover: list[tuple[str, str]] = [(tr("firm", lang), firm)]
    if x.wave_label or x.wave_date:
        wave = " · ".join(p for p in (x.wave_label, formats.date(x.wave_date, lang) if x.wave_date else "") if p)
        cover.append((tr("wave", lang), wave))
    cover.append(
        (tr("model", lang), f"{view.model_name} ({view.model_id}, {tr('version', lang)} {view.model_version})")
    )
    if x.advisor:
        cover.append((tr("advisor", lang), x.advisor))
    cover.append((tr("made_on", lang), formats.date(x.made_on or dt.date.today(), lang)))

    # The summary: where the firm stands and the next step, in plain words.
    summary = []
    if view.position:
        summary.append(tr("position_is", lang, firm=firm, level=view.position, name=view.position_name))
    else:
        summary.append(tr("position_none", lang, firm=firm))
    next_level = next((lv for lv in view.levels if lv.is_next), None)
    if next_level is not None:
        summary.append(
            tr("next_is", lang, level=next_level.level, name=next_level.name, question=next_level.key_question)
        )
    else:
        summary.append(tr("top", lang))
    if view.since_previous is not None:
        since = view.since_previous
        summary.append(
            tr(
                "position_change",
                lang,
                wave=since.label,
                before=since.position_before,
                now=view.position,
                delta=f"{since.position_delta:+d}",
            )
        )
    by_block: dict[str, list[InitiativeInfo]] = {}
    for initiative in x.initiatives:
        for block_id in initiative.blocks:
            by_block.setdefault(block_id, []).append(initiative)
    actions = []
    for a in view.advice[:3]:
        first_sentence = a.text.split(". ")[0].rstrip(".") + "."
        actions.append(f"{a.block_name} ({_score(a.score, lang)}, {a.band_name}): {first_sentence}")

    # The ladder, top level first.
    ladder_rows = []
    for lv in view.levels_top_down:
        state = tr("achieved", lang) if lv.achieved else tr("not_achieved", lang)
        where = tr("here", lang) if lv.is_position else (tr("next_step", lang) if lv.is_next else "")
        name = f"{lv.name} ({tr('reconstruction', lang)})" if lv.reconstruction else lv.name
        ladder_rows.append(
            Row(
                (str(lv.level), f"{name}: {lv.subtitle}", _score(lv.score, lang), lv.band_name,
                 f"{state} · {where}" if where else state),
                strong=lv.is_position or lv.is_next,
            )
        )  # fmt: skip
    ladder = Section(
        title=tr("ladder", lang),
        paragraphs=(tr("achieved_rule", lang, threshold=threshold),),
        tables=(
            Table(
                header=(
                    tr("level", lang),
                    tr("description", lang),
                    tr("score", lang),
                    tr("band", lang),
                    tr("state", lang),
                ),
                rows=tuple(ladder_rows),
                numeric=(2,),
                wide=1,
            ),
        ),
    )

    # The radar: this wave, with the previous one as a second outline.
    series = []
    if view.since_previous is not None:
        before = [None if b.since_previous is None or b.score is None else b.score - b.since_previous.delta
                  for b in view.blocks]  # fmt: skip
        series.append(Series(name=view.since_previous.label, values=before, css_class="series-previous"))
    series.append(Series(name=tr("radar_now", lang, wave=x.wave_label).strip(), values=[b.score for b in view.blocks]))
    radar = radar_svg(
        [f"{b.number}. {b.name}" for b in view.blocks],
        series,
        threshold=view.threshold,
        title=tr("radar_title", lang),
    )
    notes = [tr("radar_note", lang, threshold=threshold)]
    if view.since_previous is not None:
        notes.append(tr("radar_previous", lang, wave=view.since_previous.label))

    # Scores of levels and blocks with bands and changes.
    prev_label = view.since_previous.label if view.since_previous else None
    first_label = view.since_first.label if view.since_first else None
    header = [tr("block", lang), tr("score", lang), tr("band", lang), tr("answered", lang)]
    if prev_label:
        header.append(tr("since", lang, wave=prev_label))
    if first_label:
        header.append(tr("since", lang, wave=first_label))
    score_rows = []
    for lv in view.levels:
        cells = [f"{tr('level', lang)} {lv.level}: {lv.name}", _score(lv.score, lang), lv.band_name, ""]
        if prev_label:
            cells.append(_change(lv.since_previous, lang))
        if first_label:
            cells.append(_change(lv.since_first, lang))
        score_rows.append(Row(tuple(cells), strong=True))
        for b in lv.blocks:
            cells = [f"{b.number} {b.name}", _score(b.score, lang), b.band_name, f"{b.answered}/{b.items}"]
            if prev_label:
                cells.append(_change(b.since_previous, lang))
            if first_label:
                cells.append(_change(b.since_first, lang))
            score_rows.append(Row(tuple(cells)))
    scores = Section(
        title=tr("scores", lang),
        tables=(Table(tuple(header), tuple(score_rows), numeric=tuple(i for i in range(1, len(header)) if i != 2)),),
    )

    changes = None
    change_lines = []
    for change in (view.since_previous, view.since_first):
        if change is None:
            continue
        change_lines.append(
            tr(
                "position_change",
                lang,
                wave=change.label,
                before=change.position_before,
                now=view.position,
                delta=f"{change.position_delta:+d}",
            )
        )
        if change.left_out:
            change_lines.append(tr("left_out", lang, blocks=", ".join(change.left_out)))
    if change_lines:
        changes = Section(title=tr("changes", lang), paragraphs=tuple(change_lines))

    # The employees' view: only what the view gives (aggregates of at least k employees).
    employees = None
    staff = view.employees
    if staff is not None and staff.respondents > 0:
        if staff.shown:
            rows = []
            for b in view.blocks:
                agg = b.employees
                if agg is None:
                    continue
                gap = "" if b.gap is None else f"{formats.number(b.gap, lang, 0)} · {tr('large_gap', lang)}"
                rows.append(
                    Row(
                        (
                            f"{b.number} {b.name}",
                            _score(b.score, lang),
                            _score(agg.mean, lang),
                            _score(agg.sd, lang),
                            str(agg.n),
                            gap,
                        ),
                        marked=b.gap is not None,
                    )
                )
            employees = Section(
                title=tr("employees", lang),
                paragraphs=(
                    tr("employees_intro", lang, n=staff.respondents, gap=formats.number(view.gap_points, lang, 0)),
                ),
                tables=(
                    Table(
                        header=tuple(tr(k, lang) for k in ("block", "owner", "staff_mean", "spread", "count", "gap")),
                        rows=tuple(rows),
                        numeric=(1, 2, 3, 4),
                    ),
                ),
            )
        else:
            employees = Section(
                title=tr("employees", lang),
                paragraphs=(tr("employees_hidden", lang, n=staff.respondents, k=staff.k),),
            )

    # The action plan: the advice for the weakest blocks of the next level, with the firm's initiatives on them.
    plan = []
    for a in view.advice:
        number = next(b.number for b in view.blocks if b.id == a.block)
        on_block = by_block.get(a.block, [])
        plan.append(
            Action(
                title=f"{number} {a.block_name}",
                score=f"{_score(a.score, lang)} · {a.band_name}",
                text=a.text,
                initiatives=_initiatives_table(on_block, lang) if on_block else None,
                no_initiatives=tr("no_initiatives", lang),
            )
        )
    advised = {a.block for a in view.advice}
    others = [i for i in x.initiatives if not set(i.blocks) & advised]
    plan_intro = (
        tr("plan_intro", lang, level=view.next_level, name=view.next_level_name)
        if view.next_level is not None
        else tr("no_actions", lang)
    )

    growth = None
    if x.growth:
        grows = []
        for w in x.growth:
            grows.append(
                Row(
                    (
                        w.label,
                        formats.date(w.date, lang) if w.date else "",
                        "–" if w.position is None else str(w.position),
                        "–" if w.employees_fte is None else formats.number(w.employees_fte, lang, 1),
                        _amount(w.revenue, lang),
                        _amount(w.added_value, lang),
                        _amount(w.profit, lang),
                        "–" if w.export_share is None else formats.percent(w.export_share / 100, lang, 0),
                    ),
                    strong=w.label == x.wave_label,
                )
            )
        keys = ("wave", "date", "position", "fte", "revenue", "added_value", "profit", "export_share")
        growth = Section(
            title=tr("growth", lang),
            paragraphs=(tr("growth_intro", lang),),
            tables=(Table(tuple(tr(k, lang) for k in keys), tuple(grows), numeric=(2, 3, 4, 5, 6, 7), wide=None),),
        )

    benchmark = None
    if x.benchmark is not None:
        bm = x.benchmark
        benchmark = Section(
            title=tr("benchmark", lang),
            paragraphs=(tr("benchmark_group", lang, group=bm.group, n=bm.size),),
            tables=(
                Table(
                    (tr("block", lang), tr("this_firm", lang), tr("peers", lang)),
                    tuple(Row((r.label, _score(r.firm, lang), _score(r.peers, lang))) for r in bm.rows),
                    numeric=(1, 2),
                ),
            ),
        )

    return Report(
        lang=lang,
        title=tr("title", lang),
        model_name=view.model_name,
        company=firm,
        cover=tuple(cover),
        summary_title=tr("summary", lang),
        summary=tuple(summary),
        actions_title=tr("three_actions", lang),
        actions=tuple(actions) or (tr("no_actions", lang),),
        ladder=ladder,
        radar_title=tr("radar", lang),
        radar_svg=radar,
        radar_notes=tuple(notes),
        scores=scores,
        changes=changes,
        employees=employees,
        plan_title=tr("plan", lang),
        plan_intro=plan_intro,
        plan=tuple(plan),
        other_initiatives=_initiatives_table(others, lang) if others else None,
        growth=growth,
        benchmark=benchmark,
        appendix=_appendix(model, view),
        footer=f"{firm} · {tr('title', lang)}",
        labels={
            "what_to_do": tr("what_to_do", lang),
            "initiatives": tr("initiatives", lang),
            "other_initiatives": tr("other_initiatives", lang),
            "page": tr("page", lang),
        },
    )


def _appendix(model: Model, view: ResultView) -> tuple[Section, ...]:
    """The model explained from its own texts: levels, learning loops, the IGM and how scores are computed."""
    lang = view.lang
    d = model.data
    sections = [Section(title=tr("appendix", lang), paragraphs=(d.description.get(lang),))]
    for lv in d.levels:
        name = lv.name.get(lang) + (f" ({tr('reconstruction', lang)})" if lv.reconstruction else "")
        sections.append(
            Section(
                title=f"{tr('level', lang)} {lv.level}: {name}",
                paragraphs=(
                    lv.description.get(lang),
                    f"{tr('learning_loop', lang)}: {lv.learning_loop.get(lang)}. "
                    f"{tr('key_question', lang)}: {lv.key_question.get(lang)}",
                    f"{tr('igm_place', lang)}: {lv.igm_place.get(lang).rstrip('.')}.",
                ),
            )
        )
    sections.append(Section(title=tr("loops", lang), paragraphs=(tr("loops_text", lang),)))
    igm = tuple(f"{s.step}. {s.name.get(lang)}: {s.description.get(lang)}" for s in d.igm)
    sections.append(Section(title=tr("igm", lang), paragraphs=(tr("igm_intro", lang), *igm)))
    lower = 0.0
    bands = []
    for band in d.scoring.bands:
        span = tr("band_range", lang, lower=formats.number(lower, lang, 0), upper=formats.number(band.upper, lang, 0))
        bands.append(Row((band.name.get(lang), span, band.description.get(lang))))
        lower = band.upper
    k = view.employees.k if view.employees is not None else 5
    sections.append(
        Section(
            title=tr("how_scored", lang),
            paragraphs=(
                tr(
                    "scoring_rules",
                    lang,
                    insufficient=view.insufficient,
                    threshold=formats.number(view.threshold, lang, 0),
                ),
                tr("employees_rule", lang, k=k),
            ),
            tables=(Table((tr("band", lang), tr("score", lang), tr("description", lang)), tuple(bands), wide=2),),
        )
    )
    sections.append(Section(title=tr("source", lang), paragraphs=(d.source.get(lang),)))
    return tuple(sections)
