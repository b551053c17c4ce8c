"""core.sharing: presigned links."""

import urllib.parse

import pytest

from core import connection, sharing
from core.connection import Mode
from core.errors import InvalidInput


@pytest.mark.parametrize("seconds", [0, -5, sharing.MAX_PRESIGN_SECONDS + 1])
def test_presigned_expiry_out_of_range_is_refused(s3, seconds):
    with pytest.raises(InvalidInput, match="between 1 second and 7 days"):
        sharing.presigned_download_url(s3, "seeded-bucket", "hello.txt", expires_in=seconds)


def test_presigned_download_url_signs_expiry_and_filename():
    client = connection.make_client(
        connection.make_settings(Mode.KEYS, access_key_id="AKIDTEST", secret_access_key="s")
    )  # the app's factory: SigV4, whatever boto3's default for presigning is
    url = sharing.presigned_download_url(client, "seeded-bucket", "a b#c.txt", expires_in=600, filename="x.txt")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["response-content-disposition"] == ['attachment; filename="x.txt"; filename*=UTF-8\'\'x.txt']
    assert "/a%20b%23c.txt" in url
