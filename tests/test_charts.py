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


def _lines(**kwargs):
    from groeimodel.reports.charts import lines_svg

    series = [
        Series("1 – Bedrijfsvoering optimaliseren", [40, 55, 70], "series-level-1"),
        Series("2 – Innovatief vermogen vergroten", [20, None, 35], "series-level-2"),
    ]
    return lines_svg(["T0", "T1", "T2"], series, title="Score per niveau", **kwargs)


def test_a_line_chart_is_an_image_with_a_title_and_a_description_that_spells_out_every_value():
    root = ET.fromstring(_lines(missing="onvoldoende gegevens"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text == "Score per niveau"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    assert desc.text == (
        "1 – Bedrijfsvoering optimaliseren: T0 40, T1 55, T2 70; "
        "2 – Innovatief vermogen vergroten: T0 20, T1 onvoldoende gegevens, T2 35"
    )


def test_a_line_chart_is_drawn_at_its_own_size_so_its_text_never_shrinks_below_13_px():
    root = ET.fromstring(_lines())
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (float(root.get("width")), float(root.get("height"))) == (width, height)  # one user unit is one pixel
    assert root.get("font-size") == "13"
    assert all(t.get("font-size") is None for t in root.iter(f"{SVG}text"))  # no text set smaller


def test_a_missing_score_is_a_gap_in_the_line_not_a_zero():
    root = ET.fromstring(_lines())
    first, second = root.findall(f"{SVG}g")
    assert (
        len(first.findall(f"{SVG}polyline")) == 1 and len(first.findall(f"{SVG}polyline")[0].get("points").split()) == 3
    )
    assert not second.findall(f"{SVG}polyline")  # T0 and T2 are not neighbours: no line through T1
    dots = [c for c in second.findall(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert [c.find(f"{SVG}title").text for c in dots] == [
        "2 – Innovatief vermogen vergroten, T0: 20",
        "2 – Innovatief vermogen vergroten, T2: 35",
    ]


def test_higher_scores_are_drawn_higher_and_later_waves_further_right():
    root = ET.fromstring(_lines())
    first = root.findall(f"{SVG}g")[0]
    points = [tuple(float(v) for v in p.split(",")) for p in first.find(f"{SVG}polyline").get("points").split()]
    xs, ys = zip(*points, strict=True)
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys, reverse=True)  # 40 < 55 < 70: y shrinks upwards


def test_the_lines_differ_in_dash_as_well_as_colour_and_each_has_a_legend_entry():
    root = ET.fromstring(_lines())
    first, second = root.findall(f"{SVG}g")
    assert first.find(f"{SVG}polyline").get("stroke-dasharray") is None
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == ["1 – Bedrijfsvoering optimaliseren", "2 – Innovatief vermogen vergroten"]
    assert {line.get("stroke-dasharray") for line in second.findall(f"{SVG}line")} == {"8 4"}


def test_a_single_wave_is_drawn_as_points_in_the_middle():
    from groeimodel.reports.charts import lines_svg

    root = ET.fromstring(lines_svg(["T0"], [Series("1", [50])], title="t"))
    assert not root.findall(f".//{SVG}polyline")
    (dot, _legend_dot) = root.findall(f".//{SVG}circle")
    assert float(dot.get("cx")) == pytest.approx((44 + 560 - 36) / 2)


def test_a_line_chart_escapes_its_text_and_checks_its_input():
    from groeimodel.reports.charts import lines_svg

    svg = lines_svg(["<T0>"], [Series("a & b", [1])], title="<script>")
    assert "<script>" not in svg and "&lt;T0&gt;" in svg and "a &amp; b" in svg
    with pytest.raises(ValueError, match="at least one moment"):
        lines_svg([], [], title="t")
    with pytest.raises(ValueError, match="2 values for 3 moments"):
        lines_svg(["T0", "T1", "T2"], [Series("a", [1, 2])], title="t")


def test_the_threshold_line_is_drawn_when_given():
    assert 'class="threshold"' in _lines(threshold=60) and 'class="threshold"' not in _lines()
