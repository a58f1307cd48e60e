"""Fair Access pages through the test client: scoping, errors on the page, nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from tests.factories import date_post
from tests.fair_access.conftest import _agreed, _allocated

pytestmark = pytest.mark.django_db


def test_an_officer_opens_a_case_and_bad_input_is_shown_on_the_page(fa, sign_in):
    client = sign_in(fa["users"]["la_officer"])
    url = reverse("cases:fair_access_open", args=[fa["pupil"].pk])
    form = {
        **date_post("unplaced_since", timezone.localdate() - timedelta(weeks=5)),
        **date_post("referred_on", timezone.localdate()),
        "applications_tried": "Two schools, both full",
        "home_district": "NM4",
    }
    page = client.post(url, form)
    assert "Select at least one of the groups" in page.content.decode()
    assert not FairAccessCase.objects.exists()
    done = client.post(url, {**form, "groups": ["5"]})
    assert done.status_code == 302
    assert FairAccessCase.objects.get().groups == ["5"]


def test_a_wrong_phase_allocation_is_a_400_with_the_reason_and_nothing_saved(fa, sign_in):
    case = _agreed(fa)
    client = sign_in(fa["users"]["panel_member"])
    page = client.post(
        reverse("cases:fair_access_step", args=[case.pk, "allocate"]),
        {"school": fa["primary"].pk, "reason": "Near", "version": case.version},
    )
    assert page.status_code == 400
    assert "this child needs a secondary place" in page.content.decode()
    assert not FairAccessAllocation.objects.exists()


def test_only_the_school_asked_answers_and_other_schools_get_404(fa, sign_in, client):
    case = _allocated(fa)
    url = reverse("cases:fair_access_detail", args=[case.pk])
    other = sign_in(fa["users"]["other_school_staff"])
    assert other.get(url).status_code == 404
    client.logout()
    asked = sign_in(fa["users"]["school_staff"])
    page = asked.get(url)
    assert page.status_code == 200
    assert "Whose turn is it" not in page.content.decode()
    refused = asked.post(
        reverse("cases:fair_access_step", args=[case.pk, "answer"]),
        {
            "answer": "accept",
            **date_post("start_date", timezone.localdate() - timedelta(days=2)),
            "version": case.version,
        },
    )
    assert refused.status_code == 400
    assert "cannot be before the allocation" in refused.content.decode()
    # A school cannot take the LA's steps.
    assert (
        asked.post(
            reverse("cases:fair_access_step", args=[case.pk, "allocate"]),
            {"school": fa["schools"]["kestrel"].pk, "version": case.version},
        ).status_code
        == 404
    )


def test_every_fair_access_page_answers_each_role_without_a_server_error(fa, sign_in, client):
    case = _allocated(fa)
    paths = [
        reverse("cases:fair_access_list"),
        reverse("cases:fair_access_list") + "?show=all",
        reverse("cases:fair_access_detail", args=[case.pk]),
        reverse("cases:fair_access_oversight"),
        reverse("cases:fair_access_open", args=[fa["pupil"].pk]),
        reverse("cases:pupil_detail", args=[fa["pupil"].pk]),
        "/",
    ]
    for role, user in fa["users"].items():
        client.logout()
        signed_in = sign_in(user)
        signed_in.raise_request_exception = False
        for path in paths:
            assert signed_in.get(path).status_code < 500, (role, path)
        for step in ("agree", "allocate", "answer", "escalate", "direction", "start"):
            status = signed_in.post(
                reverse("cases:fair_access_step", args=[case.pk, step]), {"version": "x"}
            ).status_code
            assert status < 500, (role, step, status)


def test_the_shares_page_draws_its_tables_again_when_an_admission_changes_them(fa, sign_in, today):
    """The tables are kept drawn in the cache under a digest of what they show: an admission
    changes the figures, so the page shows them at once, never the drawing from before."""
    from cases.fair_access.services import fair_access_answer

    client = sign_in(fa["users"]["la_officer"])
    url = reverse("cases:fair_access_oversight")

    def harbridge_row():
        page = client.get(url).content.decode()
        row = page[page.index('<td class="govuk-table__cell">Harbridge Academy</td>') :]
        return [cell.split("<")[0] for cell in row.split('numeric">')[1:5]]

    # No admission yet: admitted 0, share 0.0, difference 0.0, refused 0.
    assert harbridge_row() == ["0", "0.0", "0.0", "0"]
    assert harbridge_row() == ["0", "0.0", "0.0", "0"]  # drawn from the cache
    case = _allocated(fa)
    fair_access_answer(
        case=case,
        by=fa["users"]["school_staff"],
        version=case.version,
        accept=True,
        start_date=today + timedelta(days=7),
    )
    # One admission in the LA's secondary schools of 1,100 + 900 + 1,000 pupils: Harbridge's
    # fair share is 900 / 3,000 = 0.3 of it, so it took 0.7 more than its share.
    assert harbridge_row() == ["1", "0.3", "0.7", "0"]
