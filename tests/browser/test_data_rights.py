"""Data rights and the API in the browser: API tokens on the account page and the API docs; an
officer's subject access export and legal hold; the administrator's audit search and schools
import; a SENCO's import from their information system. axe finds nothing on every page."""

import io
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cases.pupils.models import Pupil
from organisations.models import ImportJob, School, User
from rights.models import LegalHold
from tests.browser.test_exclusions import signed_in_home
from tests.conftest import totp_code
from tests.factories import make_upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_token_on_the_account_page_and_the_api_docs(page, accounts, assert_accessible):
    account = accounts["senco"]
    signed_in_home(page, account, assert_accessible)
    TOTPDevice.objects.filter(user__username="senco").update(last_t=-1)
    answer = page.request.post(
        "/api/v1/auth/token/",
        data={
            "username": "senco",
            "password": account["password"],
            "otp_token": totp_code(account["totp_secret"]),
            "name": "Our MIS link",
        },
    )
    assert answer.status == 201
    key = answer.json()["token"]
    listed = page.request.get("/api/v1/pupils/", headers={"Authorization": f"Token {key}"})
    assert listed.status == 200 and listed.json()["count"] > 0

    page.goto("/account/")
    table = page.get_by_role("table", name="Your tokens")
    assert "Our MIS link" in table.inner_text() and "Active" in table.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name=f"Revoke token {key[:8]}").click()
    assert "Revoked" in page.get_by_role("table", name="Your tokens").inner_text()
    assert_accessible(page)
    refused = page.request.get("/api/v1/pupils/", headers={"Authorization": f"Token {key}"})
    assert refused.status == 401

    page.get_by_role("link", name="approvision API").click()
    assert page.get_by_role("heading", level=1).inner_text() == "approvision API, version 1"
    assert "PATCH /api/v1/pupils/{id}/" in page.locator("main").inner_text()
    assert_accessible(page)


def test_officer_exports_a_pupils_records_and_places_a_legal_hold(
    page, accounts, assert_accessible
):
    signed_in_home(page, accounts["officer"], assert_accessible)
    pupil = Pupil.objects.filter(exclusions__isnull=False).order_by("pk").first()
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Subject access export").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"subject-access.pdf", "subject-access.json"} <= set(archive.namelist())

    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Legal hold").click()
    assert_accessible(page)
    page.get_by_role("button", name="Place a legal hold").click()
    assert "Enter why the records must be kept" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Why must these records be kept?").fill("A claim against the council")
    page.get_by_role("button", name="Place a legal hold").click()
    assert "On hold" in page.locator("main").inner_text()
    assert_accessible(page)
    assert LegalHold.objects.active().filter(pupil=pupil).exists()

    # The administrator sees who has looked at this pupil.
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.get_by_role("link", name="Audit log").click()
    assert_accessible(page)
    page.get_by_label("Pupil's UPN").fill(pupil.upn)
    page.get_by_role("button", name="Search").click()
    results = page.locator("main").inner_text()
    assert "officer" in results and "Subject access export" in results
    assert_accessible(page)


def test_admin_imports_schools_and_senco_imports_pupils(page, accounts, assert_accessible):
    signed_in_home(page, accounts["admin"], assert_accessible)
    page.goto("/schools/")
    page.get_by_role("link", name="Import schools from the DfE register").click()
    assert_accessible(page)
    header = (
        "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,"
        "TypeOfEstablishment (name),EstablishmentStatus (name),CloseDate,"
        "PhaseOfEducation (name),Trusts (code),Trusts (name)\n"
    )
    la_code = Pupil.objects.first().la.code
    row = f"{la_code},Northmoor,4901,Meadow Park,Community school,Open,,Secondary,,\n"
    broken = header + "12345," + row
    page.get_by_label("Establishments file").set_input_files(
        {"name": "schools.csv", "mimeType": "text/csv", "buffer": broken.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    assert "must be 6 digits" in page.get_by_role("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Check another file").click()
    good = header + "199901," + row
    page.get_by_label("Establishments file").set_input_files(
        {"name": "schools.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    assert "The file has no problems" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 change").click()
    assert "Imported: 1 added" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Go to schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    assert School.objects.filter(urn="199901", name="Meadow Park").exists()

    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto("/pupils/")
    page.get_by_role("link", name="Import from your school information system").click()
    assert_accessible(page)
    urn = (
        page.evaluate("1")
        and Pupil.objects.filter(enrolments__school__name="Harbridge Academy")
        .values_list("enrolments__school__urn", flat=True)
        .first()
    )
    upn = make_upn(la_code, 88001)
    rows = (
        "UPN,Legal Surname,Legal Forename,DOB,Gender,School URN,Admission Date\n"
        f"{upn},Imported,Iris,01/02/2012,F,{urn},03/09/2023\n"
    )
    page.get_by_label("CSV file").set_input_files(
        {"name": "mis.csv", "mimeType": "text/csv", "buffer": rows.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 change").click()
    assert "Imported: 1 added" in page.locator("main").inner_text()
    assert Pupil.objects.filter(upn=upn).exists()


def test_an_import_shows_its_progress_then_its_result_without_a_reload(
    page, today, accounts, assert_accessible
):
    senco = User.objects.get(username=accounts["senco"]["username"])
    job = ImportJob.objects.create(
        kind="pupils",
        la_id=senco.membership.la_ids()[0],
        requested_by=senco,
        requested_at=timezone.now(),
        file_name="whole-school.csv",
        token="c" * 32,
        claimed_by="worker:1",
        heartbeat_at=timezone.now(),
        rows_done=300,
        rows_total=1_200,
    )
    signed_in_home(page, accounts["senco"], assert_accessible)
    page.goto(f"/imports/{job.pk}/")
    # 300 of 1,200 rows: a quarter of the way.
    expect(page.locator("main")).to_contain_text("300 of 1,200 rows")
    expect(page.get_by_label("Progress")).to_have_attribute("value", "25")
    assert_accessible(page)
    # The worker finishes its check; the page, asking every 2 seconds, shows the result.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKED,
        rows_done=1_200,
        finished_at=timezone.now(),
        result={"ok": True, "errors": [], "error_count": 0, "added": 1_150, "changed": 20,
                "unchanged": 30, "skipped": 0, "not_held": {}, "new": [], "new_count": 0,
                "changes": [], "summary": ""},
    )  # fmt: skip
    expect(page.locator("main")).to_contain_text("The file has no problems", timeout=8_000)
    expect(page.get_by_role("button", name="Import 1,170 changes")).to_be_visible()
    assert_accessible(page)
