from django.urls import path

from cases.pupils import views

urlpatterns = [
    path("pupils/", views.PupilListView.as_view(), name="pupil_list"),
    path("pupils/add/", views.PupilCreateView.as_view(), name="pupil_add"),
    path(
        "pupils/add/without-a-school/",
        views.PupilUnplacedCreateView.as_view(),
        name="pupil_add_unplaced",
    ),
    path("pupils/import/", views.PupilImportView.as_view(), name="pupil_import"),
    path("pupils/<int:pk>/", views.PupilDetailView.as_view(), name="pupil_detail"),
    path("pupils/<int:pk>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pk>/leave/", views.PupilLeaveView.as_view(), name="pupil_leave"),
]
