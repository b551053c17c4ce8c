"""Sharing against real servers: moto (ACLs, URLs, index pages) and rclone (signatures, expiry)."""

import time

import pytest
import requests

from core import connection, sharing
from core.connection import Mode
from tests.helpers import HtmlAudit, fetch
from tests.postpolicy import PolicyProxy
from tests.unit.test_sharing import SPECIAL_KEYS


def client_for(server):
    settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=server.url,
                                        access_key_id=server.access_key_id, secret_access_key=server.secret_access_key)
    return connection.make_client(settings)


@pytest.fixture
def moto_client(moto_server):
    client = client_for(moto_server)
    client.create_bucket(Bucket="shared")
    client.put_object(Bucket="shared", Key="data/report.csv", Body=b"a,b\n1,2\n")
    return client


def test_private_public_private_and_presigned_on_moto(moto_server, moto_client):
    url = sharing.public_url("shared", "data/report.csv", endpoint_url=moto_server.url)
    assert fetch(url)[0] == 403
    assert sharing.is_public_by_acl(moto_client, "shared", "data/report.csv") is False
    sharing.set_public(moto_client, "shared", "data/report.csv", public=True)
    assert fetch(url) == (200, b"a,b\n1,2\n")
    assert sharing.anonymous_status(url) == 200
    assert sharing.is_public_by_acl(moto_client, "shared", "data/report.csv") is True
    sharing.set_public(moto_client, "shared", "data/report.csv", public=False)
    assert fetch(url)[0] == 403 and sharing.anonymous_status(url) == 403
    presigned = sharing.presigned_download_url(moto_client, "shared", "data/report.csv", expires_in=3600)
    assert fetch(presigned) == (200, b"a,b\n1,2\n")


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_public_url_of_awkward_keys_fetches_that_very_object(moto_server, moto_client, key):
    moto_client.put_object(Bucket="shared", Key=key, Body=key.encode(), ACL="public-read")
    moto_client.put_object(Bucket="shared", Key=key + "-decoy", Body=b"decoy", ACL="public-read")
    assert fetch(sharing.public_url("shared", key, endpoint_url=moto_server.url)) == (200, key.encode())


def test_public_base_url_points_at_the_object(moto_server, moto_client):
    moto_client.put_object(Bucket="shared", Key="a b.csv", Body=b"cdn", ACL="public-read")
    url = sharing.public_url("shared", "a b.csv", base_url=f"{moto_server.url}/shared")
    assert fetch(url) == (200, b"cdn")


@pytest.mark.parametrize("public", [False, True])
def test_published_folder_index_links_open_their_objects(moto_server, moto_client, public):
    keys = ["idx/<b>bold</b>.csv", "idx/a b#1.csv", "idx/plain.csv"]
    for key in keys:
        moto_client.put_object(Bucket="shared", Key=key, Body=key.encode(), ACL="public-read" if public else "private")
    rows = [(key[4:], sharing.public_url("shared", key, endpoint_url=moto_server.url) if public
             else sharing.presigned_download_url(moto_client, "shared", key), "2026-01-01", len(key)) for key in keys]
    page = sharing.folder_index_html("shared/idx/", rows)
    sharing.publish_page(moto_client, "shared", "idx/index.html", page, public=True)
    status, published = fetch(sharing.public_url("shared", "idx/index.html", endpoint_url=moto_server.url))
    assert status == 200 and "&lt;b&gt;bold&lt;/b&gt;.csv" in published.decode()
    parser = HtmlAudit(published.decode())
    assert [fetch(href) for href in parser.hrefs] == [(200, key.encode()) for key in keys]


def test_presigned_get_on_rclone_works_tampered_and_expired_are_refused(rclone_server):
    client = client_for(rclone_server)
    client.create_bucket(Bucket="signed")
    client.put_object(Bucket="signed", Key="a b.csv", Body=b"secret data")
    url = sharing.presigned_download_url(client, "signed", "a b.csv", expires_in=60)
    assert fetch(url) == (200, b"secret data")
    tampered = url.replace("a%20b.csv", "a%20c.csv")
    assert fetch(tampered)[0] == 403
    forged = url.replace("X-Amz-Expires=60", "X-Amz-Expires=600")
    assert fetch(forged)[0] == 403
    short = sharing.presigned_download_url(client, "signed", "a b.csv", expires_in=1)
    time.sleep(2.2)
    status, body = fetch(short)
    assert status in (400, 403) and b"<Code>AccessDenied</Code>" in body


def test_presigned_post_uploads_and_the_size_limit_holds(moto_server, moto_client):
    proxy = PolicyProxy(moto_server.url, moto_server.secret_access_key)
    try:
        settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=proxy.url, access_key_id="a",
                                            secret_access_key=moto_server.secret_access_key)
        link = sharing.presigned_upload(connection.make_client(settings), "shared", "incoming/", max_bytes=20,
                                        content_type_prefix="text/", expires_in=60)
        small = requests.post(link.url, data=link.fields, files={"file": ("notes.txt", b"twelve bytes")})
        assert small.status_code in (200, 204), small.text
        assert moto_client.get_object(Bucket="shared", Key="incoming/notes.txt")["Body"].read() == b"twelve bytes"
        big = requests.post(link.url, data=link.fields, files={"file": ("big.txt", b"x" * 21)})
        assert (big.status_code, big.text) == (400, "EntityTooLarge")
        forged = {**link.fields, "key": "elsewhere/${filename}"}
        assert requests.post(link.url, data=forged, files={"file": ("f.txt", b"x")}).status_code == 403
        wrong_type = {**link.fields, "Content-Type": "application/zip"}
        assert requests.post(link.url, data=wrong_type, files={"file": ("f.zip", b"x")}).status_code == 403
    finally:
        proxy.close()


def test_rclone_refuses_sigv4_post_uploads(rclone_server):
    """Why the POST test above needs its own policy checker: rclone has no SigV4 POST support."""
    client = client_for(rclone_server)
    client.create_bucket(Bucket="posting")
    link = sharing.presigned_upload(client, "posting", "in/", max_bytes=100, expires_in=60)
    answer = requests.post(link.url, data=link.fields, files={"file": ("a.txt", b"x")})
    assert answer.status_code == 400 and "UnsupportedAlgorithm" in answer.text
