from django.contrib.auth.views import LogoutView
from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", views.SignInCodeView.as_view(), name="sign_in_code"),
    path("sign-in/set-up/", views.SignInSetupView.as_view(), name="sign_in_setup"),
    path("sign-out/", LogoutView.as_view(), name="sign_out"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/import/", views.SchoolImportView.as_view(), name="school_import"),
    path("schools/<str:urn>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserAddView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path(
        "users/<int:pk>/password/",
        views.UserPasswordShownView.as_view(),
        name="user_password_shown",
    ),
    path("users/<int:pk>/<slug:action>/", views.UserActionView.as_view(), name="user_action"),
    path("term-dates/", views.CalendarView.as_view(), name="calendar"),
    path("term-dates/import/", views.CalendarImportView.as_view(), name="calendar_import"),
    path("term-dates/terms/<int:pk>/", views.TermEditView.as_view(), name="term_edit"),
    path("term-dates/days/add/", views.NonSchoolDayAddView.as_view(), name="non_school_day_add"),
    path(
        "term-dates/days/<int:pk>/remove/",
        views.NonSchoolDayDeleteView.as_view(),
        name="non_school_day_remove",
    ),
    path("settings/", views.LocalAuthoritySettingsView.as_view(), name="la_settings"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
]
