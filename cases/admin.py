from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.exclusions.models import Deadline, Exclusion
from cases.pupils.models import Enrolment, Pupil


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["school"]


@admin.register(Pupil)
class PupilAdmin(SimpleHistoryAdmin):
    list_display = ["upn", "legal_last_name", "legal_first_name", "la"]
    search_fields = ["upn", "legal_last_name"]
    list_filter = ["la"]
    inlines = [EnrolmentInline]


@admin.register(Exclusion)
class ExclusionAdmin(SimpleHistoryAdmin):
    list_display = ["pupil", "school", "kind", "start_date", "state"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["pupil", "school", "recorded_by"]
    list_select_related = ["pupil", "school"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["exclusion", "kind", "due_on", "met_on"]
    list_filter = ["kind"]
    raw_id_fields = ["exclusion", "la", "school"]
