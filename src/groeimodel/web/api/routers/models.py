"""The shipped models and their questionnaires."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from groeimodel.model import ModelError, list_models, load_model, model_versions, shipped_model_ids
from groeimodel.web.api.errors import ApiError
from groeimodel.web.api.schemas import responses
from groeimodel.web.i18n import current_lang

router = Router(tags=["models"])


class ModelOut(Schema):
    id: str
    version: str = Field(description="the current version; new scans use it")
    versions: list[str] = Field(description="every version still loadable, oldest first")
    name: str
    levels: int
    items: int


class ScalePointOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    id: str
    text: str
    reverse: bool


class BlockOut(Schema):
    id: str
    name: str
    description: str
    items: list[ItemOut]


class LevelOut(Schema):
    level: int
    name: str
    key_question: str
    blocks: list[BlockOut]


class QuestionnaireOut(Schema):
    model_id: str
    model_version: str
    name: str
    respondent: Literal["management", "employee"]
    scale: list[ScalePointOut]
    missing: str = Field(description="the label of the “don't know / not applicable” answer (null in the API)")
    levels: list[LevelOut]


@router.get("", response=responses(list[ModelOut]), summary="The shipped models")
def model_list(request: HttpRequest) -> list[ModelOut]:
    lang = current_lang()
    return [
        ModelOut(
            id=m.id,
            version=m.version,
            versions=model_versions(m.id),
            name=m.name(lang),
            levels=len(m.levels),
            items=len(m.items),
        )
        for m in list_models()
    ]


@router.get("/{model_id}/questionnaire", response=responses(QuestionnaireOut), summary="A model's questionnaire")
def questionnaire(
    request: HttpRequest,
    model_id: str,
    version: str | None = None,
    respondent: Literal["management", "employee"] = "management",
) -> QuestionnaireOut:
    """The statements per level and block, in the wording the respondent reads, in the language asked for."""
    if model_id not in shipped_model_ids():
        raise ApiError(404, _("Not found."))
    if version is not None and version not in model_versions(model_id):
        raise ApiError(404, _("Not found."), [("version", _("This model has no such version."))])
    try:
        model = load_model(model_id, version)
    except ModelError:
        raise ApiError(404, _("Not found.")) from None
    lang = current_lang()
    levels = []
    for lv in model.levels:
        blocks = [
            BlockOut(
                id=b.id,
                name=b.data.name.get(lang),
                description=b.data.description.get(lang),
                items=[
                    ItemOut(
                        id=model.items[i].id,
                        text=model.items[i].text_for(respondent).get(lang),
                        reverse=model.items[i].reverse,
                    )
                    for i in b.item_indices
                ],
            )
            for b in model.level_blocks(lv.level)
        ]
        levels.append(LevelOut(level=lv.level, name=lv.name.get(lang), key_question=lv.key_question.get(lang),
                               blocks=blocks))  # fmt: skip
    return QuestionnaireOut(
        model_id=model.id,
        model_version=model.version,
        name=model.name(lang),
        respondent=respondent,
        scale=[ScalePointOut(value=p.value, label=p.label.get(lang)) for p in model.data.scale.points],
        missing=model.data.scale.missing.get(lang),
        levels=levels,
    )
