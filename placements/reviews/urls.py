from django.urls import path

from placements.reviews import views

urlpatterns = [
    path("placements/<int:pk>/reviews/add/", views.ReviewView.as_view(), name="review_add"),
]
