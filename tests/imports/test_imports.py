"""CSV imports: schools (DfE register layout) and pupils with exclusions (MIS layout). Checked
row by row first; applied all or nothing; the same file twice changes nothing."""

import csv
import io
from datetime import date

import pytest

from cases.exclusions.models import Exclusion
from cases.pupils.imports import pupil_import
from cases.pupils.models import Pupil
from organisations.models import ImportJob, School, Trust
from organisations.school_import import school_import_apply, school_import_check
from tests.factories import make_upn

GIAS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "Trusts (code)",
    "Trusts (name)",
    "Postcode",
    "NumberOfPupils",
    "EstablishmentStatus (name)",
    "CloseDate",
]
MIS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Preferred Surname",
    "Preferred Forename",
    "DOB",
    "Gender",
    "Ethnicity",
    "SEN Status",
    "FSM Eligible",
    "School URN",
    "Admission Date",
    "Exclusion Category",
    "Exclusion Start Date",
    "Exclusion End Date",
    "Exclusion Sessions",
    "Exclusion Reason",
    "Decided By",
]


def as_csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def school_row(
    urn,
    number,
    name,
    kind="Community school",
    phase="Secondary",
    trust="",
    la="929",
    *,
    uid=None,
    status="Open",
    closed="",
    la_name="Northmoor",
):
    uid = uid if uid is not None else (str(5000 + len(trust)) if trust else "")
    return [
        urn,
        la,
        la_name,
        number,
        name,
        kind,
        phase,
        uid,
        trust,
        "NM1 1AA",
        "900",
        status,
        closed,
    ]


def test_schools_import_checks_then_applies_and_is_idempotent(world):
    la = world["home"]
    content = as_csv(
        GIAS,
        [
            school_row("190001", "4001", "Ashby High School"),
            school_row(
                "190002", "2001", "Brook Academy", "Academy converter", "Primary", "Brook Trust"
            ),
            school_row("190003", "4002", "Elsewhere School", la="938"),
        ],
    )
    before = School.objects.count()
    checked = school_import_check(la=la, content=content)
    assert checked.ok and (checked.added, checked.changed, checked.skipped) == (2, 0, 1)
    assert School.objects.count() == before  # a check changes nothing
    school_import_apply(la=la, checked=checked)
    ashby = School.objects.get(urn="190001")
    assert ashby.laestab == "9294001" and ashby.la == la and ashby.pupils_on_roll == 900
    assert School.objects.get(urn="190002").trust == Trust.objects.get(name="Brook Trust")
    again = school_import_check(la=la, content=content)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    # A changed name is a change, and only that.
    renamed = content.replace(b"Ashby High School", b"Ashby Park School")
    changed = school_import_check(la=la, content=renamed)
    assert (changed.added, changed.changed, changed.unchanged) == (0, 1, 1)


@pytest.mark.parametrize(
    ("rows", "row_number", "words"),
    [
        ([school_row("19001", "4001", "Short URN")], 2, "6 digits"),
        ([school_row("190001", "4001", "A"), school_row("190001", "4002", "B")], 3, "row 3"),
        ([school_row("190001", "4001", "A", phase="Finishing")], 2, "Phase"),
        ([school_row("190001", "4001", "A", kind="Academy converter")], 2, "trust"),
        ([school_row("190001", "40", "A")], 2, "EstablishmentNumber"),
        # Hardening finding 5: a right-to-left override, and a terminal escape in a trust's name.
        ([school_row("190001", "4001", "Harbridge \u202eymedacA")], 2, "text-direction"),
        (
            [school_row("190001", "4001", "A", kind="Academy converter", trust="T\x1b[31m")],
            2,
            "control",
        ),
    ],
)
def test_broken_school_files_name_each_row_and_import_nothing(world, rows, row_number, words):
    good = school_row("190009", "4009", "Good School")
    checked = school_import_check(la=world["home"], content=as_csv(GIAS, [good, *rows]))
    assert not checked.ok
    assert any(n == row_number + 1 and words in message for n, message in checked.errors), (
        checked.errors
    )
    with pytest.raises(ValueError):
        school_import_apply(la=world["home"], checked=checked)
    assert not School.objects.filter(urn="190009").exists()


def test_wrong_encoding_and_missing_columns(world):
    wide = as_csv(GIAS, [school_row("190001", "4001", "Ashby")]).decode().encode("utf-16")
    checked = school_import_check(la=world["home"], content=wide)
    assert checked.errors == [(0, checked.errors[0][1])] and "binary" in checked.errors[0][1]
    missing = school_import_check(la=world["home"], content=b"URN,Name\n190001,A\n")
    assert missing.errors[0][0] == 1 and "EstablishmentNumber" in missing.errors[0][1]


def pupil_row(upn, school, *, kind="", start="", end="", sessions="", reasons="", first="Sam"):
    return [
        upn, "Okafor", first, "", "", "14/02/2012", "M", "BAFR", "K", "Y", school,
        "03/09/2023", kind, start, end, sessions, reasons, "Ms Head",
    ]  # fmt: skip


def test_pupils_and_exclusions_import_and_a_second_import_changes_nothing(world, today):
    senco = world["users"]["school_staff"]
    urn = world["academy"].urn
    one, two = make_upn("929", 7001), make_upn("929", 7002)
    content = as_csv(
        MIS,
        [
            pupil_row(one, urn, kind="FIXD", start="10/11/2026", end="11/11/2026",
                      sessions="4", reasons="DB;VA"),
            pupil_row(one, urn, kind="LNCH", start="13/11/2026", reasons="DB"),
            pupil_row(two, urn, first="Ada"),
        ],
    )  # fmt: skip
    checked = pupil_import(user=senco, content=content, apply=False)
    assert checked.ok, checked.errors
    assert checked.added == 4  # 2 pupils, 2 exclusions
    assert not Pupil.objects.filter(upn__in=[one, two]).exists()  # the check kept nothing
    applied = pupil_import(user=senco, content=content, apply=True)
    assert applied.ok and applied.added == 4
    pupil = Pupil.objects.get(upn=one)
    assert pupil.sen_status == "K" and pupil.free_school_meals
    assert Exclusion.objects.filter(pupil=pupil).count() == 2
    assert pupil.enrolments.get().joined_on == date(2023, 9, 3)
    again = pupil_import(user=senco, content=content, apply=True)
    assert (again.added, again.changed) == (0, 0)
    assert Exclusion.objects.filter(pupil=pupil).count() == 2


def test_broken_pupil_files_report_every_row_and_apply_nothing(world, today):
    senco = world["users"]["school_staff"]
    urn = world["academy"].urn
    good = make_upn("929", 7101)
    content = as_csv(
        MIS,
        [
            pupil_row(good, urn),
            pupil_row("A929000000001", urn),  # check letter wrong
            pupil_row(make_upn("929", 7102), "999999"),  # unknown school
            pupil_row(make_upn("929", 7103), world["maintained"].urn),  # not this user's school
            pupil_row(good, urn),  # the same row again
            pupil_row(make_upn("929", 7104), urn, kind="FIXD", start="10/11/2026",
                      end="10/11/2026", sessions="9", reasons="DB"),  # more than the school held
            pupil_row(make_upn("929", 7105), urn, kind="FIXD", start="10/11/2026",
                      end="10/11/2026", sessions="1", reasons="ZZ"),
        ],
    )  # fmt: skip
    result = pupil_import(user=senco, content=content, apply=True)
    by_row = dict(result.errors)
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "check letter" in by_row[3]
    assert "999999" in by_row[4]
    assert "repeats row 2" in by_row[6]
    assert "sessions" in by_row[7]
    assert "ZZ" in by_row[8]
    assert not Pupil.objects.filter(upn=good).exists()  # the good row was not applied either


def test_a_file_over_the_limits_is_refused_with_a_clear_page_and_nothing_imported(
    world, sign_in, client
):
    sign_in(world["users"]["school_staff"])
    row = ",".join(pupil_row(make_upn("929", 7201), world["academy"].urn)) + "\n"
    header = ",".join(MIS) + "\n"
    # Over the 80 MB an import's page takes: refused before anything reads it.
    big = (header + row * (81 * 1024 * 1024 // len(row) + 1)).encode()
    response = client.post("/pupils/import/", {"file": io.BytesIO(big)}, format="multipart")
    assert response.status_code == 413
    assert "files to import smaller than 60 MB" in response.content.decode()
    # Over the pupils import's own 60 MB: the field says so, and nothing is kept or queued.
    del big
    over = io.BytesIO((header + row * (61 * 1024 * 1024 // len(row) + 1)).encode())
    over.name = "export.csv"
    response = client.post("/pupils/import/", {"file": over})
    assert response.status_code == 200
    assert "split it into files of at most 60 MB" in response.content.decode()
    assert not Pupil.objects.filter(upn=make_upn("929", 7201)).exists()
    assert not ImportJob.objects.exists()


def test_import_pages_check_then_import(world, sign_in, client, django_capture_on_commit_callbacks):
    sign_in(world["users"]["school_staff"])
    upn = make_upn("929", 7301)
    content = as_csv(MIS, [pupil_row(upn, world["academy"].urn)])
    upload = io.BytesIO(content)
    upload.name = "export.csv"
    with django_capture_on_commit_callbacks(execute=True):  # the worker's check (eager)
        uploaded = client.post("/pupils/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert uploaded.status_code == 302 and uploaded.url == f"/imports/{job.pk}/"
    page = client.get(uploaded.url).content.decode()
    assert "The file has no problems" in page and "Import 1 change" in page
    assert not Pupil.objects.filter(upn=upn).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's import
        done = client.post(uploaded.url)
    assert done.status_code == 302
    assert Pupil.objects.filter(upn=upn).exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["added"] == 1
    assert "Imported" in client.get(uploaded.url).content.decode()
    # Done: a second confirm imports nothing and says why.
    again = client.post(uploaded.url)
    assert again.status_code == 400
    assert "cannot be imported now" in again.content.decode()
    assert Pupil.objects.filter(upn=upn).count() == 1


GROUPS = ["Group UID", "Group ID", "Group Name", "Companies House Number", "Group Type"]


def gias_bytes(columns, rows) -> bytes:
    """As the DfE publishes the register: ISO-8859-1, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("iso-8859-1")


def test_the_register_as_published_imports_closures_trust_moves_and_new_la_codes(world):
    from organisations.la_codes import LaCode, is_la_code

    la = world["home"]
    first = gias_bytes(
        GIAS,
        [
            school_row("190001", "4001", "Ashby High School"),
            school_row("190002", "2001", "École Brook Academy", "Academy converter", uid="5101",
                       trust="Brook Trust"),
            school_row("190003", "4003", "Old Mill School"),
        ],
    )  # fmt: skip
    groups = gias_bytes(
        GROUPS,
        [
            ["5101", "TR01234", "Brook Trust", "01234567", "Multi-academy trust"],
            ["5202", "TR05678", "Fenland Learning Partnership", "07654321", "Multi-academy trust"],
        ],
    )
    checked = school_import_check(la=la, content=first, groups=groups)
    assert checked.ok, checked.errors
    school_import_apply(la=la, checked=checked)
    brook = School.objects.get(urn="190002")
    assert brook.name == "École Brook Academy"  # read in the register's own encoding
    assert brook.trust.group_uid == "5101" and brook.trust.companies_house_number == "01234567"
    # A year on: Old Mill closed, Brook Academy moved to another trust, the trust it left renamed
    # (the same Group UID), an independent school listed, and a new LA (943) in the national file.
    later = gias_bytes(
        GIAS,
        [
            school_row("190001", "4001", "Ashby High School"),
            school_row("190002", "2001", "École Brook Academy", "Academy converter", uid="5202",
                       trust="Fenland Learning Partnership"),
            school_row("190003", "4003", "Old Mill School", status="Closed", closed="31-08-2026"),
            school_row("190004", "6001", "Ashby Prep", "Other independent school"),
            school_row("190005", "4001", "Carlisle Academy", la="943", la_name="Cumberland"),
        ],
    )  # fmt: skip
    groups = groups.replace(b"5101,TR01234,Brook Trust", b"5101,TR01234,Brook Valley Trust")
    again = school_import_check(la=la, content=later, groups=groups)
    assert again.ok, again.errors
    assert (again.added, again.changed, again.unchanged, again.skipped) == (0, 3, 1, 1)
    assert again.not_held == {"Other independent school": 1}
    changes = {key: fields for key, _, fields in again.changes}
    assert changes["190003"] == [("Open", "Yes", "No"), ("Closed on", "None", "31 August 2026")]
    assert changes["190002"] == [("Trust", "Brook Trust", "Fenland Learning Partnership")]
    assert changes["Trust 5101"] == [("Name", "Brook Trust", "Brook Valley Trust")]
    school_import_apply(la=la, checked=again)
    brook.refresh_from_db()
    assert brook.trust.name == "Fenland Learning Partnership" and brook.trust.group_uid == "5202"
    assert Trust.objects.get(group_uid="5101").name == "Brook Valley Trust"
    mill = School.objects.get(urn="190003")
    assert not mill.is_open and mill.closed_on == date(2026, 8, 31)
    assert LaCode.objects.get(code="943").name == "Cumberland" and is_la_code("943")
    # Closed schools stay on record but are not offered for new records.
    from placements.moves.forms import MoveForm

    assert mill not in MoveForm(la_ids=[la.pk]).fields["to_school"].queryset
    # The same files again: everything unchanged, nothing to import.
    third = school_import_check(la=la, content=later, groups=groups)
    assert (third.added, third.changed, third.unchanged) == (0, 0, 3)
    assert third.changes == [] and third.plan == []
