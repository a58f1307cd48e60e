from django.urls import path

from placements.reintegration import views

urlpatterns = [
    path("placements/<int:pk>/reintegration/add/", views.PlanAddView.as_view(), name="plan_add"),
    path(
        "placements/<int:pk>/reintegration/update/",
        views.PlanUpdateView.as_view(),
        name="plan_update",
    ),
    path(
        "placements/<int:pk>/reintegration/steps/<int:step>/done/",
        views.StepDoneView.as_view(),
        name="step_done",
    ),
    path(
        "placements/<int:pk>/reintegration/follow-up/",
        views.FollowUpView.as_view(),
        name="follow_up",
    ),
]
