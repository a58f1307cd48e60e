from django.urls import path

from cases.notices import views

urlpatterns = [
    path("messages/", views.MessageListView.as_view(), name="message_list"),
    path("messages/settings/", views.PreferencesView.as_view(), name="message_settings"),
    path("messages/local-notify/", views.LocalNotifyView.as_view(), name="local_notify"),
]
