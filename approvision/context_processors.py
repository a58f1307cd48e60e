from functools import lru_cache

from django.conf import settings
from django.urls import reverse

# The service navigation: (label, URL name, permission needed, URL-name prefixes that mark it as
# the current section). Project wiring: it names every app's pages, so no one app owns it.
NAVIGATION = [
    ("Home", "reports:home", None, ("reports:home",)),
    ("Caseload", "cases:caseload", "cases.view_leadchange", ("cases:caseload", "cases:lead")),
    ("Tasks", "cases:task_list", "cases.view_task", ("cases:task",)),
    (
        "Pupils",
        "cases:pupil_list",
        "cases.view_pupil",
        ("cases:pupil", "cases:exclusion", "cases:note", "cases:timeline"),
    ),
    (
        "Referrals",
        "cases:referral_list",
        "cases.view_referral",
        ("cases:referral", "cases:document"),
    ),
    ("Fair Access", "cases:fair_access_list", "cases.view_fairaccesscase", ("cases:fair_access",)),
    ("Deadlines", "cases:deadline_list", "cases.view_deadline", ("cases:deadline",)),
    (
        "Placements",
        "placements:list",
        "placements.view_placement",
        (
            "placements:list",
            "placements:detail",
            "placements:a",
            "placements:return",
            "placements:review",
        ),
    ),
    ("Register", "placements:register", "placements.add_attendancemark", ("placements:register",)),
    ("Moves", "placements:move_list", "placements.view_pupilmove", ("placements:move",)),
    ("Panels", "panels:meeting_list", "panels.view_panelmeeting", ("panels:",)),
    ("Providers", "providers:list", "providers.view_providerprofile", ("providers:",)),
    (
        "Schools",
        "organisations:school_list",
        "organisations.view_school",
        ("organisations:school",),
    ),
    (
        "Term dates",
        "organisations:calendar",
        "organisations.change_term",
        ("organisations:calendar", "organisations:term", "organisations:non_school_day"),
    ),
    ("Users", "organisations:user_list", "organisations.view_user", ("organisations:user",)),
    ("Figures", "reports:figures", "reports.view_figures", ("reports:figures",)),
    ("Reports", "reports:list", "reports.add_report", ("reports:list", "reports:detail")),
    ("Audit log", "rights:audit_search", "audit.view_pupilread", ("rights:audit",)),
    ("Letters", "cases:letter_templates", "cases.change_lettertemplate", ("cases:letter_t",)),
    (
        "Settings",
        "organisations:la_settings",
        "organisations.change_localauthority",
        ("organisations:la_settings",),
    ),
]


def service(request):
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    # What the navigation shows depends on the permissions and the page alone: drawn once a
    # pair (a handful of roles times the pages), not 19 permission checks and reversals a page.
    permissions = frozenset(user.get_all_permissions()) if user.is_active else frozenset()
    context["navigation"] = _navigation(permissions, current)
    context["membership"] = user.membership_or_none()
    return context


@lru_cache(maxsize=4096)
def _navigation(permissions: frozenset, current: str) -> tuple:
    return tuple(
        {"text": label, "href": reverse(name), "current": current.startswith(prefixes)}
        for label, name, permission, prefixes in NAVIGATION
        if permission is None or permission in permissions
    )
