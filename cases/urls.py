from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("pupils/", views.PupilListView.as_view(), name="pupil_list"),
    path("pupils/add/", views.PupilCreateView.as_view(), name="pupil_add"),
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
    path("deadlines/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("deadlines/<int:pk>/met/", views.DeadlineMetView.as_view(), name="deadline_met"),
]
