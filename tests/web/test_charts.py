"""The server-drawn SVG charts: bar heights proportional to the values, the axis reaching the
largest, nothing drawn for zero, empty data drawn as an empty chart, huge values on a readable
axis, negative values refused, every text escaped."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from web.charts import HEIGHT, PLOT_HEIGHT, TOP, Figure, Reference, Series, bar_chart, line_chart

FLOOR = TOP + PLOT_HEIGHT  # the value axis' zero


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def bars(svg: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(category, series) → (y, height) of each bar."""
    found = {}
    for attributes in re.findall(r"<rect ([^>]*class=\"bar\"[^>]*)>", svg):
        values = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        key = (values["data-category"], values["data-series"])
        found[key] = (float(values["y"]), float(values["height"]))
    return found


def chart(**arguments) -> str:
    arguments.setdefault("chart_id", "test")
    arguments.setdefault("title", "Credits")
    arguments.setdefault("description", "Credits by vintage")
    return str(bar_chart(**arguments))


def test_grouped_bar_heights_are_proportional_to_the_values():
    svg = chart(
        categories=["2024", "2025"],
        series=[Series("Issued", [300, 120]), Series("Retired", [60, 0])],
        stacked=False,
    )

    drawn = bars(svg)
    issued_2024 = drawn[("2024", "Issued")][1]
    assert drawn[("2025", "Issued")][1] == pytest.approx(issued_2024 * 120 / 300, abs=0.02)
    assert drawn[("2024", "Retired")][1] == pytest.approx(issued_2024 * 60 / 300, abs=0.02)
    # Zero draws no bar; every bar stands on the axis and fits in the plot.
    assert ("2025", "Retired") not in drawn
    for y, height in drawn.values():
        assert y + height == pytest.approx(FLOOR, abs=0.02)
        assert y >= TOP - 0.01


def test_stacked_segments_sit_on_each_other_and_the_total_fits_the_axis():
    svg = chart(categories=["2024"], series=[Series("Active", [70]), Series("Retired", [30])])

    drawn = bars(svg)
    active_y, active_height = drawn[("2024", "Active")]
    retired_y, retired_height = drawn[("2024", "Retired")]
    assert active_y + active_height == pytest.approx(FLOOR, abs=0.02)
    assert retired_y + retired_height == pytest.approx(active_y, abs=0.02)
    assert retired_height == pytest.approx(active_height * 30 / 70, abs=0.02)
    # The axis ends at a round number at or above the total of 100: the bar reaches it.
    assert retired_y >= TOP - 0.01
    ticks = re.findall(r'class="tick">([^<]+)<', svg)
    assert ticks[0] == "0" and int(ticks[-1].replace(",", "")) >= 100


def test_one_value_fills_a_round_axis_and_is_labelled():
    svg = chart(categories=["2025"], series=[Series("Issued", [7])])

    ((y, height),) = bars(svg).values()
    ticks = [int(tick) for tick in re.findall(r'class="tick">([^<]+)<', svg)]
    assert ticks[-1] >= 7
    assert height == pytest.approx(PLOT_HEIGHT * 7 / ticks[-1], abs=0.02)
    assert "<title>2025 · Issued: 7</title>" in svg


def test_empty_data_draws_an_empty_chart_with_its_title():
    svg = chart(categories=[], series=[Series("Issued", [])])

    assert not bars(svg)
    assert '<title id="test-title">Credits</title>' in svg
    assert "No figures yet." in svg
    assert 'role="img"' in svg and 'aria-labelledby="test-title test-desc"' in svg


def test_all_zero_values_draw_no_bar():
    svg = chart(categories=["2024", "2025"], series=[Series("Issued", [0, 0])])

    assert not bars(svg)
    assert re.findall(r'class="tick">([^<]+)<', svg)[0] == "0"


def test_huge_values_keep_their_proportions_and_group_their_digits():
    huge = 10**15
    svg = chart(categories=["a", "b"], series=[Series("Issued", [huge, huge // 4])])

    drawn = bars(svg)
    assert drawn[("b", "Issued")][1] == pytest.approx(drawn[("a", "Issued")][1] / 4, abs=0.02)
    last_tick = re.findall(r'class="tick">([^<]+)<', svg)[-1]
    assert int(last_tick.replace(",", "")) >= huge
    assert "," in last_tick  # 1,000,000,000,000,000: grouped, as the English locale writes it


def test_numbers_follow_the_locale():
    english = chart(categories=["2025"], series=[Series("Issued", [1234567])])
    with translation.override("zh-hans"):
        chinese = chart(categories=["2025"], series=[Series("Issued", [1234567])])
        # As the Chinese locale writes it: what a template's floatformat:"0g" shows beside.
        written = Template('{{ value|floatformat:"0g" }}').render(Context({"value": 1234567}))

    assert "<title>2025 · Issued: 1,234,567</title>" in english
    assert f"<title>2025 · Issued: {written}</title>" in chinese


def test_a_negative_value_is_refused():
    with pytest.raises(ValueError, match="negative"):
        chart(categories=["2025"], series=[Series("Issued", [-1])])
    with pytest.raises(ValueError):
        chart(categories=["2024", "2025"], series=[Series("Issued", [1])])


def test_text_is_escaped():
    svg = chart(
        title="<script>alert(1)</script>",
        categories=['"><script>x</script>'],
        series=[Series("<b>bold</b>", [5])],
    )

    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'data-category="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in svg


def test_reference_lines_are_drawn_at_their_value_and_extend_the_axis():
    svg = chart(
        categories=["Beijing"],
        series=[Series("PUE", [Decimal("1.2")])],
        references=[Reference("target", Decimal("1.5"))],
        decimals=2,
    )

    ((bar_y, bar_height),) = bars(svg).values()
    line_y = float(re.search(r'<g class="reference"><line [^>]*y1="([\d.]+)"', svg).group(1))
    assert FLOOR - line_y == pytest.approx(bar_height * 1.5 / 1.2, abs=0.02)
    assert "target 1.50" in svg


def test_a_line_chart_puts_each_point_at_its_value():
    svg = str(
        line_chart(
            chart_id="line",
            title="Issued per month",
            description="Credits issued per month",
            categories=["Jan", "Feb", "Mar"],
            series=[Series("Issued", [40, 0, 10])],
            area=True,
        )
    )

    points = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert points[1] == pytest.approx(FLOOR, abs=0.02)  # zero on the axis
    assert FLOOR - points[2] == pytest.approx((FLOOR - points[0]) / 4, abs=0.02)
    assert 'class="area"' in svg and 'viewBox="0 0 640 320"' in svg
    assert HEIGHT == 320


def test_a_figure_has_a_table_row_per_category():
    figure = Figure(
        id="f",
        title="T",
        description="D",
        category_name="Vintage",
        categories=["2024", "2025"],
        series=[Series("Issued", [5, 6])],
        extra=[Series("Projects", [1, 2], number_format="0")],
    )

    assert figure.rows == [("2024", [(5, "0g"), (1, "0")]), ("2025", [(6, "0g"), (2, "0")])]
    assert 'id="f-chart"' in str(figure.svg)
