from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from approvision import health

# The admin demands a verified second factor, like every other page.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("organisations.urls")),
]

handler403 = "organisations.views.error_403"
handler404 = "organisations.views.error_404"
handler500 = "organisations.views.error_500"
