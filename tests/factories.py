import base64

import factory
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
