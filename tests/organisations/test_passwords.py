import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from organisations.models import User


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "qwerty123456", "1qaz2wsx3edc", "123456654321"],
)
def test_short_and_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


@pytest.mark.parametrize(
    "password",
    [
        "twelve chars",  # 12 characters, no digits or symbols: composition rules are not used
        "lowercase only passphrase",
        "x" * 64 + " a long passphrase of more than sixty-four characters",
    ],
)
def test_long_passwords_of_any_composition_are_accepted(password):
    validate_password(password, User(username="someone"))


def test_absurdly_long_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("y" * 257, User(username="someone"))
