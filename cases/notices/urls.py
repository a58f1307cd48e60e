from django.urls import path

from cases.notices import letter_views, views

urlpatterns = [
    path("messages/", views.MessageListView.as_view(), name="message_list"),
    path("messages/settings/", views.PreferencesView.as_view(), name="message_settings"),
    path("messages/local-notify/", views.LocalNotifyView.as_view(), name="local_notify"),
    path("pupils/<int:pk>/letters/", letter_views.LettersView.as_view(), name="letters"),
    path("letters/<int:pk>/pdf/", letter_views.LetterPdfView.as_view(), name="letter_pdf"),
    path(
        "letters/wording/",
        letter_views.LetterTemplateListView.as_view(),
        name="letter_templates",
    ),
    path(
        "letters/wording/<slug:kind>/",
        letter_views.LetterTemplateEditView.as_view(),
        name="letter_template_edit",
    ),
]
