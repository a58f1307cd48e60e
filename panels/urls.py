from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("panels/", views.MeetingListView.as_view(), name="meeting_list"),
    path("panels/add/", views.MeetingCreateView.as_view(), name="meeting_add"),
    path("panels/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("panels/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("panels/<int:pk>/members/", views.MemberAddView.as_view(), name="member_add"),
    path("panels/members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("panels/<int:pk>/items/add/", views.ItemAddView.as_view(), name="item_add"),
    path("panels/<int:pk>/pack/", views.PackDownloadView.as_view(), name="pack"),
    path("panels/<int:pk>/live/", views.LiveView.as_view(), name="live"),
    path("panels/<int:pk>/agenda/", views.AgendaChangeView.as_view(), name="agenda_change"),
    path("panels/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("panels/<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("panels/<int:pk>/<slug:step>/", views.MeetingStepView.as_view(), name="step"),
    path("panels/items/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("panels/items/<int:pk>/conflicts/", views.ConflictsView.as_view(), name="conflicts"),
    path("panels/items/<int:pk>/actions/", views.ActionAddView.as_view(), name="action_add"),
    path("panels/minutes/<int:pk>/pdf/", views.MinutesPdfView.as_view(), name="minutes_pdf"),
]
