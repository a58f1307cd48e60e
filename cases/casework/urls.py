from django.urls import path

from cases.casework import note_views, task_views, views

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("caseload/team/", views.TeamCaseloadView.as_view(), name="caseload_team"),
    path("caseload/<slug:work>/<int:pk>/lead/", views.LeadView.as_view(), name="lead"),
    path("pupils/<int:pk>/notes/", note_views.NotesView.as_view(), name="notes"),
    path("notes/<int:pk>/edit/", note_views.NoteEditView.as_view(), name="note_edit"),
    path("pupils/<int:pk>/timeline/", note_views.TimelineView.as_view(), name="timeline"),
    path("tasks/", task_views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/<slug:step>/", task_views.TaskStepView.as_view(), name="task_step"),
]
