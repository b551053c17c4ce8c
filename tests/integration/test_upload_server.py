"""Uploads against a real moto server over HTTP: ACLs as an anonymous reader sees them."""

import io

from core import connection, sharing, transfer
from core.connection import Mode
from core.transfer import UploadJob, UploadOptions
from tests.helpers import fetch


def test_private_and_public_read_as_seen_anonymously(moto_server):
    settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="b")
    client = connection.make_client(settings)
    client.create_bucket(Bucket="uploads")
    for key, public in (("private.csv", False), ("public.csv", True)):
        events = list(transfer.upload_many(client, "uploads", [UploadJob(key, io.BytesIO(b"a,b\n1,2\n"), 8, "text/csv")],
                                           UploadOptions(public=public)))
        assert events[-1].ok, events[-1]
    base = dict(endpoint_url=moto_server.url)
    assert fetch(sharing.public_url("uploads", "private.csv", **base))[0] == 403
    assert fetch(sharing.public_url("uploads", "public.csv", **base))[0] == 200
    presigned = sharing.presigned_download_url(client, "uploads", "private.csv")
    assert fetch(presigned)[0] == 200
