"""The placement pages, through the test client: scoping, forms and their errors, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.commissioning.models import Placement
from placements.commissioning.services import placement_answer
from placements.moves.models import PupilMove
from placements.registers.models import AttendanceMark
from placements.registers.services import week_start
from tests.factories import PupilFactory, date_post, enrol, offer

pytestmark = pytest.mark.django_db


def test_the_provider_answers_an_offer_and_sees_it_in_its_caseload(placed, sign_in):
    placement = offer(placed)
    client = sign_in(placed["users"]["provider_staff"])
    page = client.get(reverse("placements:list"))
    assert page.status_code == 200
    assert "Casey" in page.content.decode()
    detail = client.get(reverse("placements:detail", args=[placement.pk]))
    assert "waits for your answer" in detail.content.decode()
    # No answer chosen: the error is on the field, nothing changes.
    bad = client.post(
        reverse("placements:answer", args=[placement.pk]), {"version": placement.version}
    )
    assert "Select whether you accept the placement" in bad.content.decode()
    placement.refresh_from_db()
    assert placement.state == Placement.State.OFFERED
    done = client.post(
        reverse("placements:answer", args=[placement.pk]),
        {"answer": "accept", "sessions": ["mon_am", "tue_am"], "version": placement.version},
    )
    assert done.status_code == 302
    placement.refresh_from_db()
    assert placement.state == Placement.State.ACTIVE


def test_another_provider_and_other_organisations_get_404(placed, sign_in, client):
    placement = offer(placed)
    url = reverse("placements:detail", args=[placement.pk])
    from organisations.roles import Role
    from tests.factories import ProviderOrganisationFactory, make_member

    stranger = make_member(
        Role.PROVIDER_STAFF, ProviderOrganisationFactory(la=placed["home"], name="Elsewhere")
    )
    for user in (
        stranger,
        placed["users"]["other_la_officer"],
        placed["users"]["other_school_staff"],
    ):
        client.logout()
        assert sign_in(user).get(url).status_code == 404, user
    client.logout()
    pupil_url = reverse("cases:pupil_detail", args=[placed["pupil"].pk])
    assert sign_in(stranger).get(pupil_url).status_code == 404


def test_the_register_saves_codes_for_expected_sessions_only(placed, sign_in):
    placement = offer(placed, start_date=week_start(timezone.localdate() - timedelta(days=14)))
    placement = placement_answer(
        placement=placement,
        by=placed["users"]["provider_staff"],
        version=placement.version,
        accept=True,
        sessions=["mon_am", "mon_pm"],
    )
    monday = week_start(timezone.localdate() - timedelta(days=7))
    client = sign_in(placed["users"]["provider_staff"])
    url = reverse("placements:attendance", args=[placement.pk])
    page = client.get(url, {"week": monday.isoformat()})
    assert page.status_code == 200
    body = page.content.decode()
    assert f'name="{monday.isoformat()}_am"' in body
    assert f'name="{(monday + timedelta(1)).isoformat()}_am"' not in body
    empty = client.post(url, {"week": monday.isoformat()})
    assert empty.status_code == 400
    assert "Enter a code for at least one session" in empty.content.decode()
    wrong = client.post(
        url,
        {
            "week": monday.isoformat(),
            f"{monday.isoformat()}_am": "/",
            f"{monday.isoformat()}_pm": "Q",
        },
    )
    assert wrong.status_code == 400
    body = wrong.content.decode()
    assert "Enter a DfE attendance code for " in body and 'value="Q"' in body  # kept as typed
    assert not placement.marks.exists()
    saved = client.post(
        url,
        {
            "week": monday.isoformat(),
            f"{monday.isoformat()}_am": "/",
            f"{monday.isoformat()}_pm": " c2 ",  # any case, spaces ignored
            f"{(monday + timedelta(1)).isoformat()}_am": "/",  # not in the pattern: ignored
        },
    )
    assert saved.status_code == 302
    assert sorted(placement.marks.values_list("session", "code")) == [("am", "/"), ("pm", "C2")]


def test_a_school_tells_the_la_about_ap_it_commissioned(placed, sign_in):
    client = sign_in(placed["users"]["school_staff"])
    url = reverse("placements:add", args=[placed["pupil"].pk])
    start = timezone.localdate()
    form = {
        "provider": placed["provider"].pk,
        "tier": "tier_1",
        "reason": "behaviour",
        **date_post("start_date", start),
        "hours_per_week": "6",
        "sessions": ["wed_am", "wed_pm"],
        "funding": "school",
    }
    missing_end = client.post(url, form)
    assert "part-time timetable" in missing_end.content.decode()
    assert not Placement.objects.exists()
    done = client.post(url, {**form, **date_post("planned_end", start + timedelta(weeks=6))})
    assert done.status_code == 302
    placement = Placement.objects.get()
    assert placement.source == Placement.Source.SCHOOL
    assert placement.state == Placement.State.ACTIVE
    assert placement.part_time
    # Another school cannot tell us about a pupil not on its roll.
    other = sign_in(placed["users"]["other_school_staff"])
    assert other.get(url).status_code == 404


def test_an_officer_records_a_managed_move(placed, sign_in):
    client = sign_in(placed["officer"])
    url = reverse("placements:move_add", args=[placed["pupil"].pk])
    start = timezone.localdate() + timedelta(days=7)
    post = {
        "kind": "managed_move",
        **date_post("start_date", start),
        "to_school": placed["other_trust_school"].pk,
        **date_post("home_school_consent_on", timezone.localdate()),
        **date_post("receiving_school_consent_on", timezone.localdate()),
    }
    refused = client.post(url, post)
    assert "needs the consent of the parents" in refused.content.decode()
    assert not PupilMove.objects.exists()
    done = client.post(url, {**post, **date_post("parent_consent_on", timezone.localdate())})
    assert done.status_code == 302
    move = PupilMove.objects.get()
    assert move.next_review_due == start + timedelta(weeks=6)
    detail = client.get(reverse("placements:move_detail", args=[move.pk]))
    assert "Managed move" in detail.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["la_officer", "provider_staff"])
def test_the_placement_list_and_caseload_take_the_same_queries_for_more_rows(placed, sign_in, role):
    client = sign_in(placed["users"][role])
    url = reverse("placements:list")

    def add(n):
        for _ in range(n):
            pupil = PupilFactory(la=placed["home"])
            enrol(pupil, placed["academy"])
            offer({**placed, "pupil": pupil}, hours_per_week=5, capacity_override_reason="Test")

    add(2)
    _queries(client, url)  # the first request of a session does its one-off work
    few = _queries(client, url)
    add(8)
    assert _queries(client, url) == few


def test_no_placement_page_answers_a_server_error_to_any_role(placed, sign_in, client):
    """Every placement and move page, with real ids, for every role: 200, redirect, 403 or 404."""
    from placements.moves.services import move_record

    placement = offer(placed)
    move = move_record(
        pupil=placed["pupil"],
        by=placed["users"]["school_staff"],
        kind="off_site",
        start_date=timezone.localdate() + timedelta(days=14),
        to_provider=placed["provider"],
        notice_given_on=timezone.localdate(),
    )
    paths = [
        reverse(name, args=[placement.pk])
        for name in (
            "placements:detail",
            "placements:answer",
            "placements:attendance",
            "placements:return_add",
            "placements:review_add",
            "placements:end",
            "placements:plan_add",
            "placements:plan_update",
            "placements:follow_up",
        )
    ] + [
        reverse("placements:add", args=[placed["pupil"].pk]),
        reverse("placements:move_add", args=[placed["pupil"].pk]),
        reverse("placements:move_detail", args=[move.pk]),
        reverse("placements:list") + "?state=all&q=casey",
        reverse("placements:list") + "?alert=no_return",
        reverse("placements:move_list"),
        reverse("organisations:la_settings"),
    ]
    for role, user in placed["users"].items():
        client.logout()
        signed_in = sign_in(user)
        signed_in.raise_request_exception = False
        for path in paths:
            status = signed_in.get(path).status_code
            assert status < 500, (role, path, status)
            if role in ("other_la_officer", "director") and "/placements/" in path:
                assert status in (403, 404) or path.startswith("/placements/?"), (role, path)


def test_a_stale_answer_is_refused(placed, sign_in):
    placement = offer(placed)
    client = sign_in(placed["users"]["provider_staff"])
    page = client.post(
        reverse("placements:answer", args=[placement.pk]),
        {"answer": "accept", "sessions": ["mon_am"], "version": placement.version - 1 + 5},
    )
    assert "Someone else changed this record" in page.content.decode()
    placement.refresh_from_db()
    assert placement.state == Placement.State.OFFERED


def test_a_provider_takes_a_whole_days_register_in_one_form(placed, sign_in, today):
    from tests.placements.test_placements import _running

    first = _running(placed)
    second = _running({**placed, "pupil": PupilFactory(la=placed["home"])})
    day = week_start(today) - timedelta(days=7)  # Monday 4 January 2027, last week's
    client = sign_in(placed["users"]["provider_staff"])
    url = reverse("placements:register") + f"?day={day.isoformat()}"
    page = client.get(url)
    body = page.content.decode()
    # Both pupils are expected on a Monday morning and afternoon, present unless told otherwise.
    for placement in (first, second):
        for half in ("am", "pm"):
            assert f'name="p{placement.pk}_{half}" type="text" value="/"' in body
    wrong = client.post(
        url,
        {
            f"p{first.pk}_am": "/", f"p{first.pk}_pm": "i",
            f"p{second.pk}_am": "Z", f"p{second.pk}_pm": "/",
        },
    )  # fmt: skip
    assert wrong.status_code == 400
    body = wrong.content.decode()
    assert f"Enter a DfE attendance code for {second.pupil.name}, morning" in body
    assert 'value="Z"' in body and 'value="i"' in body  # nothing typed is lost
    assert not AttendanceMark.objects.exists()  # nor half of the register saved
    saved = client.post(
        url,
        {
            f"p{first.pk}_am": "/", f"p{first.pk}_pm": "i",
            f"p{second.pk}_am": "o", f"p{second.pk}_pm": "/",
        },
        follow=True,
    )  # fmt: skip
    # Four sessions for two pupils; I (illness) and O (unauthorised) are the two not present.
    assert "4 sessions for 2 pupils, 2 not present" in saved.content.decode()
    assert sorted(AttendanceMark.objects.values_list("placement_id", "session", "code")) == sorted(
        [(first.pk, "am", "/"), (first.pk, "pm", "I"), (second.pk, "am", "O"),
         (second.pk, "pm", "/")]
    )  # fmt: skip
    # A class: one year group only. Neither pupil is in Year 1.
    assert "No pupil is expected" in client.get(url + "&year=1").content.decode()
    # The school has no register to take.
    assert sign_in(placed["users"]["school_staff"]).get(url).status_code == 403
