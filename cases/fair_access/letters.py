"""The Fair Access allocation, as a letter to the parent or carer: which school will admit the
child, and from when."""

from cases.fair_access.models import FairAccessAllocation, FairAccessCase
from cases.notices.letters import LetterKind, register_letter
from organisations.calendar import long_date

HEADING = "A school place for ((pupil_name))"
BODY = """Dear ((parent_name))

((la_name))'s Fair Access panel has found a school place for ((pupil_name)) under the In-Year
Fair Access Protocol.

* School: ((school))
* Year group: ((year_group))
* Starting on: ((start_date))
* How it was decided: ((how))

The school will contact you about ((pupil_first_name))'s first day. If you have any questions,
please contact me.

Yours sincerely

((officer_name)), ((la_name))"""


def _records(user, pupil) -> list:
    allocations = (
        FairAccessAllocation.objects.filter(
            case__in=FairAccessCase.objects.visible_to(user),
            case__pupil=pupil,
            answer=FairAccessAllocation.Answer.ACCEPTED,
        )
        .select_related("case", "school")
        .order_by("-allocated_on")
    )
    return [
        (a, f"The Fair Access place at {a.school.name} from {long_date(a.start_date)}")
        for a in allocations
    ]


def _values(allocation: FairAccessAllocation, today) -> dict:
    return {
        "school": allocation.school.name,
        "year_group": allocation.case.year_label,
        "start_date": long_date(allocation.start_date) if allocation.start_date else "to be agreed",
        "how": (
            "the school was directed to admit"
            if allocation.directed
            else "the school agreed to admit"
        ),
    }


def register() -> None:
    register_letter(
        LetterKind(
            key="fair_access",
            label="A Fair Access school place",
            heading=HEADING,
            body=BODY,
            fields={
                "school": "The school that will admit the child",
                "year_group": "The year group",
                "start_date": "The first day",
                "how": "Whether the school agreed or was directed",
            },
            records=_records,
            values=_values,
            sample={
                "school": "Kelmscott High School",
                "year_group": "Year 9",
                "start_date": "25 January 2027",
                "how": "the school agreed to admit",
            },
        )
    )
