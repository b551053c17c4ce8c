"""Unit tests of core.connection: settings, the client factory, default-chain detection."""

import boto3
import pytest
from moto import mock_aws

from core import connection
from core.connection import ConnectionSettings, Mode
from core.errors import CredentialsError, InvalidInput

SENTINEL = "SENTINEL-secret-5f3c9e"


def test_repr_never_shows_secret_or_token():
    settings = connection.make_settings(
        Mode.KEYS, access_key_id="AKIDEXAMPLE12345678", secret_access_key=SENTINEL,
        session_token=SENTINEL + "-token",
    )
    for text in (repr(settings), str(settings), settings.describe(), settings.fingerprint()):
        assert SENTINEL not in text


def test_mask_key_id_shows_first_and_last_four():
    assert connection.mask_key_id("AKIDEXAMPLE12345678") == "AKID…5678"
    assert connection.mask_key_id("short") == "sh…"
    assert connection.mask_key_id("") == ""


def test_fingerprint_differs_when_only_the_secret_differs():
    one = connection.make_settings(Mode.KEYS, access_key_id="AKIDONE", secret_access_key="a")
    two = connection.make_settings(Mode.KEYS, access_key_id="AKIDONE", secret_access_key="b")
    assert one.fingerprint() != two.fingerprint()
    assert one.fingerprint() == connection.make_settings(
        Mode.KEYS, access_key_id="AKIDONE", secret_access_key="a"
    ).fingerprint()


@pytest.mark.parametrize(
    ("mode", "fields", "message"),
    [
        (Mode.KEYS, {"access_key_id": "AKID"}, "both an access key id and a secret"),
        (Mode.KEYS, {"secret_access_key": "x"}, "both an access key id and a secret"),
        (Mode.KEYS, {"access_key_id": "AK ID", "secret_access_key": "x"}, "must not contain spaces"),
        (Mode.PROFILE, {}, "Choose a profile"),
        (Mode.ENDPOINT, {"access_key_id": "a", "secret_access_key": "b", "endpoint_url": "minio:9000"}, "http:// or https://"),
        (Mode.ENDPOINT, {"access_key_id": "a", "secret_access_key": "b", "endpoint_url": "http://h:99999"}, "invalid port"),
        (Mode.ENDPOINT, {"access_key_id": "a", "secret_access_key": "b", "endpoint_url": "http://h/?x=1"}, "must not contain"),
    ],
)
def test_make_settings_rejects_bad_input(mode, fields, message):
    with pytest.raises(InvalidInput, match=message):
        connection.make_settings(mode, **fields)


def test_make_settings_endpoint_trims_and_keeps_path_style():
    settings = connection.make_settings(
        Mode.ENDPOINT, endpoint_url=" https://minio.example.com:9000/ ", access_key_id=" a ",
        secret_access_key="b", path_style=True,
    )
    assert settings.endpoint_url == "https://minio.example.com:9000"
    assert settings.access_key_id == "a"
    assert settings.path_style


def test_make_client_config_and_private_session(monkeypatch):
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    settings = connection.make_settings(
        Mode.ENDPOINT, endpoint_url="http://127.0.0.1:9", access_key_id="a", secret_access_key="b",
    )
    client = connection.make_client(settings)
    config = client.meta.config
    assert config.retries["mode"] == "standard"
    assert config.connect_timeout == connection.CONNECT_TIMEOUT
    assert config.read_timeout == connection.READ_TIMEOUT
    assert config.max_pool_connections >= 16
    assert config.signature_version == "s3v4"
    assert config.s3["addressing_style"] == "path"
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert boto3.DEFAULT_SESSION is None, "the shared default session must stay unused"


def test_make_client_for_aws_uses_virtual_host_addressing_and_region():
    settings = connection.make_settings(
        Mode.KEYS, access_key_id="a", secret_access_key="b", region="eu-west-1"
    )
    client = connection.make_client(settings)
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.s3["addressing_style"] == "auto"


def test_detect_default_chain_from_env_vars(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV12345678")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    found = connection.detect_default_chain()
    assert found.mode is Mode.DEFAULT_CHAIN
    assert found.source == "environment variables"
    assert found.endpoint_url == "http://127.0.0.1:9000"
    assert found.region == "eu-central-1"
    assert found.secret_access_key == ""
    assert "AKID…5678" in found.describe()


def test_detect_default_chain_names_secrets_toml_as_source():
    found = connection.detect_default_chain(secrets_keys=frozenset({"AWS_ACCESS_KEY_ID"}))
    assert found.source == ".streamlit/secrets.toml"


def test_detect_default_chain_generic_endpoint_variable(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9001")
    assert connection.detect_default_chain().endpoint_url == "http://127.0.0.1:9001"


def test_detect_default_chain_from_profile(monkeypatch, tmp_path, no_aws_credentials):
    credentials = tmp_path / "credentials"
    credentials.write_text("[analyst]\naws_access_key_id = AKIDPROFILE1234\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_PROFILE", "analyst")
    found = connection.detect_default_chain()
    assert found.source == "profile analyst"
    assert connection.available_profiles() == ["analyst"]


def test_detect_default_chain_marks_temporary_credentials(monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    assert connection.detect_default_chain().uses_temporary_credentials


def test_detect_default_chain_finds_nothing(no_aws_credentials):
    assert connection.detect_default_chain() is None


def test_profile_settings_build_client_from_that_profile(monkeypatch, tmp_path, no_aws_credentials):
    credentials = tmp_path / "credentials"
    credentials.write_text("[team]\naws_access_key_id = AKIDTEAM\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    client = connection.make_client(connection.make_settings(Mode.PROFILE, profile="team"))
    assert client._request_signer._credentials.access_key == "AKIDTEAM"


def test_unknown_profile_is_a_credentials_error():
    with pytest.raises(CredentialsError, match="profile is not configured"):
        connection.make_client(connection.make_settings(Mode.PROFILE, profile="nope"))


@mock_aws
def test_check_identity_on_aws_uses_sts():
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="mine")
    settings = connection.make_settings(Mode.KEYS, access_key_id="AKIDTEST", secret_access_key="s")
    identity = connection.check_identity(settings)
    assert identity.account == "123456789012"
    assert identity.arn.startswith("arn:aws:")
    assert identity.bucket_names == ("mine",)


def test_check_identity_on_endpoint_counts_buckets(moto_server):
    moto_server.client().create_bucket(Bucket="one")
    moto_server.client().create_bucket(Bucket="two")
    settings = connection.make_settings(
        Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="b"
    )
    identity = connection.check_identity(settings)
    assert identity.bucket_count == 2
    assert identity.endpoint == moto_server.url
    assert identity.arn == ""


def test_settings_are_frozen():
    settings = ConnectionSettings(mode=Mode.SANDBOX)
    with pytest.raises(AttributeError):
        settings.region = "x"
