"""Django finds the app's models here; each subject keeps its own in its sub-package."""

from placements.commissioning.models import Placement  # noqa: F401
from placements.moves.models import MoveReview, PupilMove  # noqa: F401
from placements.registers.models import AttendanceMark, ProviderReturn  # noqa: F401
from placements.reintegration.models import (  # noqa: F401
    FollowUp,
    ReintegrationPlan,
    ReintegrationStep,
)
from placements.reviews.models import Review  # noqa: F401
