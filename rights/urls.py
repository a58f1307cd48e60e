from django.urls import path

from rights import audit_views, views

app_name = "rights"

urlpatterns = [
    path(
        "pupils/<int:pk>/subject-access/",
        views.SubjectAccessView.as_view(),
        name="subject_access",
    ),
    path("pupils/<int:pk>/legal-hold/", views.LegalHoldView.as_view(), name="legal_hold"),
    path("audit/", audit_views.AuditSearchView.as_view(), name="audit_search"),
]
