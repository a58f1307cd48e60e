"""The caseload: open work led by an officer (or by nobody), each with what is due next, across
every kind an app registers (casework.registry). One SQL union, paged in the database: the
page reads a fixed number of queries however much work there is."""

from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Q, Value

from cases.casework.registry import WORK_KINDS

UNALLOCATED = "unallocated"


def _rows(user, lead: Q):
    parts = [
        kind.model.objects.visible_to(user)
        .filter(kind.open, lead)
        .annotate(work=Value(kind.key, output_field=CharField()), due_on=kind.due)
        .values("pk", "work", "due_on", "pupil_id")
        .order_by()
        for kind in WORK_KINDS.values()
    ]
    first, *rest = parts
    return first.union(*rest, all=True).order_by(F("due_on").asc(nulls_last=True), "work", "pk")


def lead_filter(officer) -> Q:
    """Work led by `officer` (a user), or UNALLOCATED for work nobody leads."""
    if officer == UNALLOCATED:
        return Q(lead_officer__isnull=True)
    return Q(lead_officer=officer)


def caseload_page(user, officer, page_number, per_page: int = 25):
    """One page of open work, soonest due first, each row with its record loaded."""
    page = Paginator(_rows(user, lead_filter(officer)), per_page).get_page(page_number)
    wanted: dict[str, list[int]] = {}
    for row in page.object_list:
        wanted.setdefault(row["work"], []).append(row["pk"])
    loaded = {
        key: kind.model.objects.select_related(*kind.related, "lead_officer").in_bulk(pks)
        for key, kind in WORK_KINDS.items()
        if (pks := wanted.get(key))
    }
    page.object_list = [
        _row(WORK_KINDS[row["work"]], loaded[row["work"]][row["pk"]], row["due_on"])
        for row in page.object_list
    ]
    return page


def _row(kind, record, due):
    return {
        "kind": kind,
        "record": record,
        "pupil": record.pupil,
        "due_on": due,
        "due_text": kind.due_text(record, due),
        "url": kind.url(record),
        "state": record.get_state_display(),
    }


def team_counts(user) -> tuple[dict, int]:
    """How much open work each officer leads, and how much nobody does: {officer id: count}."""
    counts: dict = {}
    for kind in WORK_KINDS.values():
        rows = (
            kind.model.objects.visible_to(user)
            .filter(kind.open)
            .values("lead_officer")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["lead_officer"]] = counts.get(row["lead_officer"], 0) + row["n"]
    unallocated = counts.pop(None, 0)
    return counts, unallocated
