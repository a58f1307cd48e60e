from django.urls import path

from placements.commissioning import views

urlpatterns = [
    path("placements/", views.PlacementListView.as_view(), name="list"),
    path("placements/<int:pk>/", views.PlacementDetailView.as_view(), name="detail"),
    path("placements/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("placements/<int:pk>/details/", views.DetailsView.as_view(), name="details"),
    path("placements/<int:pk>/end/", views.EndView.as_view(), name="end"),
    path("pupils/<int:pk>/placements/add/", views.PlacementAddView.as_view(), name="add"),
]
