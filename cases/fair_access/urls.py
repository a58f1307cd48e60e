from django.urls import path

from cases.fair_access import views

urlpatterns = [
    path("fair-access/", views.FairAccessListView.as_view(), name="fair_access_list"),
    path(
        "fair-access/oversight/",
        views.FairAccessOversightView.as_view(),
        name="fair_access_oversight",
    ),
    path(
        "fair-access/<int:pk>/",
        views.FairAccessDetailView.as_view(),
        name="fair_access_detail",
    ),
    path(
        "fair-access/<int:pk>/<slug:step>/",
        views.FairAccessStepView.as_view(),
        name="fair_access_step",
    ),
    path(
        "pupils/<int:pk>/fair-access/",
        views.FairAccessOpenView.as_view(),
        name="fair_access_open",
    ),
]
