"""Every boto3 failure the app meets becomes one typed sentence, the original kept as cause."""

import boto3
import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from core import errors
from core.errors import (
    AccessDenied,
    AclNotSupported,
    Conflict,
    CoreError,
    CredentialsError,
    EndpointError,
    InvalidInput,
    NotFound,
    S3Error,
)

# code → (expected class, words the sentence must contain)
CLIENT_ERROR_CASES = {
    "NoSuchBucket": (NotFound, "bucket 'b' does not exist"),
    "NoSuchKey": (NotFound, "'k' does not exist in bucket 'b'"),
    "AccessDenied": (AccessDenied, "access denied"),
    "InvalidAccessKeyId": (CredentialsError, "access key id is not known"),
    "SignatureDoesNotMatch": (CredentialsError, "secret access key does not match"),
    "ExpiredToken": (CredentialsError, "session token has expired"),
    "BucketAlreadyExists": (Conflict, "already taken by another account"),
    "BucketAlreadyOwnedByYou": (Conflict, "already own a bucket named 'b'"),
    "BucketNotEmpty": (Conflict, "is not empty"),
    "InvalidBucketName": (InvalidInput, "not a valid bucket name"),
    "AccessControlListNotSupported": (AclNotSupported, "ACLs disabled"),
    "SlowDown": (S3Error, "slow down"),
}

TRANSPORT_CASES = [
    (EndpointConnectionError(endpoint_url="http://x"), EndpointError, "could not be reached"),
    (ConnectTimeoutError(endpoint_url="http://x"), EndpointError, "did not accept a connection in time"),
    (ReadTimeoutError(endpoint_url="http://x"), EndpointError, "did not answer in time"),
    (NoCredentialsError(), CredentialsError, "no AWS credentials were found"),
]


@pytest.mark.parametrize("code", sorted(CLIENT_ERROR_CASES))
def test_translate_client_error_by_code(code):
    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("get_object", service_error_code=code, http_status_code=400)
        with pytest.raises(CoreError) as caught:
            with errors.s3_errors("read the file", bucket="b", key="k"):
                client.get_object(Bucket="b", Key="k")
    expected_class, words = CLIENT_ERROR_CASES[code]
    assert type(caught.value) is expected_class
    assert caught.value.code == code
    assert words in str(caught.value)
    assert str(caught.value).startswith("Could not read the file")
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(("exc", "expected_class", "words"), TRANSPORT_CASES)
def test_translate_transport_errors(exc, expected_class, words):
    with pytest.raises(expected_class, match=words) as caught:
        with errors.s3_errors("list buckets"):
            raise exc
    assert caught.value.__cause__ is exc


def test_translate_unknown_code_keeps_code_in_sentence():
    err = errors.translate(
        errors.ClientError({"Error": {"Code": "WeirdThing"}}, "GetObject"), action="read"
    )
    assert isinstance(err, S3Error)
    assert "WeirdThing" in str(err)


def test_translate_head_404_without_code():
    err = errors.translate(
        errors.ClientError({"Error": {"Code": "404"}, "ResponseMetadata": {"HTTPStatusCode": 404}}, "HeadObject"),
        action="read the details",
    )
    assert isinstance(err, NotFound)


def test_unrelated_exceptions_pass_through():
    with pytest.raises(KeyError):
        with errors.s3_errors("do it"):
            raise KeyError("not ours")


def test_every_sentence_says_what_failed_and_what_to_do():
    for code, (cls, template) in errors._CLIENT_ERRORS.items():
        text = template.format(action="list buckets", bucket="b", key="k")
        assert text.startswith("Could not list buckets:"), code
        assert text.endswith("."), code
