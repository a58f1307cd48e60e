from django.urls import path

from placements.moves import views

urlpatterns = [
    path("moves/", views.MoveListView.as_view(), name="move_list"),
    path("moves/<int:pk>/", views.MoveDetailView.as_view(), name="move_detail"),
    path("pupils/<int:pk>/moves/add/", views.MoveAddView.as_view(), name="move_add"),
]
