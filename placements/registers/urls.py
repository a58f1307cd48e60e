from django.urls import path

from placements.registers import views

urlpatterns = [
    path("register/", views.DayRegisterView.as_view(), name="register"),
    path("placements/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("placements/<int:pk>/returns/add/", views.ReturnView.as_view(), name="return_add"),
]
