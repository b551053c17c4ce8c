"""Faults while the app runs: each gives one sentence, and the next action works."""

import pytest
from botocore.exceptions import ClientError

from core import connection
from core.connection import Mode
from tests.pages.conftest import button, open_page, page_text, plain
from ui import adapter


def endpoint(url: str):
    return connection.make_settings(Mode.ENDPOINT, endpoint_url=url, access_key_id="a", secret_access_key="b")


def switch_to(at, settings):
    """What the Connect page does, without retyping the form."""
    at.session_state["connection_settings"] = settings
    return at.run()


def test_endpoint_that_never_answers_times_out_with_a_sentence(silent_server, moto_server, monkeypatch):
    monkeypatch.setattr(connection, "READ_TIMEOUT", 1)
    monkeypatch.setattr(connection, "MAX_ATTEMPTS", 1)
    at = open_page("pages/browse.py", connection_settings=endpoint(silent_server))
    assert not at.exception
    assert "did not answer in time" in plain(at.error[0].value)
    moto_server.client().create_bucket(Bucket="after-the-timeout")
    switch_to(at, endpoint(moto_server.url))
    assert not at.error and at.selectbox[0].value == "after-the-timeout"


def test_unreachable_endpoint_then_recovery(moto_server):
    from core.sandbox import free_port

    at = open_page("pages/buckets.py", connection_settings=endpoint(f"http://127.0.0.1:{free_port()}"))
    assert "could not be reached" in plain(at.error[0].value)
    switch_to(at, endpoint(moto_server.url))
    assert not at.error and not at.exception


def test_slow_down_is_retried_then_explained(slow_down_server, monkeypatch):
    monkeypatch.setattr(connection, "MAX_ATTEMPTS", 3)
    url, hits = slow_down_server
    at = open_page("pages/browse.py", connection_settings=endpoint(url))
    hits.clear()
    at.run()
    assert not at.exception
    assert "asked us to slow down" in plain(at.error[0].value)
    assert len(hits) == connection.MAX_ATTEMPTS, "standard retry mode tried the one request again"


def refuse(operation: str, code: str, client, after: int = 0):
    calls = []

    def hook(**kwargs):
        calls.append(1)
        if len(calls) > after:
            raise ClientError({"Error": {"Code": code, "Message": code}}, operation)

    client.meta.events.register(f"before-call.s3.{operation}", hook)


def test_access_denied_on_delete_only(moto_server):
    settings = endpoint(moto_server.url)
    moto_server.client().create_bucket(Bucket="keep-me")
    refuse("DeleteBucket", "AccessDenied", adapter.s3_client(settings))
    at = open_page("pages/buckets.py", connection_settings=settings)
    at.selectbox(key="delete_bucket").set_value("keep-me").run()
    at.text_input(key="confirm_delete:keep-me").input("keep-me").run()
    button(at, "Delete bucket").click().run()
    assert not at.exception
    assert "Could not delete bucket 'keep-me': access denied." in plain(at.error[0].value)
    at.text_input(key="create_name").input("made-after-denial")
    button(at, "Create bucket").click().run()
    assert "Created bucket 'made-after-denial'" in page_text(at)
    names = [b["Name"] for b in moto_server.client().list_buckets()["Buckets"]]
    assert sorted(names) == ["keep-me", "made-after-denial"]


def test_credentials_expiring_mid_session(moto_server):
    settings = endpoint(moto_server.url)
    moto_server.client().create_bucket(Bucket="data")
    at = open_page("pages/browse.py", connection_settings=settings)
    assert "This folder is empty." in page_text(at)
    refuse("ListObjectsV2", "ExpiredToken", adapter.s3_client(settings))
    at.text_input[0].input("x").run()
    assert not at.exception
    assert "session token has expired" in plain(at.error[0].value)
    fresh = connection.make_settings(Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a",
                                     secret_access_key="renewed")
    switch_to(at, fresh)
    assert not at.error and "Nothing here starts with that." in page_text(at)


@pytest.mark.parametrize("page", ["pages/browse.py", "pages/buckets.py", "pages/upload.py", "pages/share.py",
                                  "pages/report.py", "pages/connect.py"])
def test_every_page_survives_an_unreachable_endpoint(page):
    from core.sandbox import free_port

    at = open_page(page, connection_settings=endpoint(f"http://127.0.0.1:{free_port()}"))
    assert not at.exception
    if page != "pages/connect.py":
        assert "could not be reached" in plain(at.error[0].value)
