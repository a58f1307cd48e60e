from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path(
        "pupils/<int:pk>/subject-access/",
        views.SubjectAccessView.as_view(),
        name="subject_access",
    ),
    path("pupils/<int:pk>/legal-hold/", views.LegalHoldView.as_view(), name="legal_hold"),
]
