"""The model a stored result is shown with when its own model file changed or is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from groeimodel.model import ModelError, load_model, loader
from groeimodel.model.fallback import closest_model

SHIPPED = Path(loader.__file__).parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(SHIPPED, root)
    monkeypatch.setattr(loader, "_data_dir", lambda: root)
    monkeypatch.setattr(loader, "_loaded", {})
    return root


def test_the_very_file_a_result_was_scored_with_is_an_exact_match():
    model = load_model("groeimodel", "1.0.0")
    match = closest_model("groeimodel", "1.0.0", model.content_hash)
    assert match.model is model and match.exact and match.same_version


def test_an_edited_file_of_the_same_version_is_used_but_not_exact():
    match = closest_model("groeimodel", "1.0.0", "0" * 64)
    assert (match.model.version, match.exact, match.same_version) == ("1.0.0", False, True)


def test_a_gone_version_falls_back_to_the_newest_below_then_the_oldest_above(data_dir):
    (data_dir / "groeimodel" / "1.1.0.yaml").unlink()
    below = closest_model("groeimodel", "1.1.0")
    assert (below.model.id, below.model.version, below.exact, below.same_version) == (
        "groeimodel",
        "1.0.0",
        False,
        False,
    )
    above = closest_model("groeimodel", "0.9.0")
    assert above.model.version == "1.0.0"


def test_a_gone_model_falls_back_to_the_default_model_and_no_model_at_all_is_a_model_error(data_dir):
    assert closest_model("weg", "1.0.0").model.id == "groeimodel"
    for folder in data_dir.iterdir():
        for file in folder.iterdir():
            file.write_text("id: [kapot\n")
    loader._loaded.clear()
    with pytest.raises(ModelError):
        closest_model("groeimodel", "1.1.0")
