"""Three published figures worked out by hand from the fixture's records, and the same numbers
on the figures page, in its CSVs, from the API and in the board report's PDF (pdftotext).

The fixture: the home LA's three schools (Harbridge Academy, Kestrel Academy, Kelmscott High
School), each with 300 pupils on roll at the January 2026 census, 40 of them on SEN support.
So the LA's base is 900 pupils, 120 on SEN support. Ten pupils of Kelmscott High School are
suspended once each in 2026/27: three on SEN support in October 2026, four others in November
2026 and three others on 4, 5 and 6 January 2027. "Today" is Monday 11 January 2027.
"""

import csv
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from reports.census import school_census_day
from reports.figures import period_for
from reports.models import Report, RollCount
from reports.roll_import import roll_counts_record
from reports.services import report_request
from tests.factories import PupilFactory, enrol, record_exclusion

pytestmark = pytest.mark.django_db

C = RollCount.Characteristic

# 1. The rate by SEN status: 3 pupils on SEN support suspended, of 120 on roll: 3 / 120 x 100.
SEN_RATE = "2.50"
# 2. Its relative risk: (3 / 120) / (7 / 780), the 7 other suspended pupils of the 780 others
#    on roll: 3 x 780 / (120 x 7) = 2340 / 840 = 2.7857..., to two places 2.79.
SEN_RISK = "2.79"
# 3. The month so far: January 2027 counted from 1 to 11 January: the three suspensions of 4, 5
#    and 6 January (the whole year to date: 3 + 4 + 3 = 10).
JANUARY_LABEL = "January 2027 (1 to 11 January, so far)"
JANUARY = 3


@pytest.fixture
def recorded(world, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    la = world["home"]
    census = school_census_day(2025, "spring")  # 15 January 2026
    for school in (world["academy"], world["other_trust_school"], world["maintained"]):
        roll_counts_record(
            la=la,
            school=school,
            census_date=census,
            counts={C.ALL: 300, C.SEN_SUPPORT: 40, C.BOYS: 150, C.GIRLS: 150},
        )
    school = world["maintained"]
    days = (
        [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)]
        + [date(2026, 11, d) for d in (2, 3, 4, 5)]
        + [date(2027, 1, d) for d in (4, 5, 6)]
    )
    for n, day in enumerate(days):
        pupil = PupilFactory(la=la, sen_status="K" if n < 3 else "N")
        enrol(pupil, school)
        record_exclusion(
            by=world["users"]["la_officer"],
            pupil=pupil,
            school=school,
            start_date=day,
            end_date=day,
        )
    return world


def _row(rows, label):
    return next(row for row in rows if row and row[0].startswith(label))


def test_three_figures_worked_by_hand_agree_on_the_page_csv_api_and_pdf(
    recorded, sign_in, api, today, django_capture_on_commit_callbacks
):
    director = recorded["users"]["director"]
    period = period_for("year-to-date", today)
    assert (period.first, period.last) == (date(2026, 9, 1), date(2027, 1, 11))

    # The page.
    page = sign_in(director).get(reverse("reports:figures"), {"period": "year-to-date"})
    html = page.content.decode()
    sen = re.search(r"SEN support</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'numeric">(?:<strong>)?([^<]*)<', sen)
    assert cells == ["3", "120", SEN_RATE, SEN_RISK], cells
    assert re.search(rf"{re.escape(JANUARY_LABEL)}</th><td[^>]*>{JANUARY}<", html)

    # The CSVs.
    client = sign_in(director)

    def csv_rows(table):
        response = client.get(reverse("reports:export", args=[table]), {"period": "year-to-date"})
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.content.decode())))

    assert _row(csv_rows("disproportionality"), "SEN support")[1:5] == [
        "3",
        "120",
        SEN_RATE,
        SEN_RISK,
    ]
    assert _row(csv_rows("by_month"), JANUARY_LABEL)[1] == str(JANUARY)

    # The API.
    answer = api(director).get("/api/v1/figures/", {"period": "year-to-date"})
    assert answer.status_code == 200, answer.content
    tables = answer.json()["tables"]
    assert _row(tables["disproportionality"]["rows"], "SEN support")[1:5] == [
        3,
        120,
        SEN_RATE,
        SEN_RISK,
    ]
    assert _row(tables["by_month"]["rows"], JANUARY_LABEL)[1] == JANUARY
    assert answer.json()["headline"]["suspensions"] == 10

    # The board report's PDF, for the same period.
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_request(
            kind=Report.Kind.BOARD,
            la=recorded["home"],
            key="by-hand",
            by=director,
            period_start=period.first,
            period_end=period.last,
            title=f"Board report, {period.label}",
        )
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", report.file.path, "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = " ".join(text.split())  # a long label may wrap in the PDF's table cell
    assert f"SEN support 3 120 {SEN_RATE} {SEN_RISK}" in words, words
    assert f"{JANUARY_LABEL} {JANUARY} " in words, words


def test_a_period_the_api_does_not_offer_is_a_field_error(recorded, api):
    answer = api(recorded["users"]["director"]).get("/api/v1/figures/", {"period": "forever"})
    assert answer.status_code == 400
    assert "year-to-date" in answer.json()["period"][0]
