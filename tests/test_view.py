"""The one localised result view that the page, the CLI and the report render (no database)."""

from __future__ import annotations

from groeimodel.model import load_model
from groeimodel.reports.view import build_view
from groeimodel.scoring import score

from .conftest import all_answers


def test_the_view_names_levels_blocks_bands_and_advice_in_the_chosen_language(model):
    result = score(model, all_answers(model, 3))
    nl, en = build_view(model, result, "nl"), build_view(model, result, "en")
    assert nl.levels[0].name == "Bedrijfsvoering optimaliseren"
    assert en.levels[0].name == model.level(1).name.en
    assert nl.blocks[0].band_name == "ontwikkelend" and en.blocks[0].band_name == "developing"
    assert nl.next_level == 1 and nl.advice and nl.advice[0].text == result.advice[0].text.nl
    assert nl.position_name is None and nl.next_level_name == "Bedrijfsvoering optimaliseren"


def test_a_block_without_a_score_reads_onvoldoende_gegevens(model):
    view = build_view(model, score(model, {}), "nl")
    assert view.blocks[0].band_name == "onvoldoende gegevens"
    assert len(view.unscored_blocks) == len(model.blocks)


def test_the_view_of_a_later_wave_carries_the_changes_since_the_previous_wave_and_t0(model):
    t0, t1, t2 = (score(model, all_answers(model, v)) for v in (2, 3, 4))
    view = build_view(model, t2, "en", previous=("T1", model, t1), first=("T0", model, t0))
    block = view.blocks[0]
    assert block.since_previous is not None and block.since_previous.delta == 25.0
    assert block.since_previous.arrow == "↑"
    assert block.since_first is not None and block.since_first.delta == 50.0
    assert view.since_previous is not None and view.since_previous.direction == "up"
    assert view.since_first is not None and view.since_first.label == "T0"


def test_a_result_renders_from_the_model_version_it_was_scored_with():
    old = load_model("groeimodel", "1.0.0")
    answers = {i.id: (6 - v if i.reverse else v) for i in old.items for v in [3 if i.id.startswith("l3.") else 4]}
    result = score(old, answers)  # levels 1 and 2 achieved; level 3 "ontwikkelend" is the next step
    view = build_view(old, result, "nl")
    identity = next(a for a in view.advice if a.block == "l3.identiteit")
    assert view.model_version == "1.0.0" and identity.band_name == "ontwikkelend"
    assert "die ene zin" in identity.text  # the text that version showed, not today's
