from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from groeimodel.web.accounts.models import Organisation

SBI_VERSION = "SBI 2008 (2025)"


class SbiSection(models.TextChoices):
    A = "A", _("A – Agriculture, forestry and fishing")
    B = "B", _("B – Mining and quarrying")
    C = "C", _("C – Manufacturing")
    D = "D", _("D – Electricity, gas, steam and air conditioning supply")
    E = "E", _("E – Water supply; sewerage, waste management and remediation")
    F = "F", _("F – Construction")
    G = "G", _("G – Wholesale and retail trade")
    H = "H", _("H – Transportation and storage")
    I = "I", _("I – Accommodation and food service activities")  # noqa: E741
    J = "J", _("J – Information and communication")
    K = "K", _("K – Financial institutions")
    L = "L", _("L – Renting, buying and selling of real estate")
    M = "M", _("M – Consultancy, research and other specialised business services")
    N = "N", _("N – Renting and leasing of tangible goods and other business support services")
    O = "O", _("O – Public administration, public services and compulsory social security")  # noqa: E741
    P = "P", _("P – Education")
    Q = "Q", _("Q – Human health and social work activities")
    R = "R", _("R – Culture, sports and recreation")
    S = "S", _("S – Other service activities")
    T = "T", _("T – Activities of households as employers")
    U = "U", _("U – Extraterritorial organisations and bodies")


class Province(models.TextChoices):
    DR = "DR", "Drenthe"
    FL = "FL", "Flevoland"
    FR = "FR", "Fryslân"
    GE = "GE", "Gelderland"
    GR = "GR", "Groningen"
    LI = "LI", "Limburg"
    NB = "NB", "Noord-Brabant"
    NH = "NH", "Noord-Holland"
    OV = "OV", "Overijssel"
    UT = "UT", "Utrecht"
    ZE = "ZE", "Zeeland"
    ZH = "ZH", "Zuid-Holland"


class SizeClass(models.TextChoices):
    MICRO = "micro", _("micro (fewer than 10 employees)")
    SMALL = "small", _("small (10 to 49 employees)")
    MEDIUM = "medium", _("medium (50 to 249 employees)")
    LARGE = "large", _("large (250 employees or more)")


def size_class(employees: int) -> str:
    """The EU size class by head count."""
    if employees < 10:
        return SizeClass.MICRO
    if employees < 50:
        return SizeClass.SMALL
    if employees < 250:
        return SizeClass.MEDIUM
    return SizeClass.LARGE


kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))


class Company(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True, validators=[kvk_validator])
    sbi_section = models.CharField(_("sector (SBI section)"), max_length=1, choices=SbiSection.choices)
    sbi_version = models.CharField(max_length=40, default=SBI_VERSION, editable=False)
    employees = models.PositiveIntegerField(_("number of employees"), validators=[MaxValueValidator(1_000_000)])
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, editable=False)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    advisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="advised_companies", verbose_name=_("advisors")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # An archived company is hidden everywhere except the administrator's archive, from where it is restored
    # or removed for good.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(fields=["organisation", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kvk_number"],
                condition=~models.Q(kvk_number=""),
                name="one_company_per_kvk_number_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def save(self, *args: object, **kwargs: object) -> None:
        self.size_class = size_class(self.employees)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
