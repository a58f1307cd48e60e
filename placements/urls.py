from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("placements/", views.PlacementListView.as_view(), name="list"),
    path("placements/<int:pk>/", views.PlacementDetailView.as_view(), name="detail"),
    path("placements/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("placements/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("placements/<int:pk>/returns/add/", views.ReturnView.as_view(), name="return_add"),
    path("placements/<int:pk>/reviews/add/", views.ReviewView.as_view(), name="review_add"),
    path("placements/<int:pk>/end/", views.EndView.as_view(), name="end"),
    path("placements/<int:pk>/reintegration/add/", views.PlanAddView.as_view(), name="plan_add"),
    path(
        "placements/<int:pk>/reintegration/update/",
        views.PlanUpdateView.as_view(),
        name="plan_update",
    ),
    path(
        "placements/<int:pk>/reintegration/follow-up/",
        views.FollowUpView.as_view(),
        name="follow_up",
    ),
    path("pupils/<int:pk>/placements/add/", views.PlacementAddView.as_view(), name="add"),
    path("moves/", views.MoveListView.as_view(), name="move_list"),
    path("moves/<int:pk>/", views.MoveDetailView.as_view(), name="move_detail"),
    path("pupils/<int:pk>/moves/add/", views.MoveAddView.as_view(), name="move_add"),
]
