"""Sign-in through identity providers: DfE Sign-in for schools and trusts, a council's own
provider (Entra ID or any OpenID Connect provider) for its staff.

The client is Authlib's (`authlib.integrations.django_client`): it reads each provider's discovery
document, sends the authorisation code flow with PKCE (S256), a state and a nonce kept in the
session, and checks the ID token's signature, issuer, audience, expiry and nonce. Authlib rather
than mozilla-django-oidc: this service has several providers at once (DfE Sign-in and one per
council), registered from settings; mozilla-django-oidc configures one provider per site.

Who a person is here follows from what the provider says, at every sign-in:
- DfE Sign-in: the `organisation` claim names their organisation by category (an establishment by
  URN, a trust by its GIAS group UID); their roles for this service come from DfE Sign-in's API
  (they are not in the token) and map to ours (settings.DFE_SIGNIN_ROLES).
- A council: its groups or roles claim, mapped in the LA's settings (LocalAuthority.council_roles).
An unknown or closed organisation, or no role, is refused in words saying whom to ask; the
membership follows a move or a withdrawn role; a withdrawn role ends every session and token.
"""

import logging
import re
import time
from dataclasses import dataclass

import requests
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import OctKey

from organisations.models import (
    ExternalIdentity,
    LocalAuthority,
    ProviderMfaDevice,
    School,
    Trust,
    User,
)
from organisations.roles import Role
from organisations.services import _access_end, membership_set

# DfE Sign-in's organisation categories.
ESTABLISHMENT = "001"
LOCAL_AUTHORITY = "002"
TRUSTS = {"010", "013"}  # multi-academy and single-academy trusts

oauth = OAuth()
logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    """A person the provider knows but this service cannot let in: the words say what to ask."""

    def __init__(self, words: str, *, ask: str):
        super().__init__(words)
        self.words, self.ask = words, ask


@dataclass(frozen=True)
class Provider:
    key: str  # "dfe" or "council-929"
    label: str
    config: dict
    la_code: str | None = None


def providers() -> dict[str, Provider]:
    found = {}
    if settings.DFE_SIGNIN:
        found["dfe"] = Provider("dfe", "DfE Sign-in", settings.DFE_SIGNIN)
    for code, config in settings.COUNCIL_OIDC.items():
        found[f"council-{code}"] = Provider(
            f"council-{code}", "your council's sign-in", config, la_code=code
        )
    return found


def client(provider: Provider):
    """Authlib's client for a provider, registered once per process."""
    existing = oauth.create_client(provider.key)
    if existing is not None:
        return existing
    config = provider.config
    return oauth.register(
        name=provider.key,
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        server_metadata_url=config["issuer"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": config["scopes"], "code_challenge_method": "S256"},
    )


def dfe_roles(claims: dict) -> list[str]:
    """The person's roles for this service at their organisation, from DfE Sign-in's API."""
    config = settings.DFE_SIGNIN
    now = int(time.time())
    token = jwt.encode(
        {"alg": "HS256"},
        {"iss": config["client_id"], "aud": "signin.education.gov.uk", "iat": now, "exp": now + 60},
        OctKey.import_key(config["api_secret"]),
    )
    organisation = claims["organisation"]["id"]
    response = requests.get(
        f"{config['api_url'].rstrip('/')}/services/{config['service_id']}/organisations/"
        f"{organisation}/users/{claims['sub']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code == 404:
        return []
    response.raise_for_status()
    return [role["code"] for role in response.json().get("roles", [])]


ASK_APPROVER = (
    "Ask your organisation's approver in DfE Sign-in to give you access to approvision, or your "
    "local authority's alternative provision team if your school should be here."
)


def dfe_membership(claims: dict, roles: list[str]) -> tuple[str, object]:
    """Our role and organisation for a DfE Sign-in person, or refused."""
    organisation = claims.get("organisation") or {}
    name = organisation.get("name") or "your organisation"
    category = (organisation.get("category") or {}).get("id")
    status = (organisation.get("status") or {}).get("id")
    if organisation.get("closedOn") or status == 2:
        raise SignInRefused(f"{name} is closed in DfE Sign-in.", ask=ASK_APPROVER)
    ours = [settings.DFE_SIGNIN_ROLES[code] for code in roles if code in settings.DFE_SIGNIN_ROLES]
    if category == ESTABLISHMENT:
        found = School.objects.filter(urn=organisation.get("urn") or "-", closed_on__isnull=True)
        role = Role.SCHOOL_STAFF
    elif category in TRUSTS:
        found = Trust.objects.filter(group_uid=organisation.get("uid") or "-")
        role = Role.TRUST_LEAD
    else:
        raise SignInRefused(
            f"approvision does not take DfE Sign-in for {name}: local authority staff sign in "
            "with their council's own sign-in.",
            ask="Use your council's sign-in, or ask your local authority's administrator.",
        )
    place = found.first()
    if place is None:
        raise SignInRefused(f"approvision does not know {name}.", ask=ASK_APPROVER)
    if role not in ours:
        raise SignInRefused(f"You do not have a role in approvision at {name}.", ask=ASK_APPROVER)
    return role, place


GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def council_groups(provider: Provider, claims: dict, access_token: str) -> list[str]:
    """The person's groups or roles: from the ID token, or, past Entra ID's limit of groups in a
    token (its "overage": `_claim_names` names `groups` and the token carries none), from
    Microsoft Graph: which of the groups the LA maps is the person in (`checkMemberGroups`, 20 at
    a time, with the person's own access token; the delegated permission User.Read allows it)."""
    given = claims.get("roles") or claims.get("groups")
    if given or "groups" not in (claims.get("_claim_names") or {}):
        return list(given or [])
    la = LocalAuthority.objects.filter(code=provider.la_code).first()
    # Entra ID names groups by their object id; Graph refuses a whole request with anything else.
    wanted = [key for key in (la.council_role_map() if la else {}) if GUID.fullmatch(key)]
    found = []
    for start in range(0, len(wanted), 20):
        response = requests.post(
            f"{provider.config['graph_url'].rstrip('/')}/me/checkMemberGroups",
            json={"groupIds": wanted[start : start + 20]},
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=10,
        )
        response.raise_for_status()
        found += response.json().get("value", [])
    return found


def council_membership(
    provider: Provider, claims: dict, groups: list[str] | None = None
) -> tuple[str, object]:
    la = LocalAuthority.objects.filter(code=provider.la_code).first()
    if la is None:
        raise SignInRefused("This council is not set up in approvision.", ask="Ask support.")
    mapped = la.council_role_map()
    given = groups if groups is not None else (claims.get("roles") or claims.get("groups") or [])
    roles = [mapped[g] for g in given if g in mapped]
    if not roles:
        raise SignInRefused(
            f"You do not have a role in approvision at {la.name}.",
            ask="Ask your council's administrator to add you to an approvision group.",
        )
    # The most able role the council gives, in a fixed order.
    order = [Role.LA_ADMIN, Role.LA_OFFICER, Role.DIRECTOR, Role.PANEL_MEMBER]
    return next(r for r in order if r in roles), la


def _withdraw(provider: Provider, subject: str) -> None:
    """A person known before who may no longer come in: every session and token ends."""
    identity = ExternalIdentity.objects.filter(provider=provider.key, subject=subject).first()
    if identity is not None:
        _access_end(user=identity.user)


def identity_sign_in(provider: Provider, claims: dict, roles: list[str] | None = None) -> User:
    """The user for a provider's person, made or updated from what the provider says now; a
    person refused now who came in before loses every session and token."""
    try:
        if provider.key == "dfe":
            role, organisation = dfe_membership(claims, roles or [])
        else:
            role, organisation = council_membership(provider, claims, roles)
    except SignInRefused:
        with transaction.atomic():
            _withdraw(provider, claims["sub"])
        raise
    return _identity_user(provider, claims, role, organisation)


@transaction.atomic
def _identity_user(provider: Provider, claims: dict, role: str, organisation) -> User:
    subject = claims["sub"]
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider.key, subject=subject)
        .first()
    )
    if identity is None:
        user = User.objects.create(
            username=f"{provider.key}-{subject}"[:150],
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        identity = ExternalIdentity.objects.create(
            user=user, provider=provider.key, subject=subject
        )
    user = identity.user
    if not user.is_active:
        raise SignInRefused(
            "Your approvision account has been disabled.",
            ask="Ask your local authority's administrator.",
        )
    membership = user.membership_or_none()
    if membership is None or membership.role != role or membership.organisation != organisation:
        membership_set(user=user, role=role, organisation=organisation)
    for field in ("email", "first_name", "last_name"):
        claim = {"first_name": "given_name", "last_name": "family_name"}.get(field, field)
        if claims.get(claim):
            setattr(user, field, claims[claim])
    user.save(update_fields=["email", "first_name", "last_name"])
    ExternalIdentity.objects.filter(pk=identity.pk).update(
        last_signed_in=timezone.now(),
        last_checked=timezone.now(),
        organisation_id=(claims.get("organisation") or {}).get("id") or "",
    )
    return user


@dataclass
class Recheck:
    asked: int = 0
    kept: int = 0
    withdrawn: int = 0
    unanswered: int = 0


def identities_recheck() -> Recheck:
    """Ask DfE Sign-in's API again for the roles of everyone whose session may still be going (a
    sign-in in the last 12 hours): someone whose role here was withdrawn, or who left the
    organisation, loses every session and token now rather than at their next sign-in. An API
    that does not answer withdraws nobody; they are asked again at the next run."""
    outcome = Recheck()
    if not settings.DFE_SIGNIN:
        return outcome
    since = timezone.now() - settings.SESSION_ABSOLUTE_TIMEOUT
    identities = (
        ExternalIdentity.objects.filter(
            provider="dfe", last_signed_in__gte=since, user__is_active=True
        )
        .exclude(organisation_id="")  # not signed in since the organisation was kept
        .select_related("user", "user__membership")
    )
    for identity in identities:
        outcome.asked += 1
        claims = {"sub": identity.subject, "organisation": {"id": identity.organisation_id}}
        try:
            roles = dfe_roles(claims)
        except requests.RequestException:
            outcome.unanswered += 1
            continue
        membership = identity.user.membership_or_none()
        ours = {settings.DFE_SIGNIN_ROLES.get(code) for code in roles}
        with transaction.atomic():
            if membership is None or membership.role not in ours:
                _access_end(user=identity.user)
                # Not again until they sign in (and are let in) once more.
                identity.last_signed_in = None
                outcome.withdrawn += 1
            else:
                outcome.kept += 1
            identity.last_checked = timezone.now()
            identity.save(update_fields=["last_signed_in", "last_checked"])
    if outcome.withdrawn or outcome.unanswered:
        logger.info(
            "DfE Sign-in recheck: %s asked, %s withdrawn, %s unanswered",
            outcome.asked,
            outcome.withdrawn,
            outcome.unanswered,
        )
    return outcome


def provider_mfa_device(user: User, provider: Provider) -> ProviderMfaDevice:
    device, _ = ProviderMfaDevice.objects.get_or_create(
        user=user,
        provider=provider.key,
        defaults={"name": f"{provider.label} (its own second factor)", "confirmed": True},
    )
    return device


def used_mfa(claims: dict) -> bool:
    """Whether the provider says it used a second factor (`amr`, RFC 8176; or an MFA `acr`)."""
    amr = claims.get("amr") or []
    acr = str(claims.get("acr") or "")
    return "mfa" in amr or acr.endswith(("mfa", "multi-factor"))
