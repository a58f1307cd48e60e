from django.urls import path

from cases.exclusions import views

urlpatterns = [
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
    path(
        "exclusions/<int:pk>/notice/",
        views.ExclusionNoticeView.as_view(),
        name="exclusion_notice",
    ),
    path("deadlines/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("deadlines/<int:pk>/met/", views.DeadlineMetView.as_view(), name="deadline_met"),
]
