from django.urls import path

from cases import fair_access_views, referral_views, views

app_name = "cases"

urlpatterns = [
    path("pupils/", views.PupilListView.as_view(), name="pupil_list"),
    path("pupils/add/", views.PupilCreateView.as_view(), name="pupil_add"),
    path("pupils/import/", views.PupilImportView.as_view(), name="pupil_import"),
    path("pupils/<int:pk>/", views.PupilDetailView.as_view(), name="pupil_detail"),
    path("pupils/<int:pk>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pk>/leave/", views.PupilLeaveView.as_view(), name="pupil_leave"),
    path(
        "pupils/<int:pk>/exclusions/add/",
        views.ExclusionCreateView.as_view(),
        name="exclusion_add",
    ),
    path("exclusions/<int:pk>/", views.ExclusionDetailView.as_view(), name="exclusion_detail"),
    path(
        "exclusions/<int:pk>/status/",
        views.ExclusionTransitionView.as_view(),
        name="exclusion_transition",
    ),
    path("referrals/", referral_views.ReferralListView.as_view(), name="referral_list"),
    path(
        "pupils/<int:pk>/refer/", referral_views.ReferralStartView.as_view(), name="referral_start"
    ),
    path(
        "referrals/<int:pk>/", referral_views.ReferralDetailView.as_view(), name="referral_detail"
    ),
    path(
        "referrals/<int:pk>/edit/", referral_views.ReferralEditView.as_view(), name="referral_edit"
    ),
    path(
        "referrals/<int:pk>/documents/",
        referral_views.EvidenceUploadView.as_view(),
        name="referral_upload",
    ),
    path(
        "referrals/<int:pk>/check/",
        referral_views.ReferralCheckView.as_view(),
        name="referral_check",
    ),
    path(
        "referrals/<int:pk>/<slug:step>/",
        referral_views.ReferralStepView.as_view(),
        name="referral_step",
    ),
    path(
        "documents/<int:pk>/",
        referral_views.EvidenceDownloadView.as_view(),
        name="document_download",
    ),
    path(
        "documents/<int:pk>/remove/",
        referral_views.EvidenceRemoveView.as_view(),
        name="document_remove",
    ),
    path("fair-access/", fair_access_views.FairAccessListView.as_view(), name="fair_access_list"),
    path(
        "fair-access/oversight/",
        fair_access_views.FairAccessOversightView.as_view(),
        name="fair_access_oversight",
    ),
    path(
        "fair-access/<int:pk>/",
        fair_access_views.FairAccessDetailView.as_view(),
        name="fair_access_detail",
    ),
    path(
        "fair-access/<int:pk>/<slug:step>/",
        fair_access_views.FairAccessStepView.as_view(),
        name="fair_access_step",
    ),
    path(
        "pupils/<int:pk>/fair-access/",
        fair_access_views.FairAccessOpenView.as_view(),
        name="fair_access_open",
    ),
    path("deadlines/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("deadlines/<int:pk>/met/", views.DeadlineMetView.as_view(), name="deadline_met"),
]
