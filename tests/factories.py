import base64
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import LocalAuthority, ProviderOrganisation, School, Trust, User
from organisations.roles import Role
from organisations.services import membership_set

PASSWORD = "correct horse battery staple"
# A fixed base32 TOTP secret, so tests can make codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{801 + n % 99:03d}")
    name = factory.Sequence(lambda n: f"Testshire {n} Council")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Academy Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    laestab = factory.LazyAttributeSequence(lambda o, n: f"{o.la.code}{4000 + n % 5000:04d}")
    name = factory.Sequence(lambda n: f"Test School {n}")
    phase = School.Phase.SECONDARY
    type = School.Type.COMMUNITY
    la = factory.SubFactory(LocalAuthorityFactory)
    trust = None
    pupils_on_roll = 900


class AcademyFactory(SchoolFactory):
    type = School.Type.ACADEMY_CONVERTER
    trust = factory.SubFactory(TrustFactory)


class ProviderOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderOrganisation

    name = factory.Sequence(lambda n: f"Test Provider {n}")
    kind = ProviderOrganisation.Kind.PRU
    la = factory.SubFactory(LocalAuthorityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(role: Role, organisation, *, with_device: bool = True, **user_fields) -> User:
    user = UserFactory(**user_fields)
    membership_set(user=user, role=role, organisation=organisation)
    if with_device:
        TOTPDevice.objects.create(
            user=user,
            name="Authenticator app",
            key=base64.b32decode(TOTP_SECRET).hex(),
            confirmed=True,
        )
    return user


def make_upn(la_code: str, serial: int, *, temporary: bool = False) -> str:
    """A valid UPN for an LA code (python-stdnum computes the check letter)."""
    from stdnum.gb import upn

    body = f"{la_code}2000{25:02d}{serial % 1000:03d}"  # establishment 2000, issued 2025
    if temporary:
        body = body[:-1] + "ABCDEFGHJKLMNPQRTUVWXYZ"[serial % 23]
    return upn.calc_check_digit(body) + body


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Pupil"

    la = factory.SubFactory(LocalAuthorityFactory)
    upn = factory.LazyAttributeSequence(lambda o, n: make_upn(o.la.code, n))
    legal_first_name = factory.Sequence(lambda n: f"Pupil{n}")
    legal_last_name = "Testcase"
    # Year 10 in 2026/27.
    date_of_birth = factory.Faker(
        "date_between_dates", date_start=date(2011, 9, 1), date_end=date(2012, 8, 31)
    )
    sex = "M"


def enrol(pupil, school, joined_on=None):
    from cases.pupils.models import Enrolment

    return Enrolment.objects.create(
        pupil=pupil, school=school, joined_on=joined_on or date(2024, 9, 1)
    )


def ready_provider(provider, *, by, primary=4, secondary=12, price_per_week="650.00"):
    """A provider the LA may place with: places, a price and every check current for a year."""
    from providers.models import DueDiligence, ProviderProfile

    today = timezone.localdate()
    ProviderProfile.objects.update_or_create(
        provider=provider,
        defaults={
            "primary_places": primary,
            "secondary_places": secondary,
            "price_per_week": price_per_week,
            "on_approved_list": True,
        },
    )
    for kind in DueDiligence.REQUIRED:
        DueDiligence.objects.create(
            profile=provider.profile,
            kind=kind,
            confirmed_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=335),
            recorded_by=by,
        )
    return provider


def date_post(name, day):
    """A GOV.UK date input's three boxes, as a form posts them."""
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def offer(placed, **overrides):
    """An LA placement offer for the `placed` fixture's pupil, 25 hours for 12 weeks from today."""
    from placements.commissioning.models import Placement
    from placements.commissioning.services import placement_offer

    start = overrides.pop("start_date", timezone.localdate())
    fields = {
        "pupil": placed["pupil"],
        "provider": placed["provider"],
        "by": placed["officer"],
        "source": Placement.Source.LA,
        "tier": Placement.Tier.TIER_2,
        "start_date": start,
        "planned_end": start + timedelta(weeks=12),
        "hours_per_week": Decimal("25"),
        "funding": Placement.Funding.HIGH_NEEDS,
    }
    return placement_offer(**{**fields, **overrides})


def record_exclusion(**fields):
    """exclusion_record with a one-day suspension's details unless told otherwise, recorded on
    its first day as a school would."""
    from cases.exclusions.services import exclusion_record

    defaults = {
        "kind": "FIXD",
        "start_date": date(2026, 10, 21),
        "end_date": date(2026, 10, 21),
        "sessions": 2,
        "reasons": ["DB"],
        "decided_by": "Mrs J Patel, headteacher",
        "parents_notified_on": None,
    }
    fields = {**defaults, **fields}
    fields.setdefault("recorded_on", fields["start_date"])
    return exclusion_record(**fields)
