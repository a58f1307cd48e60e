"""Who may use the API at all: a signed-in user who has chosen their own password."""

from rest_framework.permissions import IsAuthenticated

PASSWORD_TO_CHOOSE = (
    "Choose your own password first: the one an administrator gave you works only to sign in "
    "and change it (Your account, Change password)."
)


class SignedInWithOwnPassword(IsAuthenticated):
    """As every page does (organisations.middleware.PasswordChangeRequiredMiddleware), the API
    refuses a user still on a one-time password (hardening finding 3)."""

    message = PASSWORD_TO_CHOOSE

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return not request.user.must_change_password
