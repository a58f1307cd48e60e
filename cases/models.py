"""Django finds the app's models here; each subject keeps its own in its sub-package."""

from cases.casework.models import CaseNote, LeadChange, Task  # noqa: F401
from cases.exclusions.models import Deadline, Exclusion, ExclusionEvent  # noqa: F401
from cases.fair_access.models import (  # noqa: F401
    FairAccessAllocation,
    FairAccessCase,
    YearGroupPlaces,
)
from cases.notices.models import (  # noqa: F401
    Letter,
    LetterTemplate,
    Message,
    NoticeChannel,
    NoticePreference,
)
from cases.pupils.counts import LaCount  # noqa: F401
from cases.pupils.models import Enrolment, Pupil, PupilGroupObjectPermission  # noqa: F401
from cases.referrals.models import EvidenceDocument, Referral, ReferralEvent  # noqa: F401
