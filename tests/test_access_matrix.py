"""The access matrix (security bar G1, G12, G13): every subject x every object endpoint (HTML and
API) x every action, against one policy table. Zero mismatches; lists never show an id the
subject may not see; each allowed read of pupil-level data writes exactly one audit row; each
refusal is logged."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import Denial, PupilRead
from cases.casework.services import note_add
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record
from cases.fair_access.services import fair_access_agree, fair_access_allocate, fair_access_open
from cases.notices.letters import letter_send
from cases.notices.models import Letter
from cases.referrals.services import referral_start
from organisations.roles import Role
from organisations.services import api_token_issue, user_disable
from placements.commissioning.models import Placement
from placements.commissioning.services import (
    caseload_revoke_if_done,
    placement_answer,
    placement_end,
    placement_offer,
    placements_daily,
)
from placements.registers.services import return_submit, week_start
from reports.models import Report
from tests.factories import (
    ProviderOrganisationFactory,
    PupilFactory,
    enrol,
    make_member,
    ready_provider,
)

# Subjects of security-bar.md, plus the LA administrator (who administers people and the audit).
SUBJECTS = [
    "la_officer",
    "other_la_officer",
    "school_staff",
    "same_trust_other_school",
    "other_trust_school",
    "provider_current",
    "provider_ended",
    "director",
    "la_admin",
    "anonymous",
    "disabled",
]

PUPIL_READERS = {"la_officer", "school_staff", "provider_current"}
# The one policy table: (object, action) -> the subjects allowed. Everyone else is refused.
POLICY = {
    ("pupil", "get"): PUPIL_READERS,
    ("pupil", "list"): PUPIL_READERS,
    ("pupil", "update"): {"la_officer", "school_staff"},
    ("pupil", "export"): {"la_officer"},
    ("exclusion", "get"): PUPIL_READERS,
    ("exclusion", "list"): PUPIL_READERS,
    ("referral", "get"): PUPIL_READERS,
    ("referral", "list"): PUPIL_READERS,
    ("referral", "update"): {"school_staff"},
    ("placement", "get"): PUPIL_READERS,
    ("placement", "list"): PUPIL_READERS,
    ("fair_access", "get"): {"la_officer", "school_staff"},
    ("fair_access", "list"): {"la_officer", "school_staff"},
    ("provider_return", "get"): PUPIL_READERS,
    ("provider_return", "list"): PUPIL_READERS,
    ("note", "get"): PUPIL_READERS,
    ("note", "list"): PUPIL_READERS,
    # Left out of the school's and provider's lists too: tests/api/test_notes_api.py.
    ("restricted_note", "get"): {"la_officer"},
    ("report", "get"): {"la_officer", "director"},
    ("report", "list"): {"la_officer", "director"},
    ("user", "get"): {"la_admin"},
    ("audit", "list"): {"la_admin"},
    # Letters to parents are the LA officers' (cases.notices.letters).
    ("letter", "get"): {"la_officer"},
    ("pupil_letters", "get"): {"la_officer"},
}
PUPIL_LEVEL = {
    "pupil",
    "exclusion",
    "referral",
    "placement",
    "fair_access",
    "provider_return",
    "note",
    "restricted_note",
    "letter",
    "pupil_letters",
}

# How each (object, action) is asked for: (kind, method, address). {id} is the object's id.
ENDPOINTS = {
    ("pupil", "get"): [("html", "get", "/pupils/{id}/"), ("api", "get", "/api/v1/pupils/{id}/")],
    ("pupil", "list"): [("list", "get", "/api/v1/pupils/?page_size=100")],
    ("pupil", "update"): [("api", "patch", "/api/v1/pupils/{id}/")],
    ("pupil", "export"): [("html", "post", "/pupils/{id}/subject-access/")],
    ("exclusion", "get"): [
        ("html", "get", "/exclusions/{id}/"),
        ("api", "get", "/api/v1/exclusions/{id}/"),
    ],
    ("exclusion", "list"): [("list", "get", "/api/v1/exclusions/?page_size=100")],
    ("referral", "get"): [
        ("html", "get", "/referrals/{id}/"),
        ("api", "get", "/api/v1/referrals/{id}/"),
    ],
    ("referral", "list"): [("list", "get", "/api/v1/referrals/?page_size=100")],
    ("referral", "update"): [("api", "patch", "/api/v1/referrals/{id}/")],
    ("placement", "get"): [
        ("html", "get", "/placements/{id}/"),
        ("api", "get", "/api/v1/placements/{id}/"),
    ],
    ("placement", "list"): [("list", "get", "/api/v1/placements/?page_size=100")],
    ("fair_access", "get"): [
        ("html", "get", "/fair-access/{id}/"),
        ("api", "get", "/api/v1/fair-access-cases/{id}/"),
    ],
    ("fair_access", "list"): [("list", "get", "/api/v1/fair-access-cases/?page_size=100")],
    ("provider_return", "get"): [("api", "get", "/api/v1/provider-returns/{id}/")],
    ("provider_return", "list"): [("list", "get", "/api/v1/provider-returns/?page_size=100")],
    ("note", "get"): [("api", "get", "/api/v1/case-notes/{id}/")],
    ("note", "list"): [("list", "get", "/api/v1/case-notes/?page_size=100")],
    ("restricted_note", "get"): [
        ("html", "get", "/notes/{id}/edit/"),
        ("api", "get", "/api/v1/case-notes/{id}/"),
    ],
    ("report", "get"): [("html", "get", "/reports/{id}/"), ("api", "get", "/api/v1/reports/{id}/")],
    ("report", "list"): [("list", "get", "/api/v1/reports/?page_size=100")],
    ("user", "get"): [("html", "get", "/users/{id}/")],
    ("audit", "list"): [("html", "get", "/audit/?upn={upn}")],
    ("letter", "get"): [("html", "get", "/letters/{id}/pdf/")],
    ("pupil_letters", "get"): [("html", "get", "/pupils/{id}/letters/")],
}
UPDATES = {"pupil": {"looked_after": True}, "referral": {"needs": "Updated in the matrix"}}


def test_the_policy_covers_every_endpoint():
    assert set(POLICY) == set(ENDPOINTS)
    for allowed in POLICY.values():
        assert allowed <= set(SUBJECTS)


@pytest.fixture
def matrix(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = world["users"]["la_officer"]
    senco = world["users"]["school_staff"]
    ready_provider(world["provider"], by=officer)
    ended = ProviderOrganisationFactory(la=world["home"], name="The Old Centre")
    ready_provider(ended, by=officer)
    subjects = {
        "la_officer": officer,
        "other_la_officer": world["users"]["other_la_officer"],
        "school_staff": senco,
        "same_trust_other_school": make_member(Role.SCHOOL_STAFF, world["sister"]),
        "other_trust_school": make_member(Role.SCHOOL_STAFF, world["other_trust_school"]),
        "provider_current": world["users"]["provider_staff"],
        "provider_ended": make_member(Role.PROVIDER_STAFF, ended),
        "director": world["users"]["director"],
        "la_admin": world["users"]["la_admin"],
        "disabled": make_member(Role.LA_OFFICER, world["home"]),
    }
    pupil = PupilFactory(la=world["home"], date_of_birth=date(2012, 3, 1))
    enrol(pupil, world["academy"], joined_on=date(2023, 9, 4))
    today = timezone.localdate()
    exclusion = exclusion_record(
        by=senco,
        pupil=pupil,
        school=world["academy"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=today - timedelta(days=14),
        reasons=["PA"],
        decided_by="Head",
    )
    referral = referral_start(pupil=pupil, by=senco)
    terms = {
        "pupil": pupil,
        "by": officer,
        "source": Placement.Source.LA,
        "tier": Placement.Tier.TIER_2,
        "hours_per_week": Decimal("10"),
        "funding": Placement.Funding.HIGH_NEEDS,
    }
    old = placement_offer(
        provider=ended,
        start_date=today - timedelta(days=120),
        planned_end=today - timedelta(days=80),
        **terms,
    )
    old = placement_answer(
        placement=old, by=subjects["provider_ended"], version=old.version, accept=True,
        sessions=["mon_am"],
    )  # fmt: skip
    placement_end(
        placement=old, by=officer, version=old.version, ended_on=today - timedelta(days=80),
        reason=Placement.EndReason.MOVED_ON,
    )  # fmt: skip
    old.refresh_from_db()
    assert caseload_revoke_if_done(old, today)
    placement = placement_offer(
        provider=world["provider"],
        start_date=week_start(today) - timedelta(days=7),
        planned_end=today + timedelta(days=60),
        **terms,
    )
    placement = placement_answer(
        placement=placement, by=subjects["provider_current"], version=placement.version,
        accept=True, sessions=["mon_am"],
    )  # fmt: skip
    placements_daily(today)
    placement.refresh_from_db()
    sent = return_submit(
        placement=placement,
        by=subjects["provider_current"],
        period="week",
        period_start=week_start(today) - timedelta(days=7),
        period_end=None,
        sessions_possible=10,
        sessions_attended=10,
        progress="Settled",
    )
    unplaced = PupilFactory(la=world["home"], date_of_birth=date(2012, 5, 1))
    case = fair_access_open(
        pupil=unplaced,
        by=officer,
        groups=["7"],
        unplaced_since=today - timedelta(weeks=6),
        applications_tried="None",
        home_district="",
        referred_on=today - timedelta(days=3),
    )
    case = fair_access_agree(case=case, by=officer, version=case.version, agreed_on=today)
    fair_access_allocate(
        case=case, by=officer, version=case.version, school=world["academy"], reason="Nearest"
    )
    note = note_add(pupil=pupil, by=senco, kind="meeting", happened_on=today, text="Met the family")
    restricted = note_add(
        pupil=pupil, by=officer, kind="phone", happened_on=today, text="Social worker called",
        restricted=True,
    )  # fmt: skip
    report = Report.objects.create(
        kind=Report.Kind.BOARD,
        la=world["home"],
        key="matrix-board",
        title="Board report",
        period_start=today - timedelta(days=90),
        period_end=today,
        status=Report.Status.QUEUED,
    )
    # The LA's notice to the parent of the education from the 6th day of the exclusion.
    letter = letter_send(
        kind_key="sixth_day",
        record=exclusion,
        pupil=pupil,
        by=officer,
        recipient="Ms A Parent",
        address="1 High Street\nNorthmoor\nNM1 1AA",
        sent_by=Letter.SentBy.HAND,
    )
    objects = {
        "pupil": pupil,
        "letter": letter,
        "pupil_letters": pupil,
        "exclusion": exclusion,
        "referral": referral,
        "placement": placement,
        "fair_access": case,
        "provider_return": sent,
        "note": note,
        "restricted_note": restricted,
        "report": report,
        "user": subjects["school_staff"],
        "audit": pupil,
    }
    pupil_of = {
        "pupil": pupil.pk,
        "exclusion": pupil.pk,
        "referral": pupil.pk,
        "placement": pupil.pk,
        "fair_access": unplaced.pk,
        "provider_return": pupil.pk,
        "note": pupil.pk,
        "restricted_note": pupil.pk,
        "letter": pupil.pk,
        "pupil_letters": pupil.pk,
    }
    return {"subjects": subjects, "objects": objects, "pupil_of": pupil_of}


def _clients(subject, matrix, sign_in):
    html, api = Client(raise_request_exception=False), APIClient()
    api.raise_request_exception = False
    if subject == "anonymous":
        return html, api
    user = matrix["subjects"][subject]
    sign_in(user, html)
    _, key = api_token_issue(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if subject == "disabled":
        user_disable(user=user)
    return html, api


def _ask(kind, method, address, html, api, name, tag):
    if kind == "html":
        return getattr(html, method)(address)
    if method == "patch":
        return api.patch(address, UPDATES[name], format="json", HTTP_IF_MATCH=tag)
    return api.get(address)


@pytest.mark.parametrize("subject", SUBJECTS)
def test_access_matrix(subject, matrix, sign_in, settings):
    settings.APPROVISION_RATE_LIMITS = {"api": (10_000, 60), "export": (10_000, 3600)}
    html, api = _clients(subject, matrix, sign_in)
    mismatches = []
    for (name, action), requests in ENDPOINTS.items():
        allowed = subject in POLICY[(name, action)]
        obj = matrix["objects"][name]
        for kind, method, template in requests:
            address = template.format(id=obj.pk, upn=getattr(obj, "upn", ""))
            # An update sends the record's current ETag (as a client that had read it would).
            tag = (
                f'"{obj.pk}-{type(obj).objects.get(pk=obj.pk).version}"'
                if method == "patch"
                else ""
            )
            reads, denials = PupilRead.objects.count(), Denial.objects.count()
            response = _ask(kind, method, address, html, api, name, tag)
            status = response.status_code
            cell = (subject, name, action, method.upper(), address, status)
            if kind == "list":
                shown = (
                    {row["id"] for row in response.json()["results"]} if status == 200 else set()
                )
                sees = obj.pk in shown
                if sees != allowed:
                    mismatches.append((*cell, "listed" if sees else "not listed"))
                refused = status != 200
            else:
                ok = status == 200
                if ok != allowed:
                    mismatches.append((*cell, "allowed" if ok else "refused"))
                refused = not ok
            # Reads of pupil-level data: exactly one audit row when allowed, none when refused.
            new_reads = PupilRead.objects.count() - reads
            if name in PUPIL_LEVEL and action in ("get", "list", "export"):
                expected = 1 if (allowed and not refused) else 0
                if new_reads != expected:
                    mismatches.append((*cell, f"{new_reads} audit rows"))
                if expected:
                    row = PupilRead.objects.order_by("-pk").first()
                    if matrix["pupil_of"][name] not in row.pupil_ids:
                        mismatches.append((*cell, "audit row without the pupil"))
            # Every refusal is logged.
            logged = Denial.objects.count() - denials
            if refused and status in (302, 401, 403, 404) and logged != 1:
                mismatches.append((*cell, "refusal not logged"))
            if status >= 500:
                mismatches.append((*cell, "server error"))
    assert mismatches == []
