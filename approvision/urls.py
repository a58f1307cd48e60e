from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from api.docs import ApiDocsView
from approvision import health

# The admin demands a verified second factor, like every other page.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # One way in: the admin's own sign-in form would skip our two-step sign-in page.
    path(
        "admin/login/",
        login_not_required(
            RedirectView.as_view(pattern_name="organisations:sign_in", query_string=True)
        ),
        name="admin_login_redirect",
    ),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/docs/", ApiDocsView.as_view(), name="api_docs"),
    path("api/v1/", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("rights.urls")),
    path("", include("organisations.urls")),
    path("", include("organisations.passkey_urls")),
    path("", include("providers.urls")),
    path("", include("cases.urls")),
    path("", include("placements.urls")),
    path("", include("panels.urls")),
]

handler400 = "organisations.views.pages.error_400"
handler403 = "organisations.views.pages.error_403"
handler404 = "organisations.views.pages.error_404"
handler500 = "organisations.views.pages.error_500"
