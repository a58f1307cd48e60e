"""The demo local authorities, their schools, trusts, providers and one account per role.

Northmoor and Southvale are fictional; their DfE codes are taken from the ranges the school census
accepts so that identifiers built from them validate. Loading twice changes nothing.
"""

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.term_dates import academy_inset_days, non_school_days, term_dates
from organisations.calendar import school_year_of
from organisations.models import (
    LocalAuthority,
    NonSchoolDay,
    ProviderOrganisation,
    School,
    Term,
    Trust,
    User,
)
from organisations.roles import Role
from organisations.services import membership_set

P, S, SP = School.Phase.PRIMARY, School.Phase.SECONDARY, School.Phase.ALL_THROUGH
T = School.Type

# (name, phase, type, trust key or None, postcode, pupils on roll)
NORTHMOOR_SCHOOLS = [
    ("Harbridge Academy", S, T.ACADEMY_CONVERTER, "three_rivers", "NM1 4QT", 1420),
    ("Harbridge Park Primary School", P, T.COMMUNITY, None, "NM1 2HD", 412),
    ("St Aidan's CE Primary School", P, T.VOLUNTARY_AIDED, None, "NM1 6LB", 208),
    ("Kelmscott High School", S, T.FOUNDATION, None, "NM2 3RS", 1105),
    ("Kelmscott Infant and Nursery School", P, T.COMMUNITY, None, "NM2 1AF", 256),
    ("Kelmscott Junior School", P, T.COMMUNITY, None, "NM2 1AG", 330),
    ("Wexley Academy", S, T.ACADEMY_SPONSOR_LED, "northmoor_learning", "NM3 7DN", 1288),
    ("Wexley Primary Academy", P, T.ACADEMY_CONVERTER, "northmoor_learning", "NM3 5EP", 420),
    ("Marden Primary School", P, T.COMMUNITY, None, "NM4 8JW", 198),
    ("Marden Vale Academy", S, T.ACADEMY_CONVERTER, "kestrel", "NM4 2TU", 976),
    ("Thornbury Church of England Primary School", P, T.VOLUNTARY_CONTROLLED, None, "NM5 3BQ", 182),
    ("Thornbury Fields Primary Academy", P, T.ACADEMY_CONVERTER, "kestrel", "NM5 6YH", 395),
    ("Elmstead School", S, T.COMMUNITY, None, "NM6 1NN", 890),
    ("Elmstead Green Primary School", P, T.COMMUNITY, None, "NM6 4PL", 305),
    (
        "Bramley Oaks Primary Academy",
        P,
        T.ACADEMY_SPONSOR_LED,
        "northmoor_learning",
        "NM6 9GR",
        228,
    ),
    ("Castleton Community College", S, T.COMMUNITY, None, "NM7 2XE", 1210),
    ("Castleton St Joseph's Catholic Primary School", P, T.VOLUNTARY_AIDED, None, "NM7 5RF", 214),
    ("Castleton Free School", SP, T.FREE_SCHOOL, "three_rivers", "NM7 8HA", 760),
    ("Oakhurst Primary School", P, T.FOUNDATION, None, "NM8 1DS", 367),
    ("Oakhurst Academy", S, T.ACADEMY_CONVERTER, "kestrel", "NM8 4LQ", 1015),
    ("Fernleigh Primary Academy", P, T.ACADEMY_CONVERTER, "three_rivers", "NM8 7WB", 410),
    ("Fernleigh Nursery and Infant School", P, T.COMMUNITY, None, "NM8 7WD", 176),
    ("Northmoor Valley Primary School", P, T.COMMUNITY, None, "NM9 3EE", 119),
    (
        "Upper Harbridge Primary Academy",
        P,
        T.ACADEMY_CONVERTER,
        "northmoor_learning",
        "NM1 9KK",
        301,
    ),
    ("Harbridge Grange Special School", S, T.COMMUNITY_SPECIAL, None, "NM1 5SP", 142),
    ("Kelmscott Brook Academy", P, T.ACADEMY_SPECIAL, "kestrel", "NM2 6SB", 96),
    ("Wexley Trinity CE Academy", S, T.ACADEMY_CONVERTER, "northmoor_learning", "NM3 2TA", 840),
    ("Marden Hill Primary School", P, T.COMMUNITY, None, "NM4 5HP", 265),
    ("Elmstead St Peter's CE Primary School", P, T.VOLUNTARY_AIDED, None, "NM6 2SP", 154),
    ("Castleton Meadows Primary School", P, T.COMMUNITY, None, "NM7 3MP", 388),
]

SOUTHVALE_SCHOOLS = [
    ("Southvale Academy", S, T.ACADEMY_CONVERTER, "three_rivers", "SV1 2AB", 1310),
    ("Southvale Riverside Primary Academy", P, T.ACADEMY_CONVERTER, "three_rivers", "SV1 4RP", 402),
    ("Ashcombe High School", S, T.COMMUNITY, None, "SV2 6AH", 1050),
    ("Ashcombe Primary School", P, T.COMMUNITY, None, "SV2 3PS", 290),
    ("Linton St Mary's CE Primary School", P, T.VOLUNTARY_AIDED, None, "SV3 1LM", 210),
    ("Linton Park School", S, T.FOUNDATION, None, "SV3 8LP", 930),
]

# (name, Companies House number, the register's Group UID)
TRUSTS = {
    "northmoor_learning": ("Northmoor Learning Trust", "08123456", "17001"),
    "three_rivers": ("Three Rivers Academy Trust", "07654321", "17002"),
    "kestrel": ("Kestrel Education Partnership", "09234567", "17003"),
}

K = ProviderOrganisation.Kind
# (name, kind, urn, ukprn)
NORTHMOOR_PROVIDERS = [
    ("The Harbridge Centre (secondary PRU)", K.PRU, "139201", ""),
    ("Castleton Primary Support Centre (PRU)", K.PRU, "139202", ""),
    ("Pathways Alternative Education", K.UNREGISTERED, "", "10081234"),
    ("Wexley Vocational Skills Centre", K.INDEPENDENT_SCHOOL, "148877", ""),
    ("Bright Futures Online Learning", K.ONLINE, "", "10092345"),
    ("Marden College", K.FE_COLLEGE, "", "10004321"),
    ("Oakhurst Home Tuition Service", K.TUITION, "", "10076543"),
    ("Riverside Farm Education", K.WORK_BASED, "", "10087654"),
]
SOUTHVALE_PROVIDERS = [("Southvale Learning Centre (PRU)", K.PRU, "139301", "")]

# (username, first, last, role, organisation key, job title)
ACCOUNTS = [
    ("officer", "Priya", "Shah", Role.LA_OFFICER, ("la", "929"), "Inclusion officer"),
    ("caseworker", "Daniel", "Okoye", Role.LA_OFFICER, ("la", "929"), "Inclusion caseworker"),
    ("admin", "Tom", "Brennan", Role.LA_ADMIN, ("la", "929"), "Systems administrator"),
    (
        "panel",
        "Helen",
        "Okafor",
        Role.PANEL_MEMBER,
        ("la", "929"),
        "Head of inclusion, panel chair",
    ),
    ("senco", "Sarah", "Collins", Role.SCHOOL_STAFF, ("school", "Harbridge Academy"), "SENCO"),
    (
        "trust",
        "David",
        "Marsh",
        Role.TRUST_LEAD,
        ("trust", "three_rivers"),
        "Director of inclusion",
    ),
    (
        "provider",
        "Grace",
        "Adeyemi",
        Role.PROVIDER_STAFF,
        ("provider", "The Harbridge Centre (secondary PRU)"),
        "Headteacher",
    ),
    (
        "director",
        "Margaret",
        "Ellis",
        Role.DIRECTOR,
        ("la", "929"),
        "Director of Children's Services",
    ),
    ("southvale.officer", "Owen", "Pritchard", Role.LA_OFFICER, ("la", "938"), "Inclusion officer"),
]


def _calendar(la, today: date) -> None:
    """Last, this and next school year's term dates and closures, counted from `today`: the
    demo works whatever day it is loaded."""
    this_year = school_year_of(today)
    for year in (this_year - 1, this_year, this_year + 1):
        for name, start, end in term_dates(year):
            Term.objects.update_or_create(
                la=la,
                school=None,
                school_year=year,
                name=name,
                defaults={"start": start, "end": end},
            )
        for day, kind, description in non_school_days(year):
            NonSchoolDay.objects.update_or_create(
                la=la, school=None, date=day, defaults={"kind": kind, "description": description}
            )


@dataclass
class DemoContext:
    """What one app's demo loader hands to the next."""

    las: dict = field(default_factory=dict)
    trusts: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)
    # How much volume data (a year of exclusions...) to make: 1 is the demo LA's real size.
    scale: float = 1.0


def _school_rows(la, rows, first_urn, trusts, context):
    for offset, (name, phase, school_type, trust_key, postcode, on_roll) in enumerate(rows):
        # Establishment numbers follow the DfE's bands: 2xxx primary, 4xxx secondary, 7xxx special.
        band = "7" if "special" in school_type else ("2" if phase == P else "4")
        school, _ = School.objects.update_or_create(
            urn=str(first_urn + offset),
            defaults={
                "laestab": f"{la.code}{band}{offset + 1:03d}",
                "name": name,
                "phase": phase,
                "type": school_type,
                "la": la,
                "trust": trusts[trust_key] if trust_key else None,
                "postcode": postcode,
                "pupils_on_roll": on_roll,
            },
        )
        context.schools[name] = school


def _provider_rows(la, rows, context):
    for name, kind, urn, ukprn in rows:
        provider, _ = ProviderOrganisation.objects.update_or_create(
            name=name, la=la, defaults={"kind": kind, "urn": urn, "ukprn": ukprn}
        )
        context.providers[name] = provider


def _saved_accounts(path: Path) -> dict:
    if path.exists():
        return {row["username"]: row for row in json.loads(path.read_text())}
    return {}


def _account(row, saved, context):
    username, first, last, role, (kind, key), job_title = row
    organisation = {
        "la": context.las,
        "school": context.schools,
        "trust": context.trusts,
        "provider": context.providers,
    }[kind][key]
    before = saved.get(username)
    user = User.objects.filter(username=username).first()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
    if before is None or user is None or device is None:
        # New, or its saved password is lost: make fresh credentials (kept if saved earlier).
        password = before["password"] if before else secrets.token_urlsafe(12)
        secret = (
            before["totp_secret"] if before else base64.b32encode(secrets.token_bytes(20)).decode()
        )
        user = user or User(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username.replace('.', '-')}@example.org"
        user.set_password(password)
        user.save()
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user,
            name="Authenticator app",
            key=base64.b32decode(secret).hex(),
            confirmed=True,
        )
    else:
        password, secret = before["password"], before["totp_secret"]
    membership_set(user=user, role=role, organisation=organisation, job_title=job_title)
    context.users[username] = user
    context.accounts.append(
        {
            "username": username,
            "password": password,
            "role": Role(role).label,
            "organisation": str(organisation),
            "totp_secret": secret,
        }
    )


@transaction.atomic
def load(context: DemoContext, *, var_dir: Path) -> None:
    northmoor, _ = LocalAuthority.objects.update_or_create(
        code="929", defaults={"name": "Northmoor County Council", "ons_code": "E10000929"}
    )
    southvale, _ = LocalAuthority.objects.update_or_create(
        code="938", defaults={"name": "Southvale Borough Council", "ons_code": "E06000938"}
    )
    context.las = {"929": northmoor, "938": southvale}
    for key, (name, number, uid) in TRUSTS.items():
        trust, _ = Trust.objects.update_or_create(
            name=name, defaults={"companies_house_number": number, "group_uid": uid}
        )
        context.trusts[key] = trust
    _school_rows(northmoor, NORTHMOOR_SCHOOLS, 150101, context.trusts, context)
    _school_rows(southvale, SOUTHVALE_SCHOOLS, 160101, context.trusts, context)
    _provider_rows(northmoor, NORTHMOOR_PROVIDERS, context)
    _provider_rows(southvale, SOUTHVALE_PROVIDERS, context)
    today = timezone.localdate()
    _calendar(northmoor, today)
    _calendar(southvale, today)
    harbridge = context.schools["Harbridge Academy"]
    # An academy that sets its own INSET days, for this school year.
    for day in academy_inset_days(school_year_of(today)):
        NonSchoolDay.objects.update_or_create(
            la=northmoor,
            school=harbridge,
            date=day,
            defaults={"kind": NonSchoolDay.Kind.INSET, "description": "Academy INSET day"},
        )

    accounts_path = var_dir / "demo-accounts.json"
    saved = _saved_accounts(accounts_path)
    for row in ACCOUNTS:
        _account(row, saved, context)
    var_dir.mkdir(parents=True, exist_ok=True)
    accounts_path.write_text(json.dumps(context.accounts, indent=2) + "\n")
    accounts_path.chmod(0o600)
