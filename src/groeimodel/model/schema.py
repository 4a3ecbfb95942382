"""The typed shape of a model file.

Every text is a :class:`Text` with Dutch and English side by side; a missing or empty translation is a
validation error, so a model cannot ship half-translated. Cross-field rules (ids, bands, levels) are
checked in :mod:`groeimodel.model.loader` so that all problems are reported at once with their path.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
Unit = Literal["eur", "eur_per_year", "hours_per_year", "percent", "fte", "count", "years"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    nl: NonEmpty
    en: NonEmpty

    def get(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


class TextList(Strict):
    nl: list[NonEmpty]
    en: list[NonEmpty]

    def get(self, lang: Lang) -> list[str]:
        return list(self.nl if lang == "nl" else self.en)


class ScalePoint(Strict):
    value: int
    label: Text


class Scale(Strict):
    points: list[ScalePoint]
    missing: Text


class Band(Strict):
    id: Identifier
    upper: float = Field(ge=0, le=100)
    name: Text
    description: Text


class Scoring(Strict):
    threshold: float = Field(default=60, ge=0, le=100)
    max_advice_blocks: int = Field(default=3, ge=1)
    bands: list[Band]
    insufficient: Text
    insufficient_advice: Text


class IgmStep(Strict):
    id: Identifier
    step: int = Field(ge=1, le=3)
    name: Text
    description: Text


class Indicator(Strict):
    id: Identifier
    unit: Unit
    name: Text
    description: Text | None = None
    # Set when an initiative's business case computes this indicator (the payback period): it is then shown
    # from the business case and never typed in.
    business_case: Literal["payback_years"] | None = None


class NotSocialInnovation(Strict):
    name: Text
    description: Text
    cues: TextList


class Example(Strict):
    id: Identifier
    title: Text
    text: Text
    figures: dict[Identifier, float] = Field(default_factory=dict)


class Item(Strict):
    id: NonEmpty
    text: Text
    reverse: bool = False
    # The same statement as an employee reads it ("In ons bedrijf ..." rather than "Wij als directie ..."), for the
    # employees' questionnaire; the plain text when absent.
    employee_text: Text | None = None

    def text_for(self, respondent: str) -> Text:
        return self.employee_text if respondent == "employee" and self.employee_text is not None else self.text


class Block(Strict):
    id: NonEmpty
    name: Text
    description: Text
    items: list[Item]
    advice: dict[Identifier, Text]


class Level(Strict):
    level: int = Field(ge=1, le=9)
    id: Identifier
    name: Text
    subtitle: Text
    learning_loop: Text
    key_question: Text
    igm_place: Text
    igm_step: Identifier | None
    reconstruction: bool = False
    description: Text
    indicators: list[Indicator]
    cues: TextList
    examples: list[Example] = Field(default_factory=list)
    blocks: list[Block]


class ModelFile(Strict):
    id: Identifier
    version: NonEmpty
    name: Text
    description: Text
    source: Text
    scale: Scale
    scoring: Scoring
    igm: list[IgmStep]
    growth_indicators: list[Indicator]
    not_social_innovation: NotSocialInnovation
    levels: list[Level]
