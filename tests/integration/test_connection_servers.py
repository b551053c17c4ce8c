"""Connection checks against real S3 servers over HTTP: rclone (checks signatures) and moto."""

import pytest

from core import connection
from core.connection import Mode
from core.errors import CredentialsError, EndpointError
from core.sandbox import free_port


def endpoint_settings(url, key, secret, token=""):
    return connection.make_settings(
        Mode.ENDPOINT, endpoint_url=url, access_key_id=key, secret_access_key=secret,
        session_token=token,
    )


def test_good_keys_on_rclone_list_its_buckets(rclone_server):
    rclone_server.client().create_bucket(Bucket="rclone-bucket")
    settings = endpoint_settings(rclone_server.url, rclone_server.access_key_id, rclone_server.secret_access_key)
    assert "rclone-bucket" in connection.check_identity(settings).bucket_names


def test_bad_key_id_on_rclone_is_named(rclone_server):
    settings = endpoint_settings(rclone_server.url, "not-a-known-key", rclone_server.secret_access_key)
    with pytest.raises(CredentialsError, match="access key id is not known"):
        connection.check_identity(settings)


def test_bad_secret_on_rclone_is_named(rclone_server):
    settings = endpoint_settings(rclone_server.url, rclone_server.access_key_id, "wrong-secret")
    with pytest.raises(CredentialsError, match="secret access key does not match"):
        connection.check_identity(settings)


def test_unreachable_endpoint_is_named():
    settings = endpoint_settings(f"http://127.0.0.1:{free_port()}", "a", "b")
    with pytest.raises(EndpointError, match="could not be reached"):
        connection.check_identity(settings)


def test_endpoint_that_never_answers_times_out_with_a_sentence(silent_server, monkeypatch):
    monkeypatch.setattr(connection, "READ_TIMEOUT", 1)
    monkeypatch.setattr(connection, "MAX_ATTEMPTS", 1)
    with pytest.raises(EndpointError, match="did not answer in time"):
        connection.check_identity(endpoint_settings(silent_server, "a", "b"))


def test_sentinel_secret_is_in_no_exception_text(rclone_server, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    sentinel = "SENTINEL-exception-secret-31f7"
    for key, secret, token in ((rclone_server.access_key_id, sentinel, ""), ("unknown-key", "x", sentinel)):
        settings = endpoint_settings(rclone_server.url, key, secret, token)
        with pytest.raises(CredentialsError) as caught:
            connection.check_identity(settings)
        texts = [str(caught.value), repr(caught.value), repr(settings), str(caught.value.__cause__)]
        assert not [text for text in texts if sentinel in text]
    assert sentinel not in caplog.text
