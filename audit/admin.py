from django.contrib import admin

from audit.models import PupilRead


@admin.register(PupilRead)
class PupilReadAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "role", "organisation", "action", "pupil_ids"]
    list_filter = ["action"]
    search_fields = ["username"]

    # The log is read-only, even here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
