"""Files on object storage: the settings that put them there, and what an outage of it is.

`make run` keeps files on the local disk. Given a bucket (APPROVISION_S3_BUCKET, with an
endpoint, key and secret unless the machine's role provides them), every uploaded document,
report, pack, letter and import goes to S3-compatible object storage through django-storages, so
any web node or worker reads what another wrote. Objects are private: they are read back only
through the views, after the same access checks as before (never a public or signed link).

An object store that does not answer is an outage with a known answer, as a database outage is:
a 503 saying so (never a 500), nothing half-written (the record is saved only after its file),
and uploads work again when it returns.
"""

from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as StoreConnectionError


def s3_storage(*, bucket: str, endpoint: str = "", key: str = "", secret: str = "") -> dict:
    """The STORAGES entry for a bucket. No key: the machine's own credentials (an instance
    role). Short timeouts and one retry, so a store that is down is a quick 503, not a hung
    request."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "access_key": key or None,
            "secret_key": secret or None,
            "region_name": "eu-west-2",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": "private",
            "file_overwrite": False,
            "client_config": Config(
                connect_timeout=2, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"}
            ),
        },
    }


def bucket_ensure(*, bucket: str, endpoint: str, key: str, secret: str):
    """The bucket on an S3-compatible store, made if it is not there (the tests' and drills'
    local store; a real deployment's bucket is made with the rest of its infrastructure).
    Gives the boto3 client."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        region_name="eu-west-2",
    )
    if bucket not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
        client.create_bucket(Bucket=bucket)
    return client


def is_storage_outage(error: BaseException | None) -> bool:
    """The object store could not be reached, timed out, or failed on its side (5xx)."""
    if isinstance(error, (StoreConnectionError, HTTPClientError)):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500
    return False
