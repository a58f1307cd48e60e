"""The kinds of message the service sends: who they are for, and whether a person may turn them
off. Statutory notices (a school asked to admit under the Fair Access Protocol, a direction, a
panel decision) cannot be turned off; each person chooses, for the rest, to have them at once, in
one daily summary, or not at all."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeKind:
    key: str
    label: str  # on the preferences page: what the person is told of
    audience: str  # who receives it, in words
    statutory: bool = False


KINDS: dict[str, NoticeKind] = {
    kind.key: kind
    for kind in (
        NoticeKind(
            "referral_more_info", "The local authority asks for more information", "Schools"
        ),
        NoticeKind("referral_signposted", "A referral is signposted elsewhere", "Schools"),
        NoticeKind("referral_accepted", "A referral is accepted to a panel meeting", "Schools"),
        NoticeKind(
            "panel_decision", "The panel decides on a referral", "Schools and providers", True
        ),
        NoticeKind("placement_offered", "A placement is offered to your provision", "Providers"),
        NoticeKind("placement_accepted", "A provider accepts a placement", "Officers"),
        NoticeKind("placement_ending", "A placement ends soon", "Providers, schools and officers"),
        NoticeKind(
            "return_overdue",
            "A weekly return or a placement review is overdue",
            "Providers, then the lead officer",
        ),
        NoticeKind("fair_access_asked", "Your school is asked to admit a child", "Schools", True),
        NoticeKind(
            "fair_access_reminder",
            "A reminder before the Fair Access 20 school days end",
            "Schools",
            True,
        ),
        NoticeKind("fair_access_direction", "A direction to admit", "Schools", True),
        NoticeKind("task_assigned", "You are given a task", "Everyone"),
        NoticeKind("task_overdue", "A task of yours is overdue", "Everyone"),
        NoticeKind(
            "term_dates",
            "Term dates are needed to count statutory deadlines",
            "LA administrators",
        ),
        NoticeKind(
            "message_failed",
            "A message about your case could not be delivered",
            "Officers",
            True,
        ),
    )
}
# The daily summary itself is a kind of its own, sent to whoever chose it.
DIGEST = "digest"
