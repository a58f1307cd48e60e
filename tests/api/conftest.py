import pytest
from rest_framework.test import APIClient

from organisations.services import api_token_issue


@pytest.fixture
def api():
    """An API client for a user, signed in with a token as a program would be."""

    def _api(user):
        client = APIClient()
        if user is not None:
            _, key = api_token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _api
