import json

from django.core.management import call_command

from organisations.models import LocalAuthority, School, User
from organisations.roles import Role


def test_demo_has_an_account_for_every_role_and_loads_twice_without_change(db, settings, capsys):
    call_command("load_demo")
    path = settings.VAR_DIR / "demo-accounts.json"
    first = json.loads(path.read_text())
    assert {row["role"] for row in first} == {role.label for role in Role}
    for row in first:
        assert set(row) == {"username", "password", "role", "organisation", "totp_secret"}
        assert User.objects.get(username=row["username"]).check_password(row["password"])
    counts = (School.objects.count(), User.objects.count(), LocalAuthority.objects.count())

    call_command("load_demo")
    assert json.loads(path.read_text()) == first
    assert (School.objects.count(), User.objects.count(), LocalAuthority.objects.count()) == counts
    assert "officer" in capsys.readouterr().out


def test_demo_is_a_realistic_small_la(db):
    call_command("load_demo", "--quiet-accounts")
    northmoor = LocalAuthority.objects.get(code="929")
    schools = School.objects.filter(la=northmoor)
    assert schools.count() >= 24
    assert schools.filter(trust__isnull=True).count() >= 10
    assert schools.exclude(trust__isnull=True).values("trust").distinct().count() == 3
    assert northmoor.providers.filter(kind="pru").count() == 2
    assert northmoor.providers.exclude(kind="pru").count() >= 4


def test_demo_accounts_keep_their_passwords_when_the_database_is_rebuilt(db, settings):
    call_command("load_demo", "--quiet-accounts")
    saved = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    User.objects.all().delete()
    call_command("load_demo", "--quiet-accounts")
    for row in saved:
        assert User.objects.get(username=row["username"]).check_password(row["password"])


def test_demo_otp_prints_the_current_code_of_a_demo_account(db, capsys):
    call_command("load_demo", "--quiet-accounts")
    from tests.conftest import totp_code

    secret = next(
        row["totp_secret"]
        for row in json.loads(
            (__import__("django.conf").conf.settings.VAR_DIR / "demo-accounts.json").read_text()
        )
        if row["username"] == "officer"
    )
    capsys.readouterr()
    call_command("demo_otp", "officer")
    assert capsys.readouterr().out.split()[0] == totp_code(secret)
