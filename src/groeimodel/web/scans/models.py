"""Waves, responses, answers and the scores stored as rows (DESIGN §4).

A company has waves (T0, T1, ...: a number, a date, the model id and version, and the growth indicators of that
moment). A wave has responses: the owner's or management's, and anonymous employees' (only "leads people: yes or
no" is known of them). A response has answers. When a response is submitted, the core scores it; the full result
is stored with it and its block and level scores also as :class:`ScoreRow` rows, so the benchmark and the monitor
aggregate numbers in the database and never re-score, and once more as one mapping on the response
(``Response.scores``, :func:`score_map`), which the wave-data export reads without pivoting the rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groeimodel.monitor.export import round_score
from groeimodel.scoring import ScanResult
from groeimodel.web.companies.models import Company


class Respondent(models.TextChoices):
    MANAGEMENT = "management", _("owner or management")
    EMPLOYEE = "employee", _("employee")


def _today() -> Any:
    return timezone.localdate()


class Wave(models.Model):
    """One moment at which a company is measured: T0, T1, ..., with the Innovatie Groei Model's growth figures."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField()
    date = models.DateField(_("date"), default=_today)
    model_id = models.CharField(max_length=64)
    model_version = models.CharField(max_length=32)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Duurzame groei (IGM): the firm's figures at this wave; level-specific indicators by id.
    employees_fte = models.DecimalField(
        _("employees (FTE)"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    revenue = models.DecimalField(
        _("revenue (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    added_value = models.DecimalField(_("added value (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    profit = models.DecimalField(_("profit (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    export_share = models.DecimalField(
        _("export share of revenue (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    level_indicators: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["company", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="one_wave_number_per_company")]

    def __str__(self) -> str:
        return f"{self.company} {self.label}"

    @property
    def label(self) -> str:
        return f"T{self.number}"


class Response(models.Model):
    """One respondent's filled-in questionnaire in a wave, scored when it is submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    respondent = models.CharField(max_length=12, choices=Respondent.choices, default=Respondent.MANAGEMENT)
    leads_people = models.BooleanField(null=True, blank=True)  # employees only
    # The model version the response is scored with (the wave's, or a newer one it was carried over to).
    model_id = models.CharField(max_length=64)
    model_version = models.CharField(max_length=32)
    model_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    next_level = models.PositiveSmallIntegerField(null=True, blank=True)
    result: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    # The level and block scores of a submitted response as the score rows hold them, keyed by score_key
    # ("2" a level, "2:l2.strategie" a block): written with the response's own INSERT/UPDATE on submit, so the
    # wave-data export reads one value per scan instead of pivoting its score rows. Null while a draft.
    scores: models.JSONField[Any] = models.JSONField(null=True, blank=True, editable=False)
    # Kept current by scans.latest.refresh_latest (on submit, and when a wave's date changes): this is the
    # company's latest submitted management scan of its model (highest wave number), or its latest in the year of
    # its wave's date. The monitor counts these instead of searching for them per firm (docs/monitor.md).
    latest = models.BooleanField(default=False, editable=False)
    latest_in_year = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["wave", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave"], condition=Q(respondent="management"), name="one_management_response_per_wave"
            )
        ]
        indexes = [
            models.Index(fields=["wave", "respondent", "status"]),
            models.Index(fields=["model_id", "wave"], condition=Q(latest=True), name="scans_response_latest"),
            models.Index(
                fields=["model_id", "wave"], condition=Q(latest_in_year=True), name="scans_response_latest_in_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave} {self.respondent}"

    @property
    def submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def company(self) -> Company:
        return self.wave.company

    @property
    def wave_label(self) -> str:
        return self.wave.label


def score_key(level: int, block: str) -> str:
    """The key of a level's (``block`` empty) or a block's score in :attr:`Response.scores`."""
    return f"{level}:{block}" if block else str(level)


def score_map(result: ScanResult) -> dict[str, float | None]:
    """A scored response's level and block scores for :attr:`Response.scores`: the values its score rows hold,
    rounded as the exports write them (:func:`~groeimodel.monitor.export.round_score`), so that the database can
    write a CSV of them as text without rounding (the wave-data export)."""
    scores: dict[str, float | None] = {}
    for lv in result.levels:
        scores[score_key(lv.level, "")] = round_score(lv.score)
        for b in lv.blocks:
            scores[score_key(lv.level, b.id)] = round_score(b.score)
    return scores


class Answer(models.Model):
    """An answer to one statement: 1..5, or None for "weet niet / n.v.t."; no row means not answered yet."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item_id"], name="one_answer_per_item")]


class ScoreRow(models.Model):
    """A block's or a level's score of one submitted response, as a row the database can aggregate."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="score_rows")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="score_rows")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="score_rows")
    respondent = models.CharField(max_length=12, choices=Respondent.choices)
    model_id = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    block = models.CharField(max_length=64, blank=True)  # empty for the level's own row
    score = models.FloatField(null=True)
    band = models.CharField(max_length=32, null=True)
    achieved = models.BooleanField(null=True)  # levels only

    class Meta:
        indexes = [
            models.Index(fields=["model_id", "respondent", "level", "block"]),
            models.Index(fields=["company", "wave"]),
            # The monitor reads the level rows (block "") of the counted scans: from this index alone.
            models.Index(fields=["response", "block", "level", "score"], name="scans_scorerow_by_response"),
        ]


MONITOR_LEVELS = 4  # level_1 .. level_4: the most levels a model has (groeimodel 4, mkb-2011 3)


class MonitorScan(models.Model):
    """One scan the monitor counts (a company's latest submitted management scan of a model, or its latest in a
    year) as one narrow row: what the monitor groups by and sums, so that its queries read this table and the
    companies only (docs/scaling.md). Kept by :mod:`groeimodel.web.scans.latest` with the flags, in the same
    transaction."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, primary_key=True, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    model_id = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()  # of the wave's date
    latest = models.BooleanField()
    latest_in_year = models.BooleanField()
    position = models.PositiveSmallIntegerField(null=True)
    previous = models.PositiveSmallIntegerField(null=True)  # position of the company's scan before, if any
    level_1 = models.FloatField(null=True)
    level_2 = models.FloatField(null=True)
    level_3 = models.FloatField(null=True)
    level_4 = models.FloatField(null=True)
    # The scan's wave and the company's wave before it (if any), and the change of the growth figures from that
    # wave to this one as the growth table counts them (stored, so that what a row added to the monitor's cells
    # can be taken off again exactly when the waves' figures change).
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    previous_wave = models.ForeignKey(Wave, on_delete=models.SET_NULL, null=True, related_name="+")
    employees_fte_change = models.FloatField(null=True)  # FTE
    revenue_pct_change = models.FloatField(null=True)  # per cent of the revenue before (when that was above 0)
    export_share_change = models.FloatField(null=True)  # percentage points

    class Meta:
        indexes = [
            models.Index(fields=["model_id", "company"], condition=Q(latest=True), name="scans_monitor_latest"),
            models.Index(
                fields=["model_id", "company"], condition=Q(latest_in_year=True), name="scans_monitor_latest_in_year"
            ),
        ]


MONITOR_GROWTH = ("employees_fte", "revenue_pct", "export_share")  # MonitorScan.<name>_change


class MonitorCell(models.Model):
    """The monitor's figures of one cell: the counted scans (:class:`MonitorScan`) of one organisation's
    non-archived companies of one sector, size class and province, of one model and ladder position, counted as
    the companies' latest scans (``year`` 0) or as their latest scans of ``year``, summed. A few thousand rows
    however many firms there are, so that a monitor page reads one small table (docs/scaling.md). Kept current
    by :mod:`groeimodel.web.scans.cells`: what a company's rows add is taken off and added again in the
    transaction that changes them (a submit, a wave's date or figures, the company's sector, size, province,
    organisation or archiving, its deletion)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    model_id = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()  # 0: the latest scans; else the latest scans of that year
    sbi_section = models.CharField(max_length=1)
    size_class = models.CharField(max_length=10)
    province = models.CharField(max_length=2)
    position = models.SmallIntegerField()  # -1: no position
    firms = models.IntegerField()
    level_1_n = models.IntegerField()
    level_1_sum = models.FloatField()
    level_2_n = models.IntegerField()
    level_2_sum = models.FloatField()
    level_3_n = models.IntegerField()
    level_3_sum = models.FloatField()
    level_4_n = models.IntegerField()
    level_4_sum = models.FloatField()
    # Scans with a scan before them, by their movement on the ladder since.
    up = models.IntegerField()
    same = models.IntegerField()
    down = models.IntegerField()
    employees_fte_n = models.IntegerField()
    employees_fte_sum = models.FloatField()
    revenue_pct_n = models.IntegerField()
    revenue_pct_sum = models.FloatField()
    export_share_n = models.IntegerField()
    export_share_sum = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "model_id", "year", "sbi_section", "size_class", "province", "position"],
                name="scans_monitorcell_key",
            )
        ]
