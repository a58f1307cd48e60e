"""Asking for a report, and producing it (in a Celery worker) exactly once.

A report is a row with a unique key: asking twice with the same key returns the first. The task
claims the row (queued -> running, with its worker's name and a heartbeat), rechecks that whoever
asked may still see its scope, builds it step by step (progress for the page), and finishes only
if it still holds the claim. A worker killed mid-report leaves a stale heartbeat; the sweeper
puts the report back in the queue and another worker produces it. A late duplicate delivery finds
it done and does nothing.
"""

import os
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from approvision.records import transition
from approvision.tasks import queue, worker_name
from cases.exclusions.models import Deadline
from organisations.models import LocalAuthority, User
from panels.models import PanelMeeting
from panels.pdf import render_pdf
from placements.commissioning.models import Placement
from placements.registers.models import ProviderReturn
from providers.models import LAPSING_DAYS, DueDiligence
from reports.access import FigureScope
from reports.figures import Period, term_of
from reports.models import LA_REPORT_ROLES, Report
from reports.presentation import figures_context

STALE_AFTER = timedelta(seconds=getattr(settings, "REPORT_STALE_SECONDS", 120))


def report_request(
    *,
    kind: str,
    la: LocalAuthority,
    key: str,
    by: User | None,
    period_start: date,
    period_end: date,
    title: str,
) -> tuple[Report, bool]:
    """Ask for a report; the same key twice gives the first. Queues it once the row is saved."""
    if by is not None:
        membership = by.membership_or_none()
        if (
            membership is None
            or membership.role not in LA_REPORT_ROLES
            or membership.la_id != la.pk
        ):
            raise PermissionError("This report is for the local authority's officers and directors")
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            key=key[:200],
            defaults={
                "kind": kind,
                "la": la,
                "requested_by": by,
                "period_start": period_start,
                "period_end": period_end,
                "title": title,
            },
        )
        if created:
            transaction.on_commit(lambda: enqueue(report.pk))
    return report, created


def enqueue(report_id: int) -> None:
    # With Redis down the report stays queued; the sweeper sends it once Redis is back.
    """Send a report to the workers; with Redis down it stays queued for the sweeper."""
    queue("reports.tasks.produce", report_id)


def _claim(report_id: int) -> Report | None:
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(pk=report_id).first()
        if report is None or report.status in (Report.Status.DONE, Report.Status.FAILED):
            return None
        if (
            report.status == Report.Status.RUNNING
            and report.heartbeat_at
            and now - report.heartbeat_at < STALE_AFTER
        ):
            return None  # another worker is on it
        return transition(
            report,
            Report.Status.RUNNING,
            by=None,
            claimed_by=worker_name(),
            heartbeat_at=now,
            attempts=report.attempts + 1,
            progress=0,
        )


def _beat(report: Report, progress: int, step: str) -> None:
    """Record progress and prove the worker is alive; a test may slow it down to kill it."""
    Report.objects.filter(pk=report.pk, claimed_by=report.claimed_by).update(
        progress=progress, step=step, heartbeat_at=timezone.now()
    )
    delay = float(os.environ.get("APPROVISION_REPORT_STEP_DELAY", "0") or 0)
    if delay:
        time.sleep(delay)


def _allowed(report: Report) -> bool:
    """The requester must still be allowed to see the report's scope when it runs."""
    if report.requested_by is None:
        return True
    user = report.requested_by
    return LocalAuthority.objects.visible_to(user).filter(pk=report.la_id).exists() and (
        getattr(user.membership_or_none(), "role", None) in LA_REPORT_ROLES
    )


def produce(report_id: int) -> str:
    """Produce one report, once: claim it (a heartbeat proves the worker alive), recheck the
    requester's scope, build the PDF and store it; a report finished elsewhere is left alone."""
    report = _claim(report_id)
    if report is None:
        return "nothing to do"
    if not _allowed(report):
        _fail(report, "Whoever asked for it may no longer see this local authority's reports")
        return "refused"
    builders = {
        Report.Kind.BOARD: _board,
        Report.Kind.MONITORING: _monitoring,
        Report.Kind.PANEL_PACK: _panel_pack,
    }
    try:
        pdf = builders[report.kind](report)
    except Exception as error:
        _fail(report, str(error)[:2000])
        raise
    name = f"{report.kind}-{report.la.code}-{report.period_start:%Y%m%d}-{report.pk}.pdf"
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status == Report.Status.DONE or current.claimed_by != report.claimed_by:
            return "produced elsewhere"
        current.file.save(name, ContentFile(pdf), save=False)
        transition(
            current,
            Report.Status.DONE,
            by=None,
            progress=100,
            step="Ready",
            finished_at=timezone.now(),
        )
    return "done"


def _fail(report: Report, error: str) -> None:
    """Record why a report failed, unless another worker has claimed it since."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.claimed_by == report.claimed_by and current.can_move_to(Report.Status.FAILED):
            transition(
                current, Report.Status.FAILED, by=None, error=error, finished_at=timezone.now()
            )


def sweep() -> int:
    """Put reports whose worker died (no heartbeat for a while) back in the queue; and queue
    reports that never reached a worker (the broker was down when they were asked for)."""
    now = timezone.now()
    stale = Report.objects.filter(status=Report.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    waiting = Report.objects.filter(status=Report.Status.QUEUED, requested_at__lt=now - STALE_AFTER)
    ids = list(stale.values_list("pk", flat=True)) + list(waiting.values_list("pk", flat=True))
    for report_id in ids:
        enqueue(report_id)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# The reports themselves


def board_period(report: Report) -> Period:
    """The days a board report counts: as asked for (a period still running, to the day it was
    asked for), named by its title."""
    name = report.title.removeprefix("Board report, ").split(" (")[0]
    return Period(
        key=f"report-{report.pk}",
        name=name,
        first=report.period_start,
        end=report.period_end,
        last=report.period_end,
    )


def board_context(la: LocalAuthority, period: Period) -> dict:
    """The board report's content: the LA's figures for the period as published (suppressed),
    counted afresh; the same builder as the figures page."""
    scope = FigureScope(la, None, own=False, name=la.name, key="la")
    return {"la": la, **figures_context(scope, period, recent=False)}


def _board(report: Report) -> bytes:
    _beat(report, 10, "Counting exclusions and placements")
    context = board_context(report.la, board_period(report))
    _beat(report, 50, "Drawing the charts and tables")
    html = render_to_string(
        "reports/pdf/board.html",
        {**context, "report": report, "generated_at": timezone.now()},
    )
    _beat(report, 75, "Writing the PDF")
    return render_pdf(html)


def _monitoring(report: Report) -> bytes:
    la, today = report.la, timezone.localdate()
    _beat(report, 10, "Deadlines and drift")
    deadlines = Deadline.objects.filter(la=la).overdue(today)
    placements = Placement.objects.filter(pupil__la=la, state__in=Placement.LIVE_STATES)
    _beat(report, 40, "Reviews and attendance")
    low = [
        r
        for r in ProviderReturn.objects.filter(
            placement__pupil__la=la, period_start__gte=report.period_start
        ).select_related("placement__provider")
        if r.attendance_percent is not None and r.attendance_percent < la.attendance_threshold
    ]
    lapsing = DueDiligence.objects.filter(
        profile__provider__la=la,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=LAPSING_DAYS),
    ).select_related("profile__provider")
    _beat(report, 70, "Writing the PDF")
    html = render_to_string(
        "reports/pdf/monitoring.html",
        {
            "report": report,
            "la": la,
            "generated_at": timezone.now(),
            "overdue_deadlines": deadlines.count(),
            "deadline_kinds": deadlines.values_list("kind", flat=True),
            "drift": placements.filter(planned_end__lt=today).count(),
            "overdue_reviews": placements.filter(next_review_due__lt=today).count(),
            "low_attendance": len(low),
            "lapsing": lapsing,
        },
    )
    return render_pdf(html)


def _pack_meeting(report: Report) -> PanelMeeting | None:
    return (
        PanelMeeting.objects.filter(la=report.la, date__gte=report.period_start)
        .order_by("date")
        .first()
    )


def report_pupil_ids(report: Report) -> list[int]:
    """The pupils a report names (a panel pack's agenda), for the read audit of its download."""
    if report.kind != Report.Kind.PANEL_PACK:
        return []
    meeting = _pack_meeting(report)
    items = meeting.items.for_agenda() if meeting else []
    return [item.pupil_id for item in items if item.pupil_id is not None]


def _panel_pack(report: Report) -> bytes:
    meeting = _pack_meeting(report)
    _beat(report, 30, "Gathering the agenda")
    items = list(meeting.items.for_agenda()) if meeting else []
    html = render_to_string(
        "panels/pdf/pack.html",
        {"meeting": meeting, "items": items, "members": meeting.members.all() if meeting else []},
    )
    _beat(report, 70, "Writing the PDF")
    return render_pdf(html)


def scheduled(kind: str, today: date | None = None) -> list[Report]:
    """The scheduled reports of every LA for the period that has just ended (or, for the panel
    pack, the coming meeting). The key makes a second run of the schedule change nothing."""
    today = today or timezone.localdate()
    made = []
    for la in LocalAuthority.objects.all():
        if kind == Report.Kind.MONITORING:
            end = today.replace(day=1) - timedelta(days=1)
            start = end.replace(day=1)
            title = f"Monthly monitoring report, {start:%B %Y}"
        elif kind == Report.Kind.BOARD:
            start, end, term = term_of(today)
            end = min(end, today)
            title = f"Board report, {term} ({start:%-d %B} to {end:%-d %B %Y})"
        else:
            meeting = PanelMeeting.objects.filter(la=la, date__gte=today).order_by("date").first()
            if meeting is None:
                continue
            start = end = meeting.date
            title = f"Panel pack for {meeting.date:%-d %B %Y}"
        report, _ = report_request(
            kind=kind,
            la=la,
            key=f"scheduled:{kind}:{la.code}:{start:%Y%m%d}",
            by=None,
            period_start=start,
            period_end=end,
            title=title,
        )
        made.append(report)
    return made
