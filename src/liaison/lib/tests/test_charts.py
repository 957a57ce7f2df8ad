"""The SVG charts: well-formed, accessible, escaped, no inline style, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from liaison.lib import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup


def no_style(root: ET.Element) -> None:
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert element.tag != f"{SVG}style"


def test_bar_chart_is_an_accessible_image_described_by_its_table() -> None:
    markup = charts.bar_chart(
        title="Insights per theme", labels=["a", "b"], values=[10, 5], table_id="theme-table"
    )
    root = parse(markup)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Insights per theme"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == "theme-table"
    no_style(root)


def test_bars_are_proportional_to_their_values() -> None:
    root = parse(
        charts.bar_chart(title="t", labels=["a", "b", "c"], values=[8, 4, 0], table_id="x")
    )
    widths = [float(rect.get("width", "0")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0


def test_text_is_escaped_and_long_labels_shortened_with_the_whole_in_the_tooltip() -> None:
    label = "<script>alert(1)</script> & a very long theme label that does not fit"
    markup = charts.bar_chart(title="A & B", labels=[label], values=[3], table_id="t")
    assert "<script>" not in markup
    root = parse(markup)  # well-formed despite the markup characters
    texts = [element.text or "" for element in root.iter(f"{SVG}text")]
    assert any(text.endswith("…") for text in texts)
    tooltips = [element.text or "" for element in root.iter(f"{SVG}title")]
    assert any(label in tooltip for tooltip in tooltips)


def test_stacked_bars_split_each_row_into_its_series() -> None:
    series = [charts.Series("x", [2, 0]), charts.Series("y", [2, 3])]
    root = parse(
        charts.stacked_bar_chart(title="t", labels=["DE", "US"], series=series, table_id="t")
    )
    no_style(root)
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    # Three non-zero values: three segments; the first row's two are equal.
    assert len(segments) == 3
    assert float(segments[0].get("width", "0")) == pytest.approx(
        float(segments[1].get("width", "0"))
    )
    assert segments[0].get("fill") != segments[1].get("fill")
    with pytest.raises(ValueError, match="one value per label"):
        charts.stacked_bar_chart(
            title="t", labels=["a"], series=[charts.Series("x", [1, 2])], table_id="t"
        )


def test_line_chart_has_a_point_per_value_and_a_line_per_series() -> None:
    series = [charts.Series("first", [1, 5, 3]), charts.Series("second", [0, 2, 9])]
    root = parse(
        charts.line_chart(title="t", labels=["Jan", "Feb", "Mar"], series=series, table_id="t")
    )
    no_style(root)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 6
    # Higher values sit higher (smaller y).
    circles = list(root.iter(f"{SVG}circle"))
    assert float(circles[1].get("cy", "0")) < float(circles[0].get("cy", "0"))


def test_empty_charts_still_render() -> None:
    for markup in (
        charts.bar_chart(title="t", labels=[], values=[], table_id="t"),
        charts.stacked_bar_chart(title="t", labels=[], series=[], table_id="t"),
        charts.line_chart(title="t", labels=[], series=[], table_id="t"),
    ):
        assert parse(markup).get("role") == "img"


def test_each_chart_has_its_own_title_id() -> None:
    one = parse(charts.bar_chart(title="t", labels=["a"], values=[1], table_id="t"))
    two = parse(charts.bar_chart(title="t", labels=["a"], values=[1], table_id="t"))
    assert one.get("aria-labelledby") != two.get("aria-labelledby")
