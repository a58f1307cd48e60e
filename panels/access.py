"""Who may do what in a panel meeting, beyond seeing it (`visible_to`): one place for the pages,
the API and the services."""

from django.core.exceptions import PermissionDenied

from approvision.records import Refused
from organisations.roles import Role
from panels.models import PanelMeeting, PanelMember


def is_meetings_officer(user, meeting: PanelMeeting) -> bool:
    """An officer of the LA whose meeting it is: builds the agenda, issues the pack."""
    membership = user.membership_or_none()
    return (
        membership is not None
        and membership.role == Role.LA_OFFICER
        and membership.la_id == meeting.la_id
    )


def is_chair(user, meeting: PanelMeeting) -> bool:
    return meeting.members.filter(user=user, role=PanelMember.Role.CHAIR).exists()


def runs_meeting(user, meeting: PanelMeeting) -> bool:
    """The chair or the LA's officers record the panel's business (attendance, interests,
    decisions, actions, amendments)."""
    return is_meetings_officer(user, meeting) or is_chair(user, meeting)


def refuse_unless_runs_meeting(user, meeting: PanelMeeting) -> None:
    if not runs_meeting(user, meeting):
        raise Refused(
            "Only the chair or the local authority's officers record the panel's business"
        )


def forbid_unless_runs_meeting(user, meeting: PanelMeeting) -> None:
    """For the pages: a request from anyone else is refused outright."""
    if not runs_meeting(user, meeting):
        raise PermissionDenied
