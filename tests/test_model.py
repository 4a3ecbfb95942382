from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from groeimodel.model import ModelError, list_models, load_model, parse_model

TINY = Path(__file__).parent / "data" / "tiny.yaml"
SHIPPED = sorted(
    p
    for folder in (resources.files("groeimodel.model") / "data").iterdir()
    if folder.is_dir()
    for p in folder.iterdir()
    if p.name.endswith(".yaml")
)


def test_two_models_ship_the_four_level_groeimodel_and_the_strict_three_level_mkb_2011():
    models = {m.id: m for m in list_models()}
    assert set(models) == {"groeimodel", "mkb-2011"}
    assert [lv.level for lv in models["groeimodel"].levels] == [1, 2, 3, 4]
    assert [lv.level for lv in models["mkb-2011"].levels] == [1, 2, 3]


def test_level_four_is_marked_as_our_reconstruction_and_the_source_levels_are_not(model):
    assert [lv.reconstruction for lv in model.levels] == [False, False, False, True]
    assert "reconstructie" in model.level(4).description.nl
    assert "reconstruction" in model.level(4).description.en


def test_the_building_blocks_are_those_of_the_design(model):
    blocks = {lv.level: [b.id for b in model.level_blocks(lv.level)] for lv in model.levels}
    assert blocks == {
        1: ["l1.processen", "l1.flexwerken", "l1.digitaal", "l1.mensen"],
        2: ["l2.strategie", "l2.organisatie", "l2.cultuur", "l2.leiderschap", "l2.creativiteit"],
        3: ["l3.concept", "l3.besluitvorming", "l3.identiteit"],
        4: ["l4.cocreatie", "l4.inclusie", "l4.waarde"],
    }


def test_the_levels_sit_on_the_innovatie_groei_model_as_the_source_text_says(model):
    assert [lv.igm_step for lv in model.levels] == [None, "innovatievermogen", "innovatiekansen", "duurzame_groei"]
    assert [s.id for s in sorted(model.data.igm, key=lambda s: s.step)] == [
        "innovatievermogen", "innovatiekansen", "duurzame_groei",
    ]  # fmt: skip
    assert {g.id for g in model.data.growth_indicators} == {
        "toegevoegde_waarde",
        "winst",
        "exportaandeel",
        "werkgelegenheid",
    }


@pytest.mark.parametrize("ref", ["groeimodel", "mkb-2011"])
def test_every_block_has_three_to_five_items_and_every_level_a_reverse_keyed_one(ref):
    m = load_model(ref)
    for b in m.blocks:
        assert 3 <= len(b.item_indices) <= 5, b.id
        assert all(re.fullmatch(rf"{re.escape(b.id)}\.\d+", m.items[i].id) for i in b.item_indices)
    for lv in m.levels:
        assert any(m.items[i].reverse for b in m.level_blocks(lv.level) for i in b.item_indices), lv.level


@pytest.mark.parametrize("ref", ["groeimodel", "mkb-2011"])
def test_the_source_texts_three_examples_illustrate_levels_one_to_three(ref):
    m = load_model(ref)
    examples = {lv.level: " ".join(e.text.nl for e in lv.examples) for lv in m.levels}
    assert "20.000" in examples[1] or "20000" in examples[1]
    assert "Jazo" in examples[2]
    assert "Jonge Honden" in examples[3]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_text_exists_in_dutch_and_english(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = 0

    def walk(node, where):
        nonlocal texts
        if isinstance(node, dict):
            if "nl" in node or "en" in node:
                texts += 1
                assert set(node) == {"nl", "en"}, where
                for lang in ("nl", "en"):
                    value = node[lang]
                    assert value, f"{where}.{lang} is empty"
                    if isinstance(value, str):
                        assert value.strip(), f"{where}.{lang} is blank"
                    else:
                        assert all(isinstance(v, str) and v.strip() for v in value), where
                if isinstance(node["nl"], str) and len(node["nl"]) > 40:
                    assert node["nl"] != node["en"], f"{where}: the English is a copy of the Dutch"
                return
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(raw, path.name)
    assert texts > 100


def test_a_model_has_an_id_a_version_and_a_content_hash_that_changes_with_its_content():
    text = TINY.read_text()
    a = parse_model(text, source="a.yaml")
    assert (a.id, a.version) == ("tiny", "0.1")
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash)
    reformatted = parse_model("# a comment changes nothing\n" + text, source="b.yaml")
    assert reformatted.content_hash == a.content_hash
    changed = parse_model(text.replace("Stelling 1 van a.", "Stelling één van a."), source="c.yaml")
    assert changed.content_hash != a.content_hash


def broken(edit) -> str:
    data = yaml.safe_load(TINY.read_text())
    edit(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ModelError) as info:
        parse_model(text, source="broken.yaml")
    return [str(p) for p in info.value.problems]


def test_an_unknown_key_is_reported_with_file_line_and_path():
    text = broken(lambda d: d["levels"][1]["blocks"][0].update(colour="blue"))
    (problem,) = problems_of(text)
    line = next(i for i, s in enumerate(text.splitlines(), start=1) if "colour" in s)
    assert problem == f"broken.yaml:{line}: levels[1].blocks[0].colour: unknown key"


def test_a_missing_translation_is_reported():
    text = broken(lambda d: d["levels"][0]["blocks"][1]["items"][2]["text"].pop("en"))
    (problem,) = problems_of(text)
    assert re.fullmatch(
        r"broken\.yaml:\d+: levels\[0\]\.blocks\[1\]\.items\[2\]\.text\.en: missing English translation", problem
    )


def test_an_empty_translation_is_reported():
    text = broken(lambda d: d["levels"][0]["name"].update(nl="  "))
    (problem,) = problems_of(text)
    assert "levels[0].name.nl" in problem


def test_duplicate_item_ids_are_reported():
    def dup(d):
        d["levels"][0]["blocks"][0]["items"][1]["id"] = "l1.a.1"

    (problem,) = problems_of(broken(dup))
    assert "levels[0].blocks[0].items[1].id: duplicate item id 'l1.a.1'" in problem


def test_bands_that_do_not_reach_100_are_reported():
    text = broken(lambda d: d["scoring"]["bands"][-1].update(upper=90))
    (problem,) = problems_of(text)
    assert "scoring.bands: the bands must cover 0-100" in problem


def test_every_problem_is_reported_at_once():
    def many(d):
        d["levels"][0]["blocks"][0]["items"][0]["id"] = "l2.a.1"  # wrong block prefix
        d["levels"][1]["blocks"][0]["advice"].pop("koploper")
        d["levels"][2]["blocks"][0]["items"][3]["reverse"] = False  # level 3 without reverse item

    found = problems_of(broken(many))
    assert len(found) == 3
    assert any("must look like 'l1.a.N'" in p for p in found)
    assert any("advice missing for band(s) koploper" in p for p in found)
    assert any("level 3 has no reverse-keyed item" in p for p in found)


def test_broken_yaml_names_the_line():
    (problem,) = problems_of("id: x\nname: [unclosed\n")
    assert problem.startswith("broken.yaml:") and "not valid YAML" in problem


def test_an_unknown_model_id_lists_the_shipped_models():
    with pytest.raises(ModelError, match=r"unknown model 'nope'; shipped models: groeimodel, mkb-2011"):
        load_model("nope")


# Each band's advice is read on its own (a firm sees only the text of its own band), so no text may lean on a
# phrase that only another band's text, or the source blog, introduces.
LEANING_ON_ANOTHER_TEXT = [
    "die ene zin", "that one sentence", "de ideeënsessies", "the idea sessions", "het bureau dat van 6 naar 8",
    "the firm that went from 6 to 8", "de jaarlijkse herziening", "the yearly review", "deze bijdrage",
    "this contribution", "de nieuwe beslisstructuur", "the new decision structure",
]  # fmt: skip


@pytest.mark.parametrize("ref", ["groeimodel", "mkb-2011"])
def test_every_advice_text_stands_on_its_own_for_its_band(ref):
    model = load_model(ref)
    problems = []
    for block in model.blocks:
        for band, text in block.data.advice.items():
            for lang in ("nl", "en"):
                words = text.get(lang).lower()
                problems += [f"{block.id} {band} {lang}: {p!r}" for p in LEANING_ON_ANOTHER_TEXT if p in words]
    assert not problems, problems
    texts = [b.data.advice[band].get("nl") for b in model.blocks for band in b.data.advice]
    assert len(texts) == len(set(texts)), "two advice texts are the same"


def test_every_version_that_scans_were_made_with_stays_loadable():
    from groeimodel.model import model_versions

    assert model_versions("groeimodel") == ["1.0.0", "1.1.0"]
    old, new = load_model("groeimodel", "1.0.0"), load_model("groeimodel")
    assert (old.version, new.version) == ("1.0.0", "1.1.0")
    assert load_model("groeimodel@1.0.0") is old
    assert old.content_hash != new.content_hash
    # 1.0.0's advice still has the text that scans of that version were shown; 1.1.0 stands on its own
    identity = "l3.identiteit"
    assert "die ene zin" in old.blocks[old.block_index[identity]].data.advice["ontwikkelend"].nl
    assert "die ene zin" not in new.blocks[new.block_index[identity]].data.advice["ontwikkelend"].nl


def test_an_unknown_version_names_the_shipped_ones():
    with pytest.raises(ModelError, match=re.escape("has no version '9.9.9'; shipped: 1.0.0, 1.1.0")):
        load_model("groeimodel", "9.9.9")
