"""Who may take which Fair Access step, beyond seeing the case (`visible_to`): one place for the
pages, the API and the services. The LA's officers run the casework; the panel (officers and
members with the permission) allocates; only the school asked answers, besides an officer
recording its answer."""

from cases.fair_access.models import FairAccessCase
from organisations.roles import Role

LA_CASE_ROLES = (Role.LA_OFFICER, Role.PANEL_MEMBER)


def _role(user):
    membership = user.membership_or_none()
    return membership, (membership.role if membership else None)


def fair_access_step_for(user, case: FairAccessCase) -> str | None:
    """The one step this user may take on this case now ("agree", "allocate", "answer",
    "direction" or "start"), or None."""
    membership, role = _role(user)
    State = FairAccessCase.State
    if role == Role.LA_OFFICER and case.state == State.REFERRED:
        return "agree"
    if (
        role in LA_CASE_ROLES
        and case.state in (State.AGREED, State.REFUSED)
        and user.has_perm("cases.change_fairaccesscase")
    ):
        return "allocate"
    if case.state == State.ALLOCATED and user.has_perm("cases.change_fairaccessallocation"):
        allocation = case.allocations.order_by("-allocated_on", "-pk").first()
        if role == Role.LA_OFFICER or (
            role == Role.SCHOOL_STAFF and membership.school_id == allocation.school_id
        ):
            return "answer"
    if role == Role.LA_OFFICER and case.state == State.ESCALATED:
        return "direction"
    if role == Role.LA_OFFICER and case.state == State.ACCEPTED:
        return "start"
    return None


def runs_casework(user) -> bool:
    """The LA's officers run a case: the panel's agreement, escalation, the direction's outcome
    and the child's start are theirs to record."""
    return user.role == Role.LA_OFFICER


def may_allocate(user) -> bool:
    """The panel (the LA's officers and members with the permission) chooses the school."""
    return sees_as_la(user) and user.has_perm("cases.change_fairaccesscase")


def may_escalate(user) -> bool:
    """A refusal is escalated to a direction by the LA's officers."""
    return runs_casework(user)


def may_see_oversight(user) -> bool:
    """Each school's and trust's share against its fair share: for the LA's case roles."""
    membership = user.membership_or_none()
    return membership is not None and membership.role in LA_CASE_ROLES


def sees_as_la(user) -> bool:
    membership = user.membership_or_none()
    return membership is not None and membership.role in LA_CASE_ROLES
