"""Typed errors the UI can show as they are, and the translation from boto3's exceptions.

Every message is one or two sentences for a person: what failed, why, what to do. The
original exception stays attached as ``__cause__`` for logs and debugging; its text (which can
hold request ids, URLs and, for some botocore errors, parameter values) never reaches the page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)


class CoreError(Exception):
    """Base of every error the app shows to a user; ``str(err)`` is the sentence to show."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class InvalidInput(CoreError):
    """What the user typed cannot work; nothing was sent to S3."""


class CredentialsError(CoreError):
    """No credentials, or S3 rejected the ones given (bad key id, bad secret, expired)."""


class EndpointError(CoreError):
    """The S3 endpoint could not be reached, or did not answer in time."""


class AccessDenied(CoreError):
    """The credentials are valid but not allowed to do this."""


class NotFound(CoreError):
    """The bucket or object does not exist."""


class Conflict(CoreError):
    """The request clashes with what exists: name taken, bucket not empty."""


class AclNotSupported(CoreError):
    """The bucket has ACLs disabled (Object Ownership: bucket owner enforced)."""


class S3Error(CoreError):
    """Any other refusal from S3, with its code."""


# code → (error class, sentence with {action}, {bucket} and {key} filled in)
_CLIENT_ERRORS: dict[str, tuple[type[CoreError], str]] = {
    "NoSuchBucket": (
        NotFound,
        "Could not {action}: bucket '{bucket}' does not exist. Check the name, or pick it from the bucket list.",
    ),
    "NoSuchKey": (
        NotFound,
        "Could not {action}: '{key}' does not exist in bucket '{bucket}'. It may have been deleted or renamed; refresh the listing.",
    ),
    "404": (
        NotFound,
        "Could not {action}: it does not exist. It may have been deleted or renamed; refresh the listing.",
    ),
    "AccessDenied": (
        AccessDenied,
        "Could not {action}: access denied. Your credentials are valid but lack permission for this; ask an administrator for it, or use another connection.",
    ),
    "403": (
        AccessDenied,
        "Could not {action}: access denied. Your credentials are valid but lack permission for this; ask an administrator for it, or use another connection.",
    ),
    "AllAccessDisabled": (
        AccessDenied,
        "Could not {action}: all access to this bucket has been disabled by its owner.",
    ),
    "InvalidAccessKeyId": (
        CredentialsError,
        "Could not {action}: the access key id is not known to this S3 service. Check that you copied the whole key id, and that it belongs to this account or endpoint.",
    ),
    "InvalidClientTokenId": (
        CredentialsError,
        "Could not {action}: the access key id is not known to AWS. Check that you copied the whole key id and that the key is still active.",
    ),
    "SignatureDoesNotMatch": (
        CredentialsError,
        "Could not {action}: the secret access key does not match the key id. Paste the secret again, without spaces.",
    ),
    "ExpiredToken": (
        CredentialsError,
        "Could not {action}: the session token has expired. Get fresh temporary credentials (or log in to SSO again) and reconnect.",
    ),
    "ExpiredTokenException": (
        CredentialsError,
        "Could not {action}: the session token has expired. Get fresh temporary credentials (or log in to SSO again) and reconnect.",
    ),
    "InvalidToken": (
        CredentialsError,
        "Could not {action}: the session token is malformed or does not belong to this key. Paste the token again, or leave it empty for long-term keys.",
    ),
    "RequestExpired": (
        CredentialsError,
        "Could not {action}: the request was signed too long ago. Check that this computer's clock is right.",
    ),
    "RequestTimeTooSkewed": (
        CredentialsError,
        "Could not {action}: this computer's clock differs too much from the server's. Correct the clock and try again.",
    ),
    "BucketAlreadyExists": (
        Conflict,
        "Could not {action}: the name '{bucket}' is already taken by another account (bucket names are global). Choose another name.",
    ),
    "BucketAlreadyOwnedByYou": (
        Conflict,
        "Could not {action}: you already own a bucket named '{bucket}'.",
    ),
    "BucketNotEmpty": (
        Conflict,
        "Could not {action}: bucket '{bucket}' is not empty. Delete its objects (and versions) first.",
    ),
    "InvalidBucketName": (
        InvalidInput,
        "Could not {action}: '{bucket}' is not a valid bucket name.",
    ),
    "AccessControlListNotSupported": (
        AclNotSupported,
        "Could not {action}: bucket '{bucket}' has ACLs disabled (Object Ownership is 'bucket owner enforced', the default since April 2023). Share with a presigned link instead, or make a prefix public with a bucket policy.",
    ),
    "SlowDown": (
        S3Error,
        "Could not {action}: S3 asked us to slow down and kept refusing after several retries. Wait a minute and try again.",
    ),
    "ServiceUnavailable": (
        S3Error,
        "Could not {action}: the S3 service is unavailable right now, even after retries. Try again in a minute.",
    ),
    "InternalError": (
        S3Error,
        "Could not {action}: the S3 service had an internal error, even after retries. Try again in a minute.",
    ),
    "EntityTooLarge": (
        InvalidInput,
        "Could not {action}: the object is larger than this S3 service accepts in one request.",
    ),
    "KeyTooLongError": (
        InvalidInput,
        "Could not {action}: the object key is longer than 1024 bytes. Use a shorter name.",
    ),
    "AuthorizationHeaderMalformed": (
        CredentialsError,
        "Could not {action}: the request was signed for the wrong region. Set the bucket's region on the Connect page.",
    ),
    "PermanentRedirect": (
        EndpointError,
        "Could not {action}: bucket '{bucket}' is in another region than the one this connection uses. Set its region on the Connect page.",
    ),
}


def translate(
    exc: BaseException, *, action: str, bucket: str = "", key: str = ""
) -> CoreError:
    """Turn a boto3/botocore exception into a ``CoreError`` whose text is one sentence."""
    if isinstance(exc, CoreError):
        return exc
    fill = {"action": action, "bucket": bucket or "?", "key": key or "?"}
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "")) or str(
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        )
        if code in _CLIENT_ERRORS:
            cls, template = _CLIENT_ERRORS[code]
            return cls(template.format(**fill), code=code)
        return S3Error(
            f"Could not {action}: S3 refused with '{code or 'an unknown error'}'.", code=code
        )
    return _translate_botocore(exc, fill)


# Raised before or around the HTTP exchange, in the order they must be tested (subclasses
# first: ConnectTimeoutError is an EndpointConnectionError).
_TRANSPORT_ERRORS: list[tuple[type | tuple[type, ...], type[CoreError], str, str]] = [
    (NoCredentialsError, CredentialsError, "NoCredentials",
     "no AWS credentials were found. Enter access keys or pick a profile on the Connect page, or use the sandbox."),
    (PartialCredentialsError, CredentialsError, "PartialCredentials",
     "the credentials are incomplete (a key id without a secret, or the reverse). Enter both."),
    (ProfileNotFound, CredentialsError, "ProfileNotFound",
     "that AWS profile is not configured on this server."),
    ((UnauthorizedSSOTokenError, TokenRetrievalError, SSOError), CredentialsError, "SSOExpired",
     "the SSO login has expired. Run 'aws sso login' for this profile on the server, then reconnect."),
    (ConnectTimeoutError, EndpointError, "ConnectTimeout",
     "the endpoint did not accept a connection in time. Check the URL and that the server is running and reachable from here."),
    (ReadTimeoutError, EndpointError, "ReadTimeout",
     "the endpoint accepted the connection but did not answer in time. The server may be overloaded or not an S3 service; try again later."),
    (EndpointConnectionError, EndpointError, "EndpointConnectionError",
     "the endpoint could not be reached. Check the URL, and that the server is running and reachable from here."),
    (NoRegionError, InvalidInput, "NoRegion", "no region is set. Choose a region on the Connect page."),
]


def _translate_botocore(exc: BaseException, fill: dict[str, str]) -> CoreError:
    """Sentences for errors raised before or around the HTTP exchange."""
    action = fill["action"]
    for exc_types, cls, code, why in _TRANSPORT_ERRORS:
        if isinstance(exc, exc_types):
            return cls(f"Could not {action}: {why}", code=code)
    if isinstance(exc, BotoCoreError):
        return S3Error(f"Could not {action}: {type(exc).__name__} while talking to S3.", code=type(exc).__name__)
    if isinstance(exc, ValueError) and "endpoint" in str(exc).lower():
        return InvalidInput(
            f"Could not {action}: the endpoint URL is not valid. Use a full URL such as "
            "https://minio.example.com:9000.",
            code="InvalidEndpoint",
        )
    raise exc


@contextlib.contextmanager
def s3_errors(action: str, *, bucket: str = "", key: str = "") -> Iterator[None]:
    """Run a block of S3 calls; any boto3 failure leaves it as a ``CoreError`` sentence."""
    try:
        yield
    except (ClientError, BotoCoreError, ValueError) as exc:
        raise translate(exc, action=action, bucket=bucket, key=key) from exc
