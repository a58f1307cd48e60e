"""The one way into every model's rows: `Model.objects.visible_to(user)`.

Every list, detail view, API, export and report starts from it. Nobody signed in, disabled or
without a membership sees nothing; each model says what a member sees, and sees nothing unless it
says so.
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        membership = user.membership_or_none()
        if membership is None:
            return self.none()
        return self.for_member(user, membership)

    def for_member(self, user, membership):
        return self.none()
