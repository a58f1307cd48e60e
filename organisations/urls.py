from django.urls import path

from organisations.import_views import ImportJobView
from organisations.views import calendar, identity_sign_in, pages, passkeys, people, sign_in

app_name = "organisations"

urlpatterns = [
    path("sign-in/", sign_in.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", sign_in.SignInCodeView.as_view(), name="sign_in_code"),
    path("sign-in/set-up/", sign_in.SignInSetupView.as_view(), name="sign_in_setup"),
    path("sign-out/", identity_sign_in.SignOutView.as_view(), name="sign_out"),
    path("signed-out/", identity_sign_in.SignedOutView.as_view(), name="signed_out"),
    path(
        "sign-in/with/<slug:provider>/",
        identity_sign_in.ProviderSignInView.as_view(),
        name="provider_sign_in",
    ),
    path(
        "sign-in/<slug:provider>/callback/",
        identity_sign_in.ProviderCallbackView.as_view(),
        name="provider_callback",
    ),
    path("account/", people.AccountView.as_view(), name="account"),
    path(
        "account/passkeys/<int:pk>/remove/",
        passkeys.PasskeyRemoveView.as_view(),
        name="passkey_remove",
    ),
    path("account/tokens/<int:pk>/revoke/", people.TokenRevokeView.as_view(), name="token_revoke"),
    path("schools/", pages.SchoolListView.as_view(), name="school_list"),
    path("schools/import/", pages.SchoolImportView.as_view(), name="school_import"),
    path("schools/<str:urn>/", pages.SchoolDetailView.as_view(), name="school_detail"),
    path("account/password/", people.PasswordChangeView.as_view(), name="password_change"),
    path("users/", people.UserListView.as_view(), name="user_list"),
    path("users/add/", people.UserAddView.as_view(), name="user_add"),
    path("users/<int:pk>/", people.UserDetailView.as_view(), name="user_detail"),
    path(
        "users/<int:pk>/password/",
        people.UserPasswordShownView.as_view(),
        name="user_password_shown",
    ),
    path("users/<int:pk>/<slug:action>/", people.UserActionView.as_view(), name="user_action"),
    path("imports/<int:pk>/", ImportJobView.as_view(), name="import_job"),
    path("term-dates/", calendar.CalendarView.as_view(), name="calendar"),
    path("term-dates/import/", calendar.CalendarImportView.as_view(), name="calendar_import"),
    path("term-dates/terms/<int:pk>/", calendar.TermEditView.as_view(), name="term_edit"),
    path("term-dates/days/add/", calendar.NonSchoolDayAddView.as_view(), name="non_school_day_add"),
    path(
        "term-dates/days/<int:pk>/remove/",
        calendar.NonSchoolDayDeleteView.as_view(),
        name="non_school_day_remove",
    ),
    path("settings/", calendar.LocalAuthoritySettingsView.as_view(), name="la_settings"),
    path("accessibility/", pages.AccessibilityView.as_view(), name="accessibility"),
]
