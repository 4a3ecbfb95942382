"""The model as data: levels, building blocks, items, bands and advice, from versioned YAML files."""

from groeimodel.model.loader import (
    DEFAULT_MODEL,
    BlockInfo,
    Model,
    ModelError,
    Problem,
    list_models,
    load_model,
    model_versions,
    parse_model,
    shipped_model_ids,
)
from groeimodel.model.schema import LANGUAGES, Lang

__all__ = [
    "DEFAULT_MODEL",
    "LANGUAGES",
    "BlockInfo",
    "Lang",
    "Model",
    "ModelError",
    "Problem",
    "list_models",
    "load_model",
    "model_versions",
    "parse_model",
    "shipped_model_ids",
]
