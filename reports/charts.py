"""Charts as SVG, the same in the page and in the PDF; each has a text alternative and a table."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 56, 16
BAR = "#1d70b8"  # GOV.UK blue
LINE = "#d4351c"  # GOV.UK red


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float | int | Decimal | None],
    *,
    reference: float | Decimal | None = None,
    reference_label: str = "",
    chart_id: str = "chart",
) -> SafeString:
    """A bar chart with an optional horizontal reference line (a national rate)."""
    numbers = [float(v) for v in values if v is not None]
    top = max([*numbers, float(reference or 0), 1.0]) * 1.15
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(values), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title" class="app-chart" '
        f'style="max-width:100%;height:auto" font-family="Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" '
        'stroke="#0b0c0c"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#0b0c0c"/>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">'
            f"{value:.1f}</text>"
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + index * step + step * 0.15
        if value is not None:
            height = plot_h * float(value) / top
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{step * 0.7:.1f}" '
                f'height="{height:.1f}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{TOP + plot_h + 14}" text-anchor="end" '
            f'transform="rotate(-35 {x + step * 0.35:.1f} {TOP + plot_h + 14})" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    if reference is not None:
        y = TOP + plot_h - plot_h * float(reference) / top
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="{LINE}" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - 10}" y="{y - 5:.1f}" text-anchor="end" fill="{LINE}">'
            f"{escape(reference_label)}</text>"
        )
    parts.append("</svg>")
    # Every text above is escaped; the rest is numbers and constants: the templates need no |safe.
    return mark_safe("".join(parts))  # noqa: S308 # nosec B308 B703 # nosemgrep: mark-safe-of-a-non-literal
