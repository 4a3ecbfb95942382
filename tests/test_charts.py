from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from groeimodel.reports.charts import Series, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_a_radar_has_one_axis_and_one_dot_per_label_and_marks_missing_scores():
    svg = radar_svg(
        ["A", "B", "Mensen en talenten goed inzetten", "D"], [Series("firm", [100, 50, None, 0])], title="T"
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "T"
    assert len(root.findall(f".//{SVG}line")) == 4
    dots = root.findall(f".//{SVG}circle")
    assert [d.get("class") for d in dots] == ["dot", "dot", "dot missing", "dot"]
    # the first axis points straight up: a score of 100 sits one radius above the centre
    first = dots[0]
    assert float(first.get("cx")) == pytest.approx(float(dots[3].get("cx")))
    assert float(first.get("cy")) < float(dots[3].get("cy"))
    long_label = next(t for t in root.iter(f"{SVG}text") if "Mensen" in "".join(t.itertext()))
    assert len(long_label.findall(f"{SVG}tspan")) == 2  # wrapped, not clipped


def test_labels_are_escaped():
    svg = radar_svg(["<script>", "b", "c"], [Series("x & y", [1, 2, 3])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x &amp; y" in svg


def test_a_radar_needs_three_axes():
    with pytest.raises(ValueError, match="three axes"):
        radar_svg(["a", "b"], [])


def test_the_threshold_ring_is_drawn_when_given():
    assert re.search(r'class="threshold"', radar_svg(["a", "b", "c"], [], threshold=60))


def test_a_radar_numbers_its_axes_and_points_to_the_text_that_gives_its_values():
    svg = radar_svg(["a", "b", "c", "d"], [Series("x", [1, 2, 3, 4])], title="T", described_by="scores-table")
    root = ET.fromstring(svg)
    assert root.get("aria-describedby") == "scores-table" and root.get("aria-labelledby") == "radar-title"
    keys = [t for t in root.iter(f"{SVG}text") if t.get("class") == "axis-key"]
    assert [k.text for k in keys] == ["1", "2", "3", "4"]
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert [(k.get("x"), k.get("text-anchor")) for k in keys] == [(t.get("x"), t.get("text-anchor")) for t in labels]
    assert "aria-describedby" not in radar_svg(["a", "b", "c"], [])
