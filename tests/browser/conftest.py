import json

import pytest
from django.core.management import call_command


@pytest.fixture
def accounts(settings, tmp_path):
    """The small demo LA, and its accounts by username (passwords and TOTP secrets)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--quiet-accounts", "--scale", "0.05")
    path = settings.VAR_DIR / "demo-accounts.json"
    return {a["username"]: a for a in json.loads(path.read_text())}
