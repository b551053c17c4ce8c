"""AppTest of the app shell and the Connect page: start-up, errors as sentences, isolation, secrets."""

import logging

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.stub import Stubber
from streamlit.testing.v1 import AppTest

from core import connection, errors
from core.connection import Mode
from tests.pages.conftest import APP, button, open_page, page_text, plain
from tests.unit.test_errors import CLIENT_ERROR_CASES

SENTINEL = "SENTINEL-typed-secret-8d41b2"


def start(**session_state) -> AppTest:
    return open_page("pages/connect.py", **session_state)


def fill_endpoint(at: AppTest, url: str, key: str, secret: str) -> AppTest:
    at.radio(key="connect_mode").set_value(Mode.ENDPOINT).run()
    at.text_input(key="connect_endpoint").input(url)
    at.text_input(key="connect_access_key_id").input(key)
    at.text_input(key="connect_secret_access_key").input(secret)
    return at


def test_starts_on_default_chain_from_env(monkeypatch, moto_server):
    moto_server.client().create_bucket(Bucket="from-env-bucket")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_server.url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    badge = at.sidebar.success[0].value
    assert "Default chain (environment variables)" in badge and moto_server.url in badge
    at.switch_page("pages/connect.py").run()
    button(at, "Test connection").click().run()
    assert "from-env-bucket" in page_text(at)


def test_default_chain_mode_without_credentials_says_so(no_aws_credentials, moto_server, monkeypatch):
    settings = connection.make_settings(
        Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="b"
    )
    at = start(connection_settings=settings)
    at.radio(key="connect_mode").set_value(Mode.DEFAULT_CHAIN).run()
    button(at, "Test connection").click().run()
    assert "No credentials were found in the default chain" in plain(at.error[0].value)
    assert not at.exception


def test_connect_switches_only_after_a_successful_test(moto_server, rclone_server):
    rclone_server.client().create_bucket(Bucket="only-on-rclone")
    at = start()
    fill_endpoint(at, rclone_server.url, rclone_server.access_key_id, "wrong-secret")
    button(at, "Connect").click().run()
    assert "secret access key does not match" in plain(at.error[0].value)
    assert at.session_state["connection_settings"].mode is Mode.DEFAULT_CHAIN
    assert at.text_input(key="connect_endpoint").value == rclone_server.url, "input kept"

    at.text_input(key="connect_secret_access_key").input(rclone_server.secret_access_key)
    button(at, "Connect").click().run()
    assert not at.error
    assert at.session_state["connection_settings"].endpoint_url == rclone_server.url
    assert "only-on-rclone" in page_text(at)
    assert rclone_server.url in at.sidebar.success[0].value, "the badge follows the switch"
    assert at.text_input(key="connect_secret_access_key").value == "", "secret forgotten"


def test_two_sessions_with_different_credentials_see_different_buckets(moto_server, rclone_server):
    moto_server.client().create_bucket(Bucket="moto-only")
    rclone_server.client().create_bucket(Bucket="rclone-only")
    on_moto = connection.make_settings(
        Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="b"
    )
    on_rclone = connection.make_settings(
        Mode.ENDPOINT, endpoint_url=rclone_server.url,
        access_key_id=rclone_server.access_key_id, secret_access_key=rclone_server.secret_access_key,
    )
    first, second = start(connection_settings=on_moto), start(connection_settings=on_rclone)
    for at, settings in ((first, on_moto), (second, on_rclone)):
        at.radio(key="connect_mode").set_value(Mode.ENDPOINT).run()
        at.text_input(key="connect_endpoint").input(settings.endpoint_url)
        at.text_input(key="connect_access_key_id").input(settings.access_key_id)
        at.text_input(key="connect_secret_access_key").input(settings.secret_access_key)
        button(at, "Test connection").click().run()
    assert "moto-only" in page_text(first) and "rclone-only" not in page_text(first)
    assert "rclone-only" in page_text(second) and "moto-only" not in page_text(second)


def test_same_key_id_different_secret_never_shares_a_client(moto_server):
    from ui import adapter

    one = connection.make_settings(Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="s1")
    two = connection.make_settings(Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="s2")
    assert adapter.s3_client(one) is adapter.s3_client(one)
    assert adapter.s3_client(one) is not adapter.s3_client(two)


def test_sentinel_secret_never_shown_logged_or_in_reprs(moto_server, caplog):
    caplog.set_level(logging.DEBUG)
    at = start()
    fill_endpoint(at, moto_server.url, "AKIDSENTINELKEY1234", SENTINEL)
    at.text_input(key="connect_session_token").input(SENTINEL + "-token")
    button(at, "Connect").click().run()
    settings = at.session_state["connection_settings"]
    assert settings.secret_access_key == SENTINEL, "connected with the typed secret"
    shown = page_text(at)
    assert "AKID…1234" in shown
    for text in (shown, repr(settings), str(settings), caplog.text):
        assert SENTINEL not in text
    assert all(SENTINEL not in str(e.value) for e in at.text_input)


def _stubbed_client(code=None, exc=None):
    """A real client whose ListBuckets fails with the given error code or exception."""
    def make(settings, service="s3"):
        client = connection.__dict__["_real_make_client"](settings, service)
        if code:
            stub = Stubber(client)
            stub.add_client_error("list_buckets", service_error_code=code, http_status_code=400)
            stub.activate()
        else:
            def fail(**kwargs):
                raise exc
            client.meta.events.register("before-send.s3.ListBuckets", fail)
        return client
    return make


@pytest.mark.parametrize(
    "failure",
    [*sorted(CLIENT_ERROR_CASES),
     EndpointConnectionError(endpoint_url="http://x"),
     ConnectTimeoutError(endpoint_url="http://x"),
     ReadTimeoutError(endpoint_url="http://x"),
     NoCredentialsError()],
    ids=str,
)
def test_each_error_is_shown_as_its_sentence(failure, monkeypatch, moto_server):
    monkeypatch.setitem(connection.__dict__, "_real_make_client", connection.make_client)
    if isinstance(failure, str):
        monkeypatch.setattr(connection, "make_client", _stubbed_client(code=failure))
        expected = errors.translate(
            errors.ClientError({"Error": {"Code": failure}}, "ListBuckets"), action="list buckets"
        )
    else:
        monkeypatch.setattr(connection, "make_client", _stubbed_client(exc=failure))
        expected = errors.translate(failure, action="list buckets")
    at = start()
    fill_endpoint(at, moto_server.url, "key", "secret")
    button(at, "Test connection").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [str(expected)]
