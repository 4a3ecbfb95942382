from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from groeimodel.reports.charts import Series, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_a_radar_has_one_axis_and_one_dot_per_scored_label():
    svg = radar_svg(["A", "B", "Mensen en talenten goed inzetten", "D"], [Series("firm", [100, 50, 25, 0])], title="T")
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "T"
    assert len(root.findall(f".//{SVG}line")) == 4
    dots = root.findall(f".//{SVG}circle")
    assert len(dots) == 4 and len(root.findall(f".//{SVG}polygon[@class='area']")) == 1
    # the first axis points straight up: a score of 100 sits one radius above the centre
    first = dots[0]
    assert float(first.get("cx")) == pytest.approx(float(dots[3].get("cx")))
    assert float(first.get("cy")) < float(dots[3].get("cy"))
    long_label = next(t for t in root.iter(f"{SVG}text") if "Mensen" in "".join(t.itertext()))
    assert len(long_label.findall(f"{SVG}tspan")) == 2  # wrapped, not clipped


def test_a_block_without_a_score_is_a_gap_with_a_marked_spoke_not_a_zero():
    svg = radar_svg(["A", "B", "C", "D", "E"], [Series("firm", [80, 60, None, 40, 70])])
    root = ET.fromstring(svg)
    spokes = [line.get("class") for line in root.iter(f"{SVG}line")]
    assert spokes == ["spoke", "spoke", "spoke missing", "spoke", "spoke"]
    assert len(root.findall(f".//{SVG}circle")) == 4  # no dot for C, not even at the centre
    assert not root.findall(f".//{SVG}polygon[@class='area']")
    (wedge,) = root.findall(f".//{SVG}path")  # D, E, A, B are neighbours around the circle: one run
    centre = wedge.get("d").split(" L ")[0].removeprefix("M ")
    points = wedge.get("d").removeprefix("M ").removesuffix(" Z").split(" L ")
    assert points[0] == centre and len(points) == 5  # the centre, then D, E, A and B; never C
    cx, cy = (float(v) for v in centre.split(","))
    c_axis = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "spoke missing")
    # no point of the outline lies on C's spoke
    for x, y in (tuple(float(v) for v in p.split(",")) for p in points[1:]):
        cross = (float(c_axis.get("x2")) - cx) * (y - cy) - (float(c_axis.get("y2")) - cy) * (x - cx)
        assert abs(cross) > 1


def test_labels_are_escaped():
    svg = radar_svg(["<script>", "b", "c"], [Series("x & y", [1, 2, 3])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x &amp; y" in svg


def test_a_radar_needs_three_axes():
    with pytest.raises(ValueError, match="three axes"):
        radar_svg(["a", "b"], [])


def test_the_threshold_ring_is_drawn_when_given():
    assert re.search(r'class="threshold"', radar_svg(["a", "b", "c"], [], threshold=60))


def test_the_cash_flow_chart_writes_amounts_in_the_readers_language():
    from groeimodel.reports.charts import cashflow_svg

    dutch = cashflow_svg([-20000, 50000, 50000], lang="nl")
    english = cashflow_svg([-20000, 50000, 50000], lang="en")
    assert "€\xa080.000" in dutch and "€\xa0-20.000" in dutch
    assert "€80,000" in english and "-€20,000" in english


def test_a_radar_numbers_its_axes_and_points_to_the_text_that_gives_its_values():
    svg = radar_svg(["a", "b", "c", "d"], [Series("x", [1, 2, 3, 4])], title="T", described_by="scores-table")
    root = ET.fromstring(svg)
    assert root.get("aria-describedby") == "scores-table" and root.get("aria-labelledby") == "radar-title"
    keys = [t for t in root.iter(f"{SVG}text") if t.get("class") == "axis-key"]
    assert [k.text for k in keys] == ["1", "2", "3", "4"]
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert [(k.get("x"), k.get("text-anchor")) for k in keys] == [(t.get("x"), t.get("text-anchor")) for t in labels]
    assert "aria-describedby" not in radar_svg(["a", "b", "c"], [])
