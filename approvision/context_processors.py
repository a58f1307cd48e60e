from django.conf import settings
from django.urls import reverse

# The service navigation: (label, URL name, permission needed, URL names that mark it current).
# Project wiring: it names every app's pages, so it lives here rather than in any one app.
NAVIGATION = [
    ("Home", "reports:home", None, {"reports:home"}),
    (
        "Pupils",
        "cases:pupil_list",
        "cases.view_pupil",
        {
            "cases:pupil_list",
            "cases:pupil_add",
            "cases:pupil_detail",
            "cases:exclusion_add",
            "cases:exclusion_detail",
            "cases:exclusion_transition",
        },
    ),
    ("Deadlines", "cases:deadline_list", "cases.view_deadline", {"cases:deadline_list"}),
    (
        "Schools",
        "organisations:school_list",
        "organisations.view_school",
        {"organisations:school_list", "organisations:school_detail"},
    ),
    (
        "Term dates",
        "organisations:calendar",
        "organisations.change_term",
        {
            "organisations:calendar",
            "organisations:calendar_import",
            "organisations:term_edit",
            "organisations:non_school_day_add",
        },
    ),
    (
        "Users",
        "organisations:user_list",
        "organisations.view_user",
        {
            "organisations:user_list",
            "organisations:user_add",
            "organisations:user_detail",
            "organisations:user_action",
            "organisations:user_password_shown",
        },
    ),
]


def service(request):
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    context["navigation"] = [
        {"text": label, "href": reverse(name), "current": current in marks}
        for label, name, permission, marks in NAVIGATION
        if permission is None or user.has_perm(permission)
    ]
    context["membership"] = user.membership_or_none()
    return context
