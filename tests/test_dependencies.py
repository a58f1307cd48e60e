"""The dependency check of `make lint` (security bar G27) reads pip-compile's files rightly."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_requirement_without_a_pin_or_a_hash_is_found(tmp_path):
    given = tmp_path / "requirements.txt"
    given.write_text(
        "django==5.2.19 \\\n"
        "    --hash=sha256:aaaa \\\n"
        "    --hash=sha256:bbbb\n"
        "    # via -r requirements.in\n"
        "celery>=5 \\\n"
        "    --hash=sha256:cccc\n"
        "redis==5.0.1\n"
    )
    assert audit.requirements(given) == [
        ("django", "5.2.19", True),
        ("celery", "", True),
        ("redis", "5.0.1", False),
    ]


def test_every_requirement_of_the_project_is_pinned_with_a_hash():
    for name in audit.FILES:
        rows = audit.requirements(ROOT / name)
        assert rows
        assert all(version and hashed for _, version, hashed in rows), name
