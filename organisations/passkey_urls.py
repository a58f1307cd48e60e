"""The passkey ceremonies, under the namespace django-otp-webauthn's scripts are told of."""

from django.urls import path

from organisations.views import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "account/passkeys/add/begin/",
        passkeys.RegisterBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "account/passkeys/add/complete/",
        passkeys.RegisterCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "sign-in/passkey/begin/",
        passkeys.SignInBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "sign-in/passkey/complete/",
        passkeys.SignInCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path("sign-in/passkey/words.js", passkeys.js_catalog, name="js-i18n-catalog"),
]
