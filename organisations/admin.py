from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import (
    LocalAuthority,
    Membership,
    ProviderOrganisation,
    School,
    Trust,
    User,
)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "ons_code"]
    search_fields = ["name", "code"]


@admin.register(Trust)
class TrustAdmin(SimpleHistoryAdmin):
    list_display = ["name", "companies_house_number"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "urn", "laestab", "phase", "type", "la", "trust"]
    list_filter = ["phase", "type", "la"]
    search_fields = ["name", "urn", "laestab"]
    list_select_related = ["la", "trust"]


@admin.register(ProviderOrganisation)
class ProviderOrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "la", "urn", "ukprn"]
    list_filter = ["kind", "la"]
    search_fields = ["name", "urn", "ukprn"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    raw_id_fields = ["la", "trust", "school", "provider"]


@admin.register(User)
class UserAdmin(GuardedModelAdmin):
    list_display = ["username", "first_name", "last_name", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    exclude = ["password", "user_permissions"]
    inlines = [MembershipInline]
