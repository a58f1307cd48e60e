"""Charts: round ticks, a suppressed value written "c" where its bar would be (never a bar of
nothing), a title to see and one for assistive technology."""

import re

import pytest

from reports.charts import bar_chart, comparison_chart, nice_ticks


@pytest.mark.parametrize(
    ("top", "most", "ticks"),
    [
        # The board report's old axis ran 0, 54.3, 108.7, 163.0, 217.3 for a top bar of 189.
        (189, 6, [0, 50, 100, 150, 200]),
        (11.31, 5, [0, 5, 10, 15]),
        (3.41, 5, [0, 1, 2, 3, 4]),
        (0, 6, [0, 1]),
        (7, 6, [0, 2, 4, 6, 8]),
    ],
)
def test_axis_ticks_are_round_numbers(top, most, ticks):
    assert nice_ticks(top, most=most) == ticks


def test_a_suppressed_month_is_marked_c_not_drawn_as_nothing():
    svg = str(
        bar_chart("Suspensions each month", ["Sep 2026", "Oct 2026", "Nov 2026"], [189, "c", 71])
    )
    assert svg.count("<rect") == 2  # September's and November's bars; October has none
    assert re.search(r'font-weight="bold" fill="#0b0c0c">c</text>', svg)
    assert '<title id="chart-title">Suspensions each month</title>' in svg
    assert ">Suspensions each month</text>" in svg  # the title shown, not only announced


def test_comparison_labels_fit_and_a_missing_base_shows_x():
    svg = str(
        comparison_chart(
            "Per 100", [("This period", 2.5), ("A label far too long to fit beside its bar", "x")]
        )
    )
    # 218 px of room at about 6.6 px a character: 32 characters and an ellipsis.
    assert ">A label far too long to fit besi…</text>" in svg
    assert "beside its bar" not in svg
    assert ">x</text>" in svg
    assert svg.count("<rect") == 1
