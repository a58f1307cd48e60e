"""The kinds of message the service sends: who they are for, and whether a person may turn them
off. Statutory notices (a school asked to admit under the Fair Access Protocol, a direction, a
panel decision) cannot be turned off; each person chooses, for the rest, to have them at once, in
one daily summary, or not at all."""

from dataclasses import dataclass

from organisations.roles import Role

SCHOOLS = frozenset({Role.SCHOOL_STAFF, Role.TRUST_LEAD})
PROVIDERS = frozenset({Role.PROVIDER_STAFF})
OFFICERS = frozenset({Role.LA_OFFICER})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class NoticeKind:
    key: str
    label: str  # on the preferences page: what the person is told of
    audience: str  # who receives it, in words
    roles: frozenset  # whose preferences page offers it
    statutory: bool = False


KINDS: dict[str, NoticeKind] = {
    kind.key: kind
    for kind in (
        NoticeKind(
            "referral_more_info",
            "The local authority asks for more information on a referral",
            "schools",
            SCHOOLS,
        ),
        NoticeKind("referral_signposted", "A referral is signposted elsewhere", "schools", SCHOOLS),
        NoticeKind(
            "referral_accepted", "A referral is accepted to a panel meeting", "schools", SCHOOLS
        ),
        NoticeKind(
            "panel_decision",
            "The panel decides on a referral",
            "schools and providers",
            SCHOOLS | PROVIDERS,
            statutory=True,
        ),
        NoticeKind(
            "placement_offered", "A placement is offered to your provision", "providers", PROVIDERS
        ),
        NoticeKind("placement_accepted", "A provider accepts a placement", "officers", OFFICERS),
        NoticeKind(
            "placement_ending",
            "A placement ends soon",
            "providers, schools and officers",
            SCHOOLS | PROVIDERS | OFFICERS,
        ),
        NoticeKind(
            "return_overdue",
            "A weekly return or a placement review is overdue",
            "providers, then the lead officer",
            PROVIDERS | OFFICERS,
        ),
        NoticeKind(
            "fair_access_asked",
            "Your school is asked to admit a child",
            "schools",
            SCHOOLS,
            statutory=True,
        ),
        NoticeKind(
            "fair_access_reminder",
            "A reminder before the Fair Access 20 school days end",
            "schools",
            SCHOOLS,
            statutory=True,
        ),
        NoticeKind(
            "fair_access_direction", "A direction to admit", "schools", SCHOOLS, statutory=True
        ),
        NoticeKind("task_assigned", "You are given a task", "everyone", EVERYONE),
        NoticeKind("task_overdue", "A task of yours is overdue", "everyone", EVERYONE),
        NoticeKind(
            "term_dates",
            "Term dates are needed to count statutory deadlines",
            "LA administrators",
            frozenset({Role.LA_ADMIN}),
        ),
        NoticeKind(
            "message_failed",
            "A message about your case could not be delivered",
            "officers",
            OFFICERS,
            statutory=True,
        ),
    )
}
# The daily summary itself is a kind of its own, sent to whoever chose it.
DIGEST = "digest"
