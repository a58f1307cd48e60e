"""Who may lead, allocate, write notes and complete tasks: one place for the pages, the API and
the services."""

from organisations.models import User
from organisations.roles import LA_ROLES, Role


def la_of(record) -> int:
    """The LA whose officers lead a referral, a placement or a Fair Access case."""
    la_id = getattr(record, "la_id", None)
    return la_id if la_id is not None else record.pupil.la_id


def is_la_officer(user, la_id: int) -> bool:
    membership = user.membership_or_none() if user.is_authenticated else None
    return (
        membership is not None and membership.role == Role.LA_OFFICER and membership.la_id == la_id
    )


def may_allocate(user, record) -> bool:
    """The LA's officers allocate and hand over its work (the team view's allocating officer, or
    an officer handing over their own case)."""
    return is_la_officer(user, la_of(record))


def lead_candidates(la_id: int):
    """The officers who may lead the LA's work: its active LA officers."""
    return User.objects.filter(
        is_active=True, membership__role=Role.LA_OFFICER, membership__la_id=la_id
    ).order_by("first_name", "last_name", "username")


def may_restrict_notes(user) -> bool:
    """A restricted note is the LA's; only its staff write one (a school would not see its own)."""
    membership = user.membership_or_none()
    return membership is not None and membership.role in LA_ROLES


def may_edit_note(user, note) -> bool:
    """A note is its author's account: only they correct it (each version is kept)."""
    return note.author_id == user.pk


def may_complete_task(user, task) -> bool:
    """The task's owner (the person, or anyone at the owning school or provider) or an officer of
    its LA marks it done."""
    if task.owner_user_id == user.pk or is_la_officer(user, task.la_id):
        return True
    membership = user.membership_or_none()
    if membership is None:
        return False
    if task.owner_school_id is not None:
        return membership.school_id == task.owner_school_id
    return task.owner_provider_id is not None and membership.provider_id == task.owner_provider_id
