"""The demo LA's data rights: a former pupil past the retention age, kept under a legal hold (an
inquiry), so the hold page and the retention job's exception can be seen. Loaded once."""

from datetime import date
from pathlib import Path

from cases.exclusions.models import Exclusion, ExclusionEvent
from cases.pupils.models import Enrolment, Pupil
from demo.organisations import DemoContext
from rights.models import LegalHold

# A valid UPN (check letter computed) for the demo LA, outside the generated series.
HELD_UPN = "B929400000001"


def load(context: DemoContext, *, var_dir: Path) -> None:
    la = context.las["929"]
    if Pupil.objects.filter(la=la, upn=HELD_UPN).exists():
        return
    officer = context.users["officer"]
    school = next(s for s in context.schools.values() if s.phase == "secondary")
    pupil = Pupil.objects.create(
        la=la,
        upn=HELD_UPN,
        legal_first_name="Daniel",
        legal_last_name="Ashworth",
        date_of_birth=date(1998, 4, 12),
        sex=Pupil.Sex.MALE,
        ethnicity=Pupil.Ethnicity.WBRI,
    )
    Enrolment.objects.create(
        pupil=pupil,
        school=school,
        joined_on=date(2009, 9, 2),
        left_on=date(2014, 7, 18),
        leaving_reason=Enrolment.LeavingReason.END_OF_EDUCATION,
    )
    exclusion = Exclusion.objects.create(
        pupil=pupil,
        school=school,
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2013, 3, 4),
        reasons=["PA"],
        decided_by="The headteacher",
        state=Exclusion.State.UPHELD,
        recorded_by=officer,
    )
    ExclusionEvent.objects.create(
        exclusion=exclusion,
        to_state=Exclusion.State.UPHELD,
        happened_on=date(2013, 3, 20),
        note="Upheld by the governing board",
        by=officer,
    )
    LegalHold.objects.create(
        pupil=pupil,
        reason=(
            "The council has been asked for its records by a statutory inquiry into care and "
            "education placements, 2010 to 2016. Keep until the inquiry reports."
        ),
        placed_by=officer,
        placed_on=date(2025, 6, 2),
    )
