from django.conf import settings
from django.urls import reverse

# (label, URL name, permission needed, URL names that mark it current)
NAVIGATION = [
    ("Home", "organisations:home", None, {"organisations:home"}),
    (
        "Schools",
        "organisations:school_list",
        "organisations.view_school",
        {"organisations:school_list", "organisations:school_detail"},
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
