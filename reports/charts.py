"""Charts as SVG, the same in the page and in the PDF: a visible title, axis ticks at "nice"
round numbers, labels that fit, and a suppressed value marked "c" (never drawn as nothing). Each
chart stands beside the table it is drawn from.

Hand-written rather than a charting library: the charts are two simple shapes, the SVG must carry
its ARIA title and GOV.UK colours and render the same in WeasyPrint (no script, no web fonts), and
the libraries that would draw them (matplotlib, pygal) add a large dependency or a script-driven
SVG for less than the 30 lines of `nice_ticks` below.
"""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.figures import NOT_AVAILABLE, SUPPRESSED

WIDTH = 640
BAR = "#1d70b8"  # GOV.UK blue
MUTED = "#b1b4b6"  # GOV.UK mid grey: a comparison
INK = "#0b0c0c"
CHAR = 6.6  # width of a character at 12px Arial, near enough to fit labels


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """Round ticks from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten (Heckbert,
    "Nice numbers for graph labels", Graphics Gems, 1990)."""
    if top <= 0:
        return [0, 1]
    rough = top / (most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    if step < 1 and top >= 1:
        step = 1
    count = math.ceil(top / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


def _tick(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _fit(label: str, room: float) -> str:
    most = max(int(room / CHAR), 4)
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, height: int, body: list[str]) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" class="app-chart" '
        f'font-family="Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<text x="0" y="16" font-size="15" font-weight="bold" fill="{INK}">{escape(title)}</text>',
        *body,
        "</svg>",
    ]
    # Every text above is escaped; the rest is numbers and constants: the templates need no |safe.
    return mark_safe("".join(parts))  # noqa: S308 # nosec B308 B703 # nosemgrep: mark-safe-of-a-non-literal


def _mark(value) -> str:
    """What stands in for a bar that is not drawn: "c" (suppressed), "x" (no base) or a dash."""
    return escape(value) if value in (SUPPRESSED, NOT_AVAILABLE) else "\u2013"


def _number(value) -> float | None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return None


def bar_chart(
    title: str,
    labels: list[str],
    values: list,
    *,
    chart_id: str = "chart",
    unit: str = "",
) -> SafeString:
    """Upright bars, one per label (months): "c" or "x" is written where a bar is not drawn."""
    left, top_margin, bottom = 48, 32, 84
    height = 280
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top_margin
    numbers = [n for n in map(_number, values) if n is not None]
    ticks = nice_ticks(max(numbers, default=0))
    scale = plot_h / ticks[-1]
    step = plot_w / max(len(values), 1)
    base_y = top_margin + plot_h
    body = []
    for tick in ticks:
        y = base_y - tick * scale
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="#f3f2f1"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{_tick(tick)}</text>"
        )
    body.append(f'<line x1="{left}" y1="{base_y}" x2="{WIDTH - 8}" y2="{base_y}" stroke="{INK}"/>')
    if unit:
        body.append(f'<text x="{left}" y="{top_margin - 4}" fill="{INK}">{escape(unit)}</text>')
    rotate = max((len(label) for label in labels), default=0) * CHAR > step - 4
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * step + step * 0.15
        middle = x + step * 0.35
        number = _number(value)
        if number is None:
            body.append(
                f'<text x="{middle:.1f}" y="{base_y - 6}" text-anchor="middle" font-weight="bold" '
                f'fill="{INK}">{_mark(value)}</text>'
            )
        else:
            bar = number * scale
            body.append(
                f'<rect x="{x:.1f}" y="{base_y - bar:.1f}" width="{step * 0.7:.1f}" '
                f'height="{bar:.1f}" fill="{BAR}"/>'
            )
            body.append(
                f'<text x="{middle:.1f}" y="{base_y - bar - 4:.1f}" text-anchor="middle" '
                f'fill="{INK}">{_tick(number)}</text>'
            )
        if rotate:
            shown = _fit(label, (bottom - 8) / 0.6)
            body.append(
                f'<text x="{middle:.1f}" y="{base_y + 14}" text-anchor="end" '
                f'transform="rotate(-35 {middle:.1f} {base_y + 14})" fill="{INK}">'
                f"{escape(shown)}</text>"
            )
        else:
            body.append(
                f'<text x="{middle:.1f}" y="{base_y + 16}" text-anchor="middle" fill="{INK}">'
                f"{escape(label)}</text>"
            )
    return _svg(chart_id, title, height, body)


def comparison_chart(
    title: str, rows: list[tuple[str, object]], *, chart_id: str = "comparison", unit: str = ""
) -> SafeString:
    """Sideways bars, one per row (this period, last year, England): long labels fit on the
    left. The first row is ours (blue); the others are comparisons (grey)."""
    label_w, row_h, top_margin = 230, 30, 40
    height = top_margin + row_h * len(rows) + 28
    plot_w = WIDTH - label_w - 60
    numbers = [n for n in (_number(v) for _, v in rows) if n is not None]
    ticks = nice_ticks(max(numbers, default=0), most=5)
    scale = plot_w / ticks[-1]
    body = []
    axis_y = top_margin + row_h * len(rows)
    for tick in ticks:
        x = label_w + tick * scale
        body.append(
            f'<line x1="{x:.1f}" y1="{top_margin - 6}" x2="{x:.1f}" y2="{axis_y}" '
            'stroke="#f3f2f1"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="{INK}">'
            f"{_tick(tick)}</text>"
        )
    if unit:
        body.append(f'<text x="{label_w}" y="{top_margin - 12}" fill="{INK}">{escape(unit)}</text>')
    for index, (label, value) in enumerate(rows):
        y = top_margin + index * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(_fit(label, label_w - 12))}</text>"
        )
        number = _number(value)
        if number is None:
            body.append(
                f'<text x="{label_w + 6}" y="{y + row_h / 2 + 4:.1f}" font-weight="bold" '
                f'fill="{INK}">{_mark(value)}</text>'
            )
            continue
        width = number * scale
        colour = BAR if index == 0 else MUTED
        body.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{width:.1f}" height="{row_h - 10}" '
            f'fill="{colour}"/>'
        )
        body.append(
            f'<text x="{label_w + width + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" fill="{INK}">'
            f"{_tick(number) if number == int(number) else f'{number:.2f}'}</text>"
        )
    body.append(
        f'<line x1="{label_w}" y1="{top_margin - 6}" x2="{label_w}" y2="{axis_y}" stroke="{INK}"/>'
    )
    return _svg(chart_id, title, height, body)
