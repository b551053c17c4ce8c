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


def test_large_file_in_parts_arrives_intact_on_servers_that_check_signatures(moto_server, rclone_server):
    """Our part checksums travel as signed headers: rclone checks the signature, both keep the bytes."""
    data = bytes(range(256)) * (4 * 1024 * 17)  # 17 MB: three parts
    for number, server in enumerate((moto_server, rclone_server)):
        settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=server.url, access_key_id=server.access_key_id,
                                            secret_access_key=server.secret_access_key)
        client = connection.make_client(settings)
        bucket = f"parts-{number}"
        client.create_bucket(Bucket=bucket)
        events = list(transfer.upload_many(client, bucket, [UploadJob("big.bin", io.BytesIO(data), len(data), "")],
                                           UploadOptions()))
        assert events[-1].ok and events[-1].size == len(data), events[-1]
        assert client.get_object(Bucket=bucket, Key="big.bin")["Body"].read() == data
        assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
