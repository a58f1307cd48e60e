"""Files on S3-compatible object storage (approvision/storage.py) against a real server: the
SeaweedFS that scripts/services.sh starts for the tests, through django-storages and boto3.

What one web node stores another reads (nothing on either's local disk); downloads stay behind
the same access checks; a store that does not answer is a clear 503 with nothing half-saved and
nothing typed lost, and uploads work again when it returns."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from approvision.storage import bucket_ensure, is_storage_outage, s3_storage
from bench.run import Session
from cases.referrals.models import EvidenceDocument
from cases.referrals.services import evidence_add
from tests.cases.test_referrals import PDF
from tests.factories import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db


def _local_store() -> dict:
    try:
        return {
            "endpoint": os.environ["APPROVISION_S3_LOCAL_ENDPOINT"],
            "key": os.environ["APPROVISION_S3_LOCAL_KEY"],
            "secret": os.environ["APPROVISION_S3_LOCAL_SECRET"],
        }
    except KeyError:
        pytest.fail("The local object store is not running: start it with scripts/services.sh")


@pytest.fixture
def bucket(settings):
    """A new bucket on the local object store, made the default storage."""
    store = _local_store()
    name = f"test-{uuid.uuid4().hex[:12]}"
    client = bucket_ensure(bucket=name, **store)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(bucket=name, **store)}
    yield client, name
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_document_uploaded_through_one_node_downloads_through_another(
    world, referral, sign_in, bucket, settings, tmp_path
):
    client_s3, name = bucket
    # Node one: the SENCO uploads on the referral page. Its local disk is one folder...
    settings.MEDIA_ROOT = tmp_path / "node-one"
    senco = sign_in(world["users"]["school_staff"])
    upload = SimpleUploadedFile("ep-report.pdf", PDF, "application/pdf")
    response = senco.post(reverse("cases:referral_upload", args=[referral.pk]), {"file": upload})
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(referral=referral)
    # ...in which nothing was written: the file is an object in the bucket, under its own name.
    assert not (tmp_path / "node-one").exists()
    keys = [item["Key"] for item in client_s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [document.file.name]
    assert client_s3.get_object(Bucket=name, Key=keys[0])["Body"].read() == PDF

    # Node two: another local disk, empty; the officer downloads it, after the same checks.
    settings.MEDIA_ROOT = tmp_path / "node-two"
    url = reverse("cases:document_download", args=[document.pk])
    officer = sign_in(world["users"]["la_officer"], Client())
    response = officer.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ep-report.pdf"')
    assert b"".join(response.streaming_content) == PDF
    assert not (tmp_path / "node-two").exists()
    # Out of scope is still not found, wherever the file lives.
    assert sign_in(world["users"]["other_la_officer"], Client()).get(url).status_code == 404
    assert sign_in(world["users"]["other_school_staff"], Client()).get(url).status_code == 404


def test_a_store_that_does_not_answer_is_a_503_with_nothing_half_saved_or_lost(
    world, referral, sign_in, bucket, settings
):
    _, name = bucket
    store = _local_store()
    working = settings.STORAGES["default"]
    senco = sign_in(world["users"]["school_staff"])
    edit = reverse("cases:referral_edit", args=[referral.pk])
    # A document kept while the store answered.
    kept = evidence_add(
        referral=referral, by=world["users"]["school_staff"], name="plan.pdf", content=PDF
    )
    referral.refresh_from_db()

    # The store stops answering (nothing listens at its address any more).
    down = s3_storage(bucket=name, **{**store, "endpoint": f"http://127.0.0.1:{_closed_port()}"})
    settings.STORAGES = {**settings.STORAGES, "default": down}
    typed = {"risk_assessment": "Typed while the store was down", "version": referral.version}
    upload = SimpleUploadedFile("ep-report.pdf", PDF, "application/pdf")
    response = senco.post(edit, {**typed, "upload": "Upload", "file": upload})
    # A 503 on the page itself: what was typed is saved and shown, the file's error on it.
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The document store is not answering, so the file was not kept" in response.text
    assert "Typed while the store was down" in response.text
    referral.refresh_from_db()
    assert referral.risk_assessment == "Typed while the store was down"
    # Nothing half-saved: no record of a document without its file.
    assert list(referral.documents.values_list("name", flat=True)) == ["plan.pdf"]
    # The upload page alone says the same.
    again = SimpleUploadedFile("ep-report.pdf", PDF, "application/pdf")
    alone = senco.post(reverse("cases:referral_upload", args=[referral.pk]), {"file": again})
    assert alone.status_code == 503
    assert "The document store is not answering" in alone.text
    # A download is a 503 page that says what is wrong, not a 500.
    officer = sign_in(world["users"]["la_officer"])
    officer.raise_request_exception = False
    download = officer.get(reverse("cases:document_download", args=[kept.pk]))
    assert download.status_code == 503
    assert "Sorry, documents are unavailable" in download.text

    # It answers again: the upload works, and the first document downloads.
    settings.STORAGES = {**settings.STORAGES, "default": working}
    referral.refresh_from_db()
    senco = sign_in(world["users"]["school_staff"])
    upload = SimpleUploadedFile("ep-report.pdf", PDF, "application/pdf")
    response = senco.post(
        edit, {**typed, "version": referral.version, "upload": "Upload", "file": upload}
    )
    assert response.status_code == 302
    assert sorted(referral.documents.values_list("name", flat=True)) == [
        "ep-report.pdf",
        "plan.pdf",
    ]
    response = sign_in(world["users"]["la_officer"]).get(
        reverse("cases:document_download", args=[kept.pk])
    )
    assert b"".join(response.streaming_content) == PDF


def test_only_an_unreachable_or_failing_store_counts_as_an_outage():
    from botocore.exceptions import ClientError, EndpointConnectionError

    def client_error(status):
        return ClientError({"ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")

    assert is_storage_outage(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert is_storage_outage(client_error(503))
    assert not is_storage_outage(client_error(404))  # a missing object is not an outage
    assert not is_storage_outage(client_error(403))
    assert not is_storage_outage(ValueError("no"))


class Node(Session):
    """A web node: gunicorn in a process of its own, with its own local disk, against the test
    database and the same object store; driven over HTTP as a browser would (bench.run.Session:
    cookies, CSRF, signing in with the password and a code)."""

    def __init__(self, name: str, env: dict, var_dir):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        super().__init__("127.0.0.1", port)
        self.var_dir = var_dir
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "approvision.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env={
                **env,
                "APPROVISION_VAR_DIR": str(var_dir),
                # Its own log file, not the suite worker's (which it would empty).
                "PYTEST_XDIST_WORKER": f"node-{name}",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"web node {name} did not start")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def account(user) -> dict:
    return {"username": user.username, "password": PASSWORD, "totp_secret": TOTP_SECRET}


@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_one_uploads_the_other_downloads(world, bucket, tmp_path):
    """Two gunicorn processes, each its own local disk, one database and one object store: the
    SENCO uploads through one, the officer downloads through the other."""
    from cases.referrals.services import referral_start
    from tests.factories import PupilFactory, enrol

    _, name = bucket
    store = _local_store()
    pupil = PupilFactory(la=world["home"])
    enrol(pupil, world["academy"])
    referral = referral_start(pupil=pupil, by=world["users"]["school_staff"])
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approvision.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "APPROVISION_S3_BUCKET": name,
        "APPROVISION_S3_ENDPOINT": store["endpoint"],
        "APPROVISION_S3_KEY": store["key"],
        "APPROVISION_S3_SECRET": store["secret"],
    }
    one = Node("one", env, tmp_path / "one")
    try:
        two = Node("two", env, tmp_path / "two")
        try:
            one.sign_in(account(world["users"]["school_staff"]))
            upload = reverse("cases:referral_upload", args=[referral.pk])
            status, _, _ = one.upload(upload, {}, {"file": ("ep-report.pdf", PDF)})
            assert status == 302
            document = EvidenceDocument.objects.get(referral=referral)
            two.sign_in(account(world["users"]["la_officer"]))
            download = reverse("cases:document_download", args=[document.pk])
            status, _, content = two.request("GET", download)
            assert status == 200 and content == PDF
            # Neither node wrote the file to its own disk.
            for node in (one, two):
                assert not (node.var_dir / "media").exists() or not any(
                    (node.var_dir / "media").rglob("*.*")
                )
        finally:
            two.stop()
    finally:
        one.stop()
