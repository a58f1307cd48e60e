"""Subject access exports and retention (security bar G21, G22), with frozen time."""

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import PupilRead
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_record
from cases.pupils.models import Pupil
from cases.pupils.services import pupil_update
from cases.referrals.models import EvidenceDocument, Referral
from cases.referrals.services import evidence_add, referral_start
from placements.commissioning.models import Placement
from placements.commissioning.services import placement_offer
from rights.models import LegalHold
from rights.records import NOT_PERSONAL_DATA, label, pupil_models
from rights.retention import retention_run
from tests.factories import PupilFactory, enrol, ready_provider

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _history(world, born: date, *, sen: bool = False, name="Kept"):
    """A pupil with an exclusion, a referral with a document, a placement and some history."""
    senco = world["users"]["school_staff"]
    officer = world["users"]["la_officer"]
    pupil = PupilFactory(la=world["home"], legal_first_name=name, date_of_birth=born)
    enrol(pupil, world["academy"], joined_on=date(2015, 9, 3))
    pupil = pupil_update(pupil=pupil, by=officer, version=pupil.version, looked_after=True)
    if sen:
        pupil = pupil_update(pupil=pupil, by=officer, version=pupil.version, sen_status="K")
        pupil = pupil_update(pupil=pupil, by=officer, version=pupil.version, sen_status="N")
    exclusion_record(
        by=senco,
        pupil=pupil,
        school=world["academy"],
        kind=Exclusion.Kind.PERMANENT,
        start_date=date(2016, 10, 5),
        reasons=["PA"],
        decided_by="Head",
        late_reason="Copied from the school's paper file",
    )
    referral = referral_start(pupil=pupil, by=senco)
    evidence_add(referral=referral, by=senco, name="plan.pdf", content=PDF)
    placement_offer(
        pupil=pupil,
        provider=world["provider"],
        by=officer,
        source=Placement.Source.LA,
        tier=Placement.Tier.TIER_2,
        start_date=date(2016, 11, 1),
        planned_end=date(2017, 2, 1),
        hours_per_week=Decimal("25"),
        funding=Placement.Funding.HIGH_NEEDS,
    )
    return pupil


@pytest.fixture
def held_world(world):
    ready_provider(world["provider"], by=world["users"]["la_officer"])
    return world


def test_every_model_that_refers_to_a_pupil_is_in_the_export_or_listed_with_a_reason():
    pupil = apps.get_model("cases", "Pupil")
    found = {label(model) for model, _ in pupil_models()}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        refers = any(
            f.is_relation and f.concrete and f.related_model is pupil
            for f in model._meta.get_fields()
        )
        if refers:
            assert label(model) in found
    # Models reached through another record, not only directly.
    assert {"placements.ReintegrationStep", "panels.Decision", "cases.EvidenceDocument"} <= found
    assert set(NOT_PERSONAL_DATA) <= found


def test_subject_access_export_holds_records_history_documents_and_reads(
    held_world, sign_in, client
):
    world = held_world
    pupil = _history(world, date(2005, 3, 1))
    officer = world["users"]["la_officer"]
    sign_in(officer)
    client.get(f"/pupils/{pupil.pk}/")  # a read, to appear in the access log
    page = client.get(f"/pupils/{pupil.pk}/subject-access/")
    assert page.status_code == 200
    before = PupilRead.objects.count()
    frozen = timezone.now().replace(microsecond=0)
    with time_machine.travel(frozen, tick=False):
        response = client.post(f"/pupils/{pupil.pk}/subject-access/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert PupilRead.objects.count() == before + 1
    assert PupilRead.objects.order_by("-pk").first().action == PupilRead.Action.SUBJECT_ACCESS
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    names = archive.namelist()
    assert "subject-access.pdf" in names and "subject-access.json" in names
    assert any(name.startswith("documents/") for name in names)
    data = json.loads(archive.read("subject-access.json"))
    assert datetime.fromisoformat(data["made_at"].replace("Z", "+00:00")) == frozen
    records = data["records"]
    assert records["cases.Pupil"][0]["legal_first_name"] == "Kept"
    assert len(records["cases.Exclusion"]) == 1
    # The scope's copies of the pupil's LA are not personal data of their own.
    assert "pupil_la" not in records["cases.Exclusion"][0]
    assert len(records["placements.Placement"]) == 1
    assert len(records["cases.EvidenceDocument"]) == 1
    # Every earlier version of the pupil's record: created, then changed.
    assert len(data["history"]["cases.Pupil"]) >= 2
    assert data["access_log"] and "who" not in data["access_log"][0]
    assert "cases.PupilGroupObjectPermission" not in records
    # The PDF is readable text.
    pdf = archive.read("subject-access.pdf")
    assert pdf.startswith(b"%PDF")


def test_only_la_officers_make_exports(held_world, sign_in, client):
    pupil = _history(held_world, date(2005, 3, 1))
    for role in ("school_staff", "provider_staff", "director", "other_la_officer"):
        sign_in(held_world["users"][role])
        assert client.post(f"/pupils/{pupil.pk}/subject-access/").status_code in (403, 404)


def test_retention_deletes_records_history_and_files_but_not_held_or_sen(
    held_world, django_capture_on_commit_callbacks
):
    world = held_world
    plain = _history(world, date(2000, 1, 15), name="Plain")
    sen = _history(world, date(2000, 1, 15), sen=True, name="Sen")
    held = _history(world, date(2000, 1, 15), name="Held")
    young = _history(world, date(2010, 1, 15), name="Young")
    LegalHold.objects.create(pupil=held, reason="Claim", placed_by=world["users"]["la_officer"])
    files = {
        d.referral.pupil.legal_first_name: Path(d.file.path)
        for d in EvidenceDocument.objects.select_related("referral__pupil")
    }
    assert all(path.is_file() for path in files.values())

    with time_machine.travel(date(2025, 1, 14)):
        assert retention_run(date(2025, 1, 14)).pupils_deleted == 0
    # Files go once the batch's deletion is committed.
    with time_machine.travel(date(2025, 1, 15)), django_capture_on_commit_callbacks(execute=True):
        run = retention_run(date(2025, 1, 15))
    assert run.pupils_deleted == 1 and run.held == 1
    assert set(Pupil.objects.values_list("legal_first_name", flat=True)) == {"Sen", "Held", "Young"}
    assert not Pupil.history.filter(id=plain.pk).exists()
    assert not Exclusion.objects.filter(pupil_id=plain.pk).exists()
    assert not Exclusion.history.filter(pupil_id=plain.pk).exists()
    assert not Referral.objects.filter(pupil_id=plain.pk).exists()
    assert not Placement.objects.filter(pupil_id=plain.pk).exists()
    assert not files["Plain"].exists()
    assert files["Sen"].is_file() and files["Held"].is_file()

    # A pupil who once had SEN is kept to 31, whatever their status now.
    with time_machine.travel(date(2031, 1, 15)):
        run = retention_run(date(2031, 1, 15))
    assert run.pupils_deleted == 1  # Sen; Held stays under its hold; Young is 21
    assert set(Pupil.objects.values_list("legal_first_name", flat=True)) == {"Held", "Young"}

    # Lifting the hold lets the next run delete them.
    LegalHold.objects.filter(pupil=held).update(lifted_on=date(2031, 2, 1))
    run = retention_run(date(2031, 2, 2))
    assert run.pupils_deleted == 1
    assert not LegalHold.objects.filter(pupil_id=held.pk).exists()
    assert list(Pupil.objects.values_list("legal_first_name", flat=True)) == ["Young"]
    assert not Pupil.objects.filter(pk=sen.pk).exists() and young.pk


def test_retention_runs_the_same_queries_for_one_pupil_as_for_four(held_world):
    """No query a pupil: each model's records of a batch of pupils go in one statement."""

    def queries_to_delete(count: int, year: int) -> int:
        for n in range(count):
            _history(held_world, date(year, 1, 15), name=f"Gone{n}")
        with CaptureQueriesContext(connection) as queries:
            run = retention_run(date(year + 25, 1, 15))
        assert run.pupils_deleted == count
        return len(queries)

    assert queries_to_delete(1, 1990) == queries_to_delete(4, 1991)


def test_retention_ages_are_the_las_settings(held_world):
    world = held_world
    world["home"].retain_pupil_records_to_age = 30
    world["home"].save()
    _history(world, date(2000, 1, 15), name="Plain")
    assert retention_run(date(2025, 6, 1)).pupils_deleted == 0
    assert retention_run(date(2030, 1, 15)).pupils_deleted == 1


def test_legal_hold_page(held_world, sign_in, client):
    pupil = _history(held_world, date(2005, 3, 1))
    sign_in(held_world["users"]["la_officer"])
    empty = client.post(f"/pupils/{pupil.pk}/legal-hold/", {"reason": ""})
    assert (empty.status_code == 200 and "Enter" in empty.content.decode()) or "required" in (
        empty.content.decode()
    )
    assert not LegalHold.objects.exists()
    client.post(f"/pupils/{pupil.pk}/legal-hold/", {"reason": "Inquiry"})
    assert LegalHold.objects.active().get().reason == "Inquiry"
    client.post(f"/pupils/{pupil.pk}/legal-hold/", {"lift": "1"})
    assert not LegalHold.objects.active().exists()


def test_the_nightly_task_runs_retention_and_clears_spent_rate_windows(held_world):
    from datetime import timedelta

    from audit.models import RateCount
    from rights.models import RetentionRun
    from rights.tasks import retention

    now = timezone.now()
    RateCount.objects.create(key="api:1", window_start=now - timedelta(days=2), count=5)
    RateCount.objects.create(key="api:1", window_start=now, count=1)
    result = retention.delay().get()
    assert set(result) == {"pupils", "records", "held"}
    assert RetentionRun.objects.count() == 1
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]


def test_a_second_hold_placed_at_the_same_moment_is_not_an_error(held_world, sign_in, client):
    pupil = _history(held_world, date(2005, 3, 1))
    officer = held_world["users"]["la_officer"]
    sign_in(officer)
    page = client.get(f"/pupils/{pupil.pk}/legal-hold/")  # the form, before anyone placed one
    assert page.status_code == 200
    LegalHold.objects.create(pupil=pupil, reason="First", placed_by=officer)
    from rights.views import HoldForm, LegalHoldView

    view = LegalHoldView()
    view.setup(page.wsgi_request, pk=pupil.pk)
    view.pupil = pupil
    form = HoldForm({"reason": "Second"})
    assert form.is_valid()
    assert view.form_valid(form).status_code == 302
    assert LegalHold.objects.active().get().reason == "First"
