from __future__ import annotations

import pytest

from groeimodel.model import Model, load_model


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model("groeimodel")


@pytest.fixture(scope="session")
def strict_model() -> Model:
    return load_model("mkb-2011")


def all_answers(model: Model, value: int) -> dict[str, int | None]:
    """Every item answered so that, after reverse keying, it counts as ``value``."""
    return {item.id: (6 - value if item.reverse else value) for item in model.items}
