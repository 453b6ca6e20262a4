"""Charts drawn on the server as SVG: bar charts (stacked or grouped) and line charts, with no
JavaScript and no library. Every chart is an `<svg role="img">` named by its `<title>` and
`<desc>`, with locale-formatted numbers on its axis, and is shown beside a table of the same
figures (`Figure`, rendered by `web/charts/figure.html`).

Every piece of text (titles, category and series names, which may come from users: a project's
title, a beneficiary) enters the markup through `format_html` or `escape`, so it is escaped;
numbers are formatted by Django's localisation."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import formats, numberformat
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

WIDTH = 640
HEIGHT = 320
LEFT = 76  # room for the value axis' labels
RIGHT = 16
TOP = 44  # room for the legend
BOTTOM = 76  # room for the category labels, slanted where there are many
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
TICKS = 4
# Categories beyond this many have their labels slanted, so that they do not overlap.
UPRIGHT_LABELS = 8
LABEL_CHARACTERS = 16
# Colours with enough contrast on white, and told apart by more than hue alone in the table.
PALETTE = ("#2f6b45", "#4a78a8", "#c98a00", "#b3261e", "#8c6bb1", "#5f7f6a", "#d46a9f")
NO_FIGURES = _("No figures yet.")


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category, none negative."""

    name: Any
    values: list
    colour: str = ""
    number_format: str = ""  # of the table's numbers, if not the figure's


@dataclass(frozen=True)
class Reference:
    """A horizontal line across the plot at `value` (a target, a limit), labelled."""

    name: Any
    value: Any


def _number(value: Any, decimals: int) -> str:
    return formats.number_format(value, decimal_pos=decimals, force_grouping=True)


def _numbers(decimals: int) -> Callable[[Any], str]:
    """`_number` for many values: the locale's separators and grouping looked up once, as
    `formats.number_format` would look them up for each value."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING")
    thousand_separator = formats.get_format("THOUSAND_SEPARATOR")

    def written(value: Any) -> str:
        return escape(
            numberformat.format(
                value,
                decimal_separator,
                decimals,
                grouping,
                thousand_separator,
                force_grouping=True,
            )
        )

    return written


def _checked(series: list[Series], categories: list) -> None:
    for line in series:
        if len(line.values) != len(categories):
            raise ValueError(f"series {line.name!s}: one value per category expected")
        if any(value < 0 for value in line.values):
            raise ValueError(f"series {line.name!s} has a negative value")


def axis_step(largest: Any) -> Decimal:
    """The step between the value axis' ticks: the smallest of 1, 2, 2.5 and 5 times a power
    of ten whose `TICKS` steps reach `largest`, so the axis ends at a round number at or above
    it. An axis over nothing (zero) counts 0 to `TICKS` in whole steps."""
    largest = Decimal(str(largest))
    if largest <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(largest / TICKS))
    for mantissa in ("1", "2", "2.5", "5", "10"):
        step = Decimal(mantissa).scaleb(exponent)
        if step * TICKS >= largest:
            return step
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always returns


def _decimals_of(step: Decimal) -> int:
    return max(0, -step.normalize().as_tuple().exponent)


def _y(value: Any, maximum: Decimal) -> float:
    return TOP + PLOT_HEIGHT - float(Decimal(str(value)) / maximum) * PLOT_HEIGHT


def _at(coordinate: float) -> str:
    """A coordinate as written in the markup: two decimals, whatever the locale."""
    return f"{coordinate:.2f}"


def _short(label: Any) -> str:
    text = str(label)
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"


def _colour(line: Series, index: int) -> str:
    return line.colour or PALETTE[index % len(PALETTE)]


def _frame(chart_id: str, title: Any, description: Any, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{id}" class="chart-svg" '
        'viewBox="0 0 {width} {height}" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "{body}</svg>",
        id=chart_id,
        width=WIDTH,
        height=HEIGHT,
        title=title,
        description=description,
        body=body,
    )


def _empty(chart_id: str, title: Any, description: Any) -> SafeString:
    text = format_html(
        '<text x="{}" y="{}" text-anchor="middle" class="empty">{}</text>',
        WIDTH / 2,
        HEIGHT / 2,
        NO_FIGURES,
    )
    return _frame(chart_id, title, description, text)


def _value_axis(step: Decimal, unit: Any) -> SafeString:
    """Horizontal grid lines at each tick, labelled with the tick's value, and the unit."""
    decimals = _decimals_of(step)
    ticks = mark_safe(  # noqa: S308 - every piece is built by format_html
        "".join(
            format_html(
                '<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#dde5df"/>'
                '<text x="{label_x}" y="{y}" dy="4" text-anchor="end" font-size="12" '
                'class="tick">{label}</text>',
                left=LEFT,
                right=LEFT + PLOT_WIDTH,
                y=_at(_y(step * index, step * TICKS)),
                label_x=LEFT - 6,
                label=_number(step * index, decimals),
            )
            for index in range(TICKS + 1)
        )
    )
    unit_label = format_html(
        '<text x="12" y="{}" font-size="12" transform="rotate(-90 12 {})" text-anchor="middle" '
        'class="unit">{}</text>',
        TOP + PLOT_HEIGHT / 2,
        TOP + PLOT_HEIGHT / 2,
        unit,
    )
    return ticks + unit_label if unit else ticks


def _category_labels(categories: list, centres: list[float]) -> SafeString:
    slanted = len(categories) > UPRIGHT_LABELS
    baseline = TOP + PLOT_HEIGHT + 16
    pieces = []
    for category, x in zip(categories, centres, strict=True):
        if slanted:
            pieces.append(
                format_html(
                    '<text x="{x}" y="{y}" font-size="11" text-anchor="end" '
                    'transform="rotate(-40 {x} {y})" class="category">{label}</text>',
                    x=_at(x),
                    y=baseline,
                    label=_short(category),
                )
            )
        else:
            pieces.append(
                format_html(
                    '<text x="{x}" y="{y}" font-size="12" text-anchor="middle" '
                    'class="category">{label}</text>',
                    x=_at(x),
                    y=baseline,
                    label=_short(category),
                )
            )
    return mark_safe("".join(pieces))  # noqa: S308 - each piece built by format_html


def _legend(series: list[Series]) -> SafeString:
    """The series' names and colours along the top, where there is more than one series."""
    if len(series) < 2:
        return mark_safe("")  # noqa: S308 - empty
    pieces, x = [], LEFT
    for index, line in enumerate(series):
        pieces.append(
            format_html(
                '<rect x="{x}" y="14" width="12" height="12" fill="{colour}"/>'
                '<text x="{text_x}" y="24" font-size="12" class="legend">{name}</text>',
                x=x,
                colour=_colour(line, index),
                text_x=x + 16,
                name=line.name,
            )
        )
        # Wide enough for Latin and Chinese names alike; the table names them in full.
        x += 28 + 9 * len(str(line.name))
    return mark_safe("".join(pieces))  # noqa: S308 - each piece built by format_html


def _references(references: list[Reference], maximum: Decimal, decimals: int) -> SafeString:
    pieces = []
    for reference in references:
        y = _y(reference.value, maximum)
        pieces.append(
            format_html(
                '<g class="reference"><line x1="{left}" x2="{right}" y1="{y}" y2="{y}" '
                'stroke="#1d2a22" stroke-dasharray="6 4"/>'
                '<text x="{right}" y="{y}" dy="-4" text-anchor="end" font-size="11">'
                "{name} {value}</text></g>",
                left=LEFT,
                right=LEFT + PLOT_WIDTH,
                y=_at(y),
                name=reference.name,
                value=_number(reference.value, decimals),
            )
        )
    return mark_safe("".join(pieces))  # noqa: S308 - each piece built by format_html


def bar_chart(
    *,
    chart_id: str,
    title: Any,
    description: Any,
    categories: list,
    series: list[Series],
    stacked: bool = True,
    unit: Any = "",
    decimals: int = 0,
    references: list[Reference] | tuple = (),
) -> SafeString:
    """Bars per category, one segment (stacked) or one bar (grouped) per series, each with a
    `<title>` stating its category, series and value; optional reference lines. The value axis
    starts at zero, so a bar's height is proportional to its value."""
    _checked(series, categories)
    if not categories or not series:
        return _empty(chart_id, title, description)
    if stacked:
        largest = max(sum(line.values[i] for line in series) for i in range(len(categories)))
    else:
        largest = max(max(line.values) for line in series)
    largest = max([largest, *(reference.value for reference in references)])
    step = axis_step(largest)
    maximum = step * TICKS
    band = PLOT_WIDTH / len(categories)
    width = band * (0.7 if stacked else 0.8 / len(series))
    # The bars are the most numerous elements: built as f-strings, every text in them escaped
    # once beforehand (`escape`), each number formatted here.
    names = [escape(line.name) for line in series]
    written = _numbers(decimals)
    colours = [escape(_colour(line, number)) for number, line in enumerate(series)]
    bars, centres = [], []
    for index, category in enumerate(categories):
        start = LEFT + band * index + (band - (width if stacked else width * len(series))) / 2
        centres.append(LEFT + band * (index + 0.5))
        label = escape(category)
        base = Decimal(0)
        for number, line in enumerate(series):
            value = Decimal(str(line.values[index]))
            x = start if stacked else start + width * number
            bottom, top = _y(base, maximum), _y(base + value, maximum)
            if stacked:
                base += value
            if value == 0:
                continue
            bars.append(
                f'<rect x="{_at(x)}" y="{_at(top)}" width="{_at(width)}" '
                f'height="{_at(bottom - top)}" fill="{colours[number]}" class="bar" '
                f'data-category="{label}" data-series="{names[number]}">'
                f"<title>{label} · {names[number]}: {written(value)}</title>"
                "</rect>"
            )
    body = (
        _legend(series)
        + _value_axis(step, unit)
        + mark_safe("".join(bars))  # noqa: S308 - every text in the bars escaped
        + _references(list(references), maximum, decimals)
        + _category_labels(categories, centres)
    )
    return _frame(chart_id, title, description, body)


def line_chart(
    *,
    chart_id: str,
    title: Any,
    description: Any,
    categories: list,
    series: list[Series],
    unit: Any = "",
    decimals: int = 0,
    area: bool = False,
) -> SafeString:
    """A line per series over the categories (periods, in order), a dot with a `<title>` at
    each value; with `area`, the area under a single line is filled."""
    _checked(series, categories)
    if not categories or not series:
        return _empty(chart_id, title, description)
    step = axis_step(max(max(line.values) for line in series))
    maximum = step * TICKS
    if len(categories) == 1:
        xs = [LEFT + PLOT_WIDTH / 2]
    else:
        xs = [LEFT + PLOT_WIDTH * i / (len(categories) - 1) for i in range(len(categories))]
    pieces = []
    written = _numbers(decimals)
    for number, line in enumerate(series):
        colour = _colour(line, number)
        points = [(x, _y(value, maximum)) for x, value in zip(xs, line.values, strict=True)]
        path = " ".join(f"{_at(x)},{_at(y)}" for x, y in points)
        if area and len(series) == 1:
            floor = TOP + PLOT_HEIGHT
            polygon = f"{_at(xs[0])},{_at(floor)} {path} {_at(xs[-1])},{_at(floor)}"
            pieces.append(
                format_html(
                    '<polygon points="{}" fill="{}" fill-opacity="0.2" class="area"/>',
                    polygon,
                    colour,
                )
            )
        pieces.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" class="line" '
                'data-series="{}"/>',
                path,
                colour,
                line.name,
            )
        )
        name = escape(line.name)
        for (x, y), category, value in zip(points, categories, line.values, strict=True):
            label = escape(category)
            pieces.append(
                f'<circle cx="{_at(x)}" cy="{_at(y)}" r="3.5" fill="{escape(colour)}" '
                f'class="point" data-category="{label}" data-series="{name}">'
                f"<title>{label} · {name}: {written(value)}</title></circle>"
            )
    body = (
        _legend(series)
        + _value_axis(step, unit)
        + mark_safe("".join(pieces))  # noqa: S308 - format_html or escaped f-strings
        + _category_labels(categories, xs)
    )
    return _frame(chart_id, title, description, body)


@dataclass(frozen=True)
class Figure:
    """A chart and the table of its figures, with where to download them as CSV: what
    `web/charts/figure.html` shows. `number_format` is the `floatformat` argument of the
    table's numbers."""

    id: str
    title: Any
    description: Any
    category_name: Any
    categories: list
    series: list[Series]
    csv_url: str = ""
    kind: str = "bar"
    stacked: bool = True
    unit: Any = ""
    decimals: int = 0
    number_format: str = "0g"
    references: list[Reference] = field(default_factory=list)
    labels: list = field(default_factory=list)
    extra: list[Series] = field(default_factory=list)  # in the table only, not charted

    @cached_property
    def svg(self) -> SafeString:
        arguments = {
            "chart_id": f"{self.id}-chart",
            "title": self.title,
            "description": self.description,
            "categories": self.labels or self.categories,
            "series": self.series,
            "unit": self.unit,
            "decimals": self.decimals,
        }
        if self.kind == "line":
            return line_chart(**arguments, area=len(self.series) == 1)
        return bar_chart(**arguments, stacked=self.stacked, references=self.references)

    @property
    def columns(self) -> list[Series]:
        """The table's columns: the charted series, then the extra ones."""
        return [*self.series, *self.extra]

    @cached_property
    def rows(self) -> list[tuple[Any, list[tuple[Any, str]]]]:
        """(category label, [(its value in each column, the value's number format)]), in
        order."""
        labels = self.labels or self.categories
        return [
            (
                label,
                [
                    (line.values[index], line.number_format or self.number_format)
                    for line in self.columns
                ],
            )
            for index, label in enumerate(labels)
        ]
