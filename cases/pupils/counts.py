"""How many pupils and exclusions an LA sees, kept by the database rather than counted.

An LA officer's lists and the API's count their rows for the page count: on a 200,000-pupil LA a
`COUNT(*)` of its pupils is about 25 ms of every request, and of its 90,000 exclusions about 11.
Statement triggers (cases 0016) keep a delta a row: each insert, delete, or change of a pupil's
LA or home LA adds rows of +n or -n for the LAs it touches, so writers never wait on one
counter's lock (an import of 200,000 pupils adds a row an LA per statement). The count is the
sum of an LA's rows; `la_counts_compact` folds them into one a night.

A pupil, or an exclusion of a pupil, counts once for the LA whose record it is and once for their
home LA when that is another: the LA roles' scope (`la = X or home LA = X`).
"""

from django.db import connection, models, transaction
from django.db.models import Sum

from cases.pupils.models import LA_PUPIL_ROLES
from organisations.models import LocalAuthority


class LaCount(models.Model):
    class Subject(models.TextChoices):
        PUPILS = "pupils", "Pupils"
        EXCLUSIONS = "exclusions", "Exclusions"

    # No foreign key constraint: rows are written by triggers while an LA's records are deleted.
    la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["subject", "la"], name="cases_lacount_subject_la")]

    def __str__(self):
        return f"{self.subject} of LA {self.la_id}: {self.delta:+}"


def la_count(*, subject: str, la_id: int) -> int:
    """The rows of `subject` in the LA's scope now (as the database has kept them)."""
    total = LaCount.objects.filter(subject=subject, la_id=la_id).aggregate(n=Sum("delta"))["n"]
    return total or 0


def scope_kept_count(user, subject: str) -> int | None:
    """How many rows `visible_to(user)` gives, where the database keeps that count: an LA role
    whose scope is the LA's pupils and those living in it (the first branch of the pupils' and
    exclusions' `for_member`). None for every other scope: count it. A test holds the two equal
    for every role."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    membership = user.membership_or_none()
    if membership is None or membership.role not in LA_PUPIL_ROLES:
        return None
    return la_count(subject=subject, la_id=membership.la_id)


COMPACT = """
WITH gone AS (DELETE FROM cases_lacount RETURNING la_id, subject, delta)
INSERT INTO cases_lacount (la_id, subject, delta)
SELECT la_id, subject, sum(delta) FROM gone GROUP BY la_id, subject HAVING sum(delta) <> 0
"""


@transaction.atomic
def la_counts_compact() -> int:
    """Fold each LA's delta rows into one (nightly; safe to run at any time: the rows written
    while it runs are not among those it folds). Gives the rows left."""
    with connection.cursor() as cursor:
        cursor.execute(COMPACT)
    return LaCount.objects.count()
