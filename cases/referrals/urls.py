from django.urls import path

from cases.referrals import views

urlpatterns = [
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("pupils/<int:pk>/refer/", views.ReferralStartView.as_view(), name="referral_start"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/edit/", views.ReferralEditView.as_view(), name="referral_edit"),
    path(
        "referrals/<int:pk>/documents/",
        views.EvidenceUploadView.as_view(),
        name="referral_upload",
    ),
    path(
        "referrals/<int:pk>/check/",
        views.ReferralCheckView.as_view(),
        name="referral_check",
    ),
    path(
        "referrals/<int:pk>/<slug:step>/",
        views.ReferralStepView.as_view(),
        name="referral_step",
    ),
    path(
        "documents/<int:pk>/",
        views.EvidenceDownloadView.as_view(),
        name="document_download",
    ),
    path(
        "documents/<int:pk>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="document_remove",
    ),
]
