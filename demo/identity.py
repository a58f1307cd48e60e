"""The demo LA's sign-in through identity providers: its council's groups mapped to roles, and the
demo accounts known to the local providers (scripts/oidc_local.mjs) that `make run` and the tests
start, so that the SENCO, the trust lead, the officer and the administrator can each sign in as
councils and schools do (their sign-in id at the provider is their username). Skipped when the
providers are not the local ones."""

import json
import logging
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from demo.organisations import DemoContext
from organisations.models import ExternalIdentity, User

logger = logging.getLogger("approvision.demo")

COUNCIL_ROLES = (
    "AP-Officers = la_officer\nAP-Admins = la_admin\nAP-Panel = panel_member\n"
    "AP-Directors = director"
)


def _local(issuer: str | None) -> bool:
    return bool(issuer) and urlsplit(issuer).hostname in ("127.0.0.1", "localhost")


def _tell(issuer: str, body: dict) -> bool:
    """Add a person at a local provider; False (and a warning) if it is not answering."""
    request = urllib.request.Request(  # noqa: S310 (the local provider, on loopback)
        issuer.rstrip("/") + "/_local/accounts",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 # nosec B310 (loopback)
            return True
    except OSError as error:
        logger.warning("The local provider at %s is not answering (%s)", issuer, error)
        return False


def _names(user: User) -> dict:
    return {"email": user.email, "given_name": user.first_name, "family_name": user.last_name}


def _dfe_organisation(name: str, category: tuple[str, str], **identifier: str) -> dict:
    """DfE Sign-in's `organisation` claim for an open school (urn=) or trust (uid=), with a
    stable id made from the identifier."""
    ((kind, value),) = identifier.items()
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{value}")),
        "name": name,
        "category": {"id": category[0], "name": category[1]},
        kind: value,
        "status": {"id": 1, "name": "Open"},
    }


def load(context: DemoContext, *, var_dir: Path) -> None:
    la = context.las["929"]
    la.council_roles = COUNCIL_ROLES
    la.save(update_fields=["council_roles"])
    dfe = settings.DFE_SIGNIN
    council = settings.COUNCIL_OIDC.get("929")
    if not (dfe and _local(dfe["issuer"]) and council and _local(council["issuer"])):
        return
    people = []
    senco = User.objects.filter(username="senco").select_related("membership__school").first()
    if senco is not None:
        school = senco.membership.school
        organisation = _dfe_organisation(school.name, ("001", "Establishment"), urn=school.urn)
        people.append(("dfe", senco, {"organisation": organisation}, ["APPROVISION_SCHOOL"]))
    trust_lead = User.objects.filter(username="trust").select_related("membership__trust").first()
    if trust_lead is not None and trust_lead.membership.trust.group_uid:
        trust = trust_lead.membership.trust
        organisation = _dfe_organisation(
            trust.name, ("010", "Multi-Academy Trust"), uid=trust.group_uid
        )
        people.append(("dfe", trust_lead, {"organisation": organisation}, ["APPROVISION_TRUST"]))
    for username, group in (("officer", "AP-Officers"), ("admin", "AP-Admins")):
        user = User.objects.filter(username=username).first()
        if user is not None:
            people.append((f"council-{la.code}", user, {"roles": ["All-Staff", group]}, []))
    for provider, user, claims, roles in people:
        issuer = dfe["issuer"] if provider == "dfe" else council["issuer"]
        told = _tell(
            issuer,
            {
                "provider": "dfe" if provider == "dfe" else "council",
                "sub": user.username,
                "claims": {**_names(user), **claims},
                "roles": roles,
                "mfa": True,
            },
        )
        if not told:
            continue
        ExternalIdentity.objects.get_or_create(
            provider=provider,
            subject=user.username,
            defaults={
                "user": user,
                # DfE Sign-in's id for their organisation, as a sign-in would keep it.
                "organisation_id": (claims.get("organisation") or {}).get("id", ""),
            },
        )
