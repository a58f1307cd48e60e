"""The panel's decision, as a letter to the parent or carer."""

from cases.notices.letters import LetterKind, register_letter
from organisations.calendar import long_date
from panels.models import Decision, PanelMeeting

HEADING = "The alternative provision panel's decision about ((pupil_name))"
BODY = """Dear ((parent_name))

((la_name))'s alternative provision panel met on ((meeting_date)) to consider the referral of
((pupil_name)) made by ((school)).

The panel's decision: ((decision)).

The panel's reasons: ((reason))

What happens next:

* Where ((pupil_first_name)) will be taught: ((provider))
* Starting on: ((start_date)), for ((hours)) hours a week
* The placement is reviewed by: ((review_date))

If you would like to talk about this decision, please contact me. You can ask for the decision
to be looked at again if something important has changed.

Yours sincerely

((officer_name)), ((la_name))"""


def _records(user, pupil) -> list:
    decisions = (
        Decision.objects.filter(
            item__meeting__in=PanelMeeting.objects.visible_to(user),
            item__referral__pupil=pupil,
        )
        .exclude(outcome=Decision.Outcome.DEFER)
        .select_related("item__meeting", "item__referral__school", "provider")
        .order_by("-decided_at")
    )
    return [
        (
            d,
            f"The panel's decision of {long_date(d.item.meeting.date)}: "
            f"{d.get_outcome_display().lower()}",
        )
        for d in decisions
    ]


def _date(day) -> str:
    return long_date(day) if day else "to be confirmed"


def _values(decision: Decision, today) -> dict:
    return {
        "meeting_date": long_date(decision.item.meeting.date),
        "decision": decision.get_outcome_display().lower(),
        "reason": decision.reason,
        "school": decision.item.referral.school.name,
        "provider": decision.provider.name if decision.provider_id else "not applicable",
        "start_date": _date(decision.start_date),
        "hours": f"{decision.hours_per_week:g}" if decision.hours_per_week else "to be confirmed",
        "review_date": _date(decision.first_review_date),
        "end_date": _date(decision.planned_end),
    }


def register() -> None:
    register_letter(
        LetterKind(
            key="decision",
            label="The panel's decision",
            heading=HEADING,
            body=BODY,
            fields={
                "meeting_date": "The date the panel met",
                "decision": "What the panel decided",
                "reason": "The panel's reasons",
                "school": "The school that referred",
                "provider": "The provider of the placement",
                "start_date": "The placement's start",
                "hours": "Hours a week",
                "review_date": "The first review",
                "end_date": "The planned end",
            },
            records=_records,
            values=_values,
            sample={
                "meeting_date": "13 January 2027",
                "decision": "approve a placement",
                "reason": "A small setting for a term, to rebuild attendance.",
                "school": "Harbridge Academy",
                "provider": "The Harbridge Centre",
                "start_date": "18 January 2027",
                "hours": "25",
                "review_date": "22 February 2027",
                "end_date": "9 April 2027",
            },
        )
    )
