import pytest
from django.core.management import call_command

from organisations.models import LocalAuthority


@pytest.fixture
def demo(settings, tmp_path):
    """The small demo LA (5%), its files under tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--scale", "0.05", "--quiet-accounts")
    return LocalAuthority.objects.get(code="929")
