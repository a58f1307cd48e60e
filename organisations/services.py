"""Changes to organisations and people. Each runs in one transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from approvision.records import Refused
from approvision.text import refuse_hidden_controls
from organisations.calendar_import import calendar_changed
from organisations.models import (
    ApiToken,
    LocalAuthority,
    Membership,
    NonSchoolDay,
    ProviderOrganisation,
    School,
    Term,
    Trust,
    User,
    caseload_group_name,
)
from organisations.roles import ROLE_ORGANISATION_FIELD, Role


@transaction.atomic
def membership_set(*, user: User, role: Role, organisation, job_title: str = "") -> Membership:
    """Give a user their one organisation and role, and the role's group (and only that group)."""
    fields = {"la": None, "trust": None, "school": None, "provider": None}
    fields[ROLE_ORGANISATION_FIELD[Role(role)]] = organisation
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "job_title": job_title, **fields}
    )
    groups = [Group.objects.get(name=Role(role).label)]
    if role == Role.PROVIDER_STAFF:
        # Provider staff share their provider's caseload: the pupils placed with it.
        groups.append(Group.objects.get_or_create(name=caseload_group_name(organisation.pk))[0])
    user.groups.set(groups)
    return membership


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    organisation,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
) -> User:
    """An LA administrator adds a user with one role in an organisation of their own LA; the
    password is shown once and must be changed at first sign-in."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    membership_set(user=user, role=role, organisation=organisation, job_title=job_title)
    return user


def _sessions_end(*, user: User, keep: str | None = None) -> None:
    user_id = str(user.pk)
    stale = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id and session.session_key != keep
    ]
    Session.objects.filter(session_key__in=stale).delete()


def _access_end(*, user: User, keep_session: str | None = None) -> None:
    """End every way in the user had: their sessions (but the one they are changing their own
    password in) and every API token. After a password reset, a second-factor reset, a password
    change or disabling, nothing issued before may still work (hardening finding 2)."""
    _sessions_end(user=user, keep=keep_session)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_disable(*, user: User) -> None:
    """Disable an account and end every session it has (security bar G4).

    Django already refuses an inactive user on their next request; deleting the sessions also
    stops a session from living on should the account be enabled again.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
    _access_end(user=user)


def _check_administers(*, by: User, user: User) -> None:
    if not User.objects.visible_to(by).filter(pk=user.pk).exists():
        raise Refused("You can only manage users in your local authority.")
    if user.pk == by.pk:
        raise Refused("You cannot do this to your own account.")


def one_time_password() -> str:
    """A password an administrator passes on; the user must replace it at first sign-in."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


@transaction.atomic
def user_add(
    *,
    by: User,
    username: str,
    role: Role,
    organisation,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str = "",
) -> tuple[User, str]:
    """An LA administrator adds a user to an organisation in their LA, with a one-time password."""
    refuse_hidden_controls(
        {"first_name": first_name, "last_name": last_name, "job_title": job_title},
        ["first_name", "last_name", "job_title"],
        {"first_name": "First name", "last_name": "Last name", "job_title": "Job title"},
    )
    in_scope = {
        "la": LocalAuthority.objects.visible_to(by),
        "school": School.objects.visible_to(by),
        "trust": Trust.objects.visible_to(by),
        "provider": ProviderOrganisation.objects.visible_to(by),
    }[ROLE_ORGANISATION_FIELD[Role(role)]]
    if not in_scope.filter(pk=organisation.pk).exists():
        raise Refused("You can only add users to organisations in your local authority.")
    password = one_time_password()
    user = user_create(
        username=username,
        password=password,
        role=role,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
    )
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user, password


@transaction.atomic
def user_set_active(*, by: User, user: User, active: bool) -> None:
    """Disable or re-enable an account; disabling ends its sessions at once."""
    _check_administers(by=by, user=user)
    if active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    else:
        user_disable(user=user)


@transaction.atomic
def user_reset_password(*, by: User, user: User) -> str:
    """A new one-time password; the user's sessions end and they must choose their own."""
    _check_administers(by=by, user=user)
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _access_end(user=user)
    return password


@transaction.atomic
def user_reset_second_factor(*, by: User, user: User) -> None:
    """For a lost phone or laptop: the next sign-in sets up a new authenticator app, and every
    passkey goes (one may be on the lost device)."""
    _check_administers(by=by, user=user)
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    _access_end(user=user)


@transaction.atomic
def user_change_password(*, user: User, password: str, session_key: str | None = None) -> None:
    """The user changes their own password (Django's validators): this session (`session_key`)
    stays signed in; their other sessions and every API token end."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _access_end(user=user, keep_session=session_key)


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up, made on first sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_verify(*, user: User, code: str, request=None, confirm: bool = False) -> TOTPDevice | None:
    """Check a TOTP code against the user's device; a wrong code counts towards the lockout.

    django-otp throttles each device after a failure; reporting the failure to django-axes as well
    means guessing codes locks the account exactly as guessing passwords does (security bar G9).
    """
    devices = TOTPDevice.objects.filter(user=user, confirmed=not confirm)
    for device in devices:
        if device.verify_token(code):
            if confirm:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            return device
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    return None


@transaction.atomic
def term_dates_set(*, term: Term, start, end) -> Term:
    """Change a term's dates; open deadlines are recounted on the new calendar (a queued task)."""
    term.start, term.end = start, end
    term.save(update_fields=["start", "end"])
    calendar_changed(la=term.la)
    return term


@transaction.atomic
def non_school_day_add(*, la, school, day, kind: str, description: str = "") -> NonSchoolDay:
    """Add an INSET day, bank holiday or closure; open deadlines are recounted."""
    if NonSchoolDay.objects.filter(la=la, school=school, date=day).exists():
        raise Refused("That day is already a non-school day")
    created = NonSchoolDay.objects.create(
        la=la, school=school, date=day, kind=kind, description=description
    )
    calendar_changed(la=la)
    return created


@transaction.atomic
def non_school_day_remove(*, day: NonSchoolDay) -> None:
    """Remove a non-school day; open deadlines are recounted."""
    day.delete()
    calendar_changed(la=day.la)


def api_token_hash(key: str) -> str:
    """The SHA-256 of a token, which is all the database keeps of it."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for a user who gave their password and a current code. The key is shown
    once; only its hash is kept. It expires after APPROVISION_API_TOKEN_DAYS."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=api_token_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(days=settings.APPROVISION_API_TOKEN_DAYS),
    )
    return token, key


def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """The user ends one of their own API tokens."""
    if token.user_id != by.pk:
        raise Refused("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
