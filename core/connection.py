"""Connection settings, the one client factory, and the "who am I" check.

A ``ConnectionSettings`` is everything needed to build a client for one user. It is frozen,
its secret fields never appear in its repr, and ``fingerprint`` is the only form in which the
secret takes part in a cache key (salted per process, so it cannot be reversed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import secrets
from collections.abc import Mapping
from enum import Enum
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.config import Config

from core.errors import InvalidInput, s3_errors

# Operators can tune these per deployment (S3WB_CONNECT_TIMEOUT=… in the environment).
CONNECT_TIMEOUT = float(os.environ.get("S3WB_CONNECT_TIMEOUT", "5"))  # seconds to open a TCP connection
READ_TIMEOUT = float(os.environ.get("S3WB_READ_TIMEOUT", "60"))  # seconds to wait for an answer
MAX_ATTEMPTS = int(os.environ.get("S3WB_MAX_ATTEMPTS", "4"))  # tries per request, "standard" retries
MAX_POOL_CONNECTIONS = 32  # ≥ the largest thread pool that shares one client
DEFAULT_REGION = "us-east-1"

_FINGERPRINT_SALT = secrets.token_bytes(16)
# At DEBUG these log every request's headers, session tokens included.
_CHATTY_SDK_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")


class Mode(str, Enum):
    """How the credentials are found."""

    SANDBOX = "sandbox"
    DEFAULT_CHAIN = "default"
    KEYS = "keys"
    PROFILE = "profile"
    ENDPOINT = "endpoint"


MODE_LABELS: dict[Mode, str] = {
    Mode.SANDBOX: "Built-in sandbox",
    Mode.DEFAULT_CHAIN: "Default credential chain",
    Mode.KEYS: "AWS access keys",
    Mode.PROFILE: "Named profile",
    Mode.ENDPOINT: "S3-compatible endpoint",
}


@dataclasses.dataclass(frozen=True)
class ConnectionSettings:
    """One user's way to reach S3. Secret fields are left out of repr and comparisons' output."""

    mode: Mode
    region: str = ""
    endpoint_url: str = ""
    path_style: bool = False
    access_key_id: str = ""
    secret_access_key: str = dataclasses.field(default="", repr=False)
    session_token: str = dataclasses.field(default="", repr=False)
    profile: str = ""
    source: str = ""  # where the default chain found its credentials, for the badge
    temporary: bool = False  # the default chain found a session token (role, SSO)

    @property
    def is_custom_endpoint(self) -> bool:
        """True for MinIO, R2, Ceph, the sandbox: anything that is not AWS itself."""
        return bool(self.endpoint_url)

    @property
    def masked_key_id(self) -> str:
        """The access key id as it may be shown: first 4 and last 4 characters."""
        return mask_key_id(self.access_key_id)

    @property
    def uses_temporary_credentials(self) -> bool:
        """True when a session token is involved, so presigned links die with it."""
        return self.temporary or bool(self.session_token)

    def fingerprint(self) -> str:
        """A cache key that differs whenever any field (secret included) differs."""
        digest = hashlib.sha256(_FINGERPRINT_SALT)
        for field in dataclasses.fields(self):
            digest.update(f"{field.name}={getattr(self, field.name)!s}\x00".encode())
        return digest.hexdigest()[:32]

    def describe(self) -> str:
        """One line for the sidebar badge; never includes a secret."""
        if self.mode is Mode.SANDBOX:
            return f"Sandbox (local S3 at {self.endpoint_url})"
        where = self.endpoint_url or f"AWS {self.region or DEFAULT_REGION}"
        if self.mode is Mode.PROFILE:
            return f"Profile '{self.profile}' · {where}"
        if self.mode is Mode.DEFAULT_CHAIN:
            key = f" · key {self.masked_key_id}" if self.access_key_id else ""
            return f"Default chain ({self.source or 'boto3'}){key} · {where}"
        return f"Key {self.masked_key_id} · {where}"


def mask_key_id(key_id: str) -> str:
    """First 4 + last 4 characters; short ids show less so most of them stays hidden."""
    if not key_id:
        return ""
    if len(key_id) < 12:
        return key_id[:2] + "…"
    return f"{key_id[:4]}…{key_id[-4:]}"


def validate_endpoint_url(url: str) -> str:
    """Return the URL without a trailing slash, or raise InvalidInput saying what is wrong."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "The endpoint must be a full URL starting with http:// or https://, "
            "for example https://minio.example.com:9000."
        )
    try:
        parts.port
    except ValueError:
        raise InvalidInput("The endpoint URL has an invalid port number.") from None
    if parts.query or parts.fragment:
        raise InvalidInput("The endpoint URL must not contain '?' or '#'.")
    return url


def make_settings(
    mode: Mode,
    *,
    region: str = "",
    endpoint_url: str = "",
    path_style: bool = True,
    access_key_id: str = "",
    secret_access_key: str = "",
    session_token: str = "",
    profile: str = "",
) -> ConnectionSettings:
    """Build settings from what a user entered, checking it first; raises InvalidInput."""
    access_key_id, secret_access_key = access_key_id.strip(), secret_access_key.strip()
    session_token = session_token.strip()
    if mode in (Mode.KEYS, Mode.ENDPOINT):
        if not access_key_id or not secret_access_key:
            raise InvalidInput("Enter both an access key id and a secret access key.")
        if any(c.isspace() for c in access_key_id):
            raise InvalidInput("The access key id must not contain spaces.")
    if mode is Mode.PROFILE and not profile:
        raise InvalidInput("Choose a profile.")
    if mode is Mode.ENDPOINT:
        endpoint_url = validate_endpoint_url(endpoint_url)
    else:
        endpoint_url, path_style = "", False
    return ConnectionSettings(
        mode=mode,
        region=region.strip(),
        endpoint_url=endpoint_url,
        path_style=path_style and bool(endpoint_url),
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        session_token=session_token if mode in (Mode.KEYS, Mode.ENDPOINT) else "",
        profile=profile if mode is Mode.PROFILE else "",
    )


def sandbox_settings(endpoint_url: str) -> ConnectionSettings:
    """Settings for the embedded local S3 server; its keys are placeholders it ignores."""
    return ConnectionSettings(
        mode=Mode.SANDBOX,
        region=DEFAULT_REGION,
        endpoint_url=endpoint_url,
        path_style=True,
        access_key_id="sandbox",
        secret_access_key="sandbox",
    )


def _env_endpoint(environ: Mapping[str, str]) -> str:
    return environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") or ""


def detect_default_chain(
    environ: Mapping[str, str] | None = None, *, secrets_keys: frozenset[str] = frozenset()
) -> ConnectionSettings | None:
    """Settings for boto3's default credential chain if it finds credentials, else None.

    ``secrets_keys`` names the root keys of .streamlit/secrets.toml (Streamlit exports those
    to the environment) so the badge can say the keys came from there.
    """
    environ = os.environ if environ is None else environ
    session = boto3.session.Session()
    credentials = session.get_credentials()
    if credentials is None:
        return None
    method = getattr(credentials, "method", "") or ""
    source = {
        "env": "environment variables",
        "shared-credentials-file": "~/.aws/credentials",
        "config-file": "~/.aws/config",
        "iam-role": "instance role",
        "container-role": "container role",
        "assume-role": "assumed role",
        "sso": "SSO",
    }.get(method, method)
    if method == "env" and "AWS_ACCESS_KEY_ID" in secrets_keys:
        source = ".streamlit/secrets.toml"
    if environ.get("AWS_PROFILE") and method != "env":
        source = f"profile {environ['AWS_PROFILE']}"
    frozen = credentials.get_frozen_credentials()
    endpoint = _env_endpoint(environ)
    return ConnectionSettings(
        mode=Mode.DEFAULT_CHAIN,
        region=session.region_name or "",
        endpoint_url=endpoint,
        path_style=bool(endpoint),
        access_key_id=frozen.access_key or "",
        # The secret stays with boto3's chain: the client is built from the chain again, so
        # rotating role credentials keep refreshing. Only the token's presence is recorded.
        temporary=bool(frozen.token),
        source=source,
    )


def available_profiles() -> list[str]:
    """Profile names boto3 can see in ~/.aws/config and ~/.aws/credentials."""
    return sorted(botocore.session.Session().available_profiles)


def keep_credentials_out_of_logs() -> None:
    """Cap the SDK loggers at INFO, whatever the root level, so no token reaches a log line."""
    for name in _CHATTY_SDK_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


def make_session(settings: ConnectionSettings) -> boto3.session.Session:
    """A private boto3 session (never the shared default one) for these settings."""
    keep_credentials_out_of_logs()
    with s3_errors("open the connection"):
        if settings.mode is Mode.DEFAULT_CHAIN:
            return boto3.session.Session(region_name=settings.region or None)
        if settings.mode is Mode.PROFILE:
            return boto3.session.Session(
                profile_name=settings.profile, region_name=settings.region or None
            )
        return boto3.session.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            aws_session_token=settings.session_token or None,
            region_name=settings.region or DEFAULT_REGION,
        )


def client_config(settings: ConnectionSettings) -> Config:
    """botocore Config shared by every client: retries, timeouts, pool, SigV4, addressing."""
    return Config(
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        max_pool_connections=MAX_POOL_CONNECTIONS,
        signature_version="s3v4",
        s3={"addressing_style": "path" if settings.path_style else "auto"},
    )


def make_client(settings: ConnectionSettings, service: str = "s3"):
    """The one factory for clients: S3 by default, STS for the identity check."""
    session = make_session(settings)
    kwargs = {"config": client_config(settings)}
    if settings.endpoint_url and service == "s3":
        kwargs["endpoint_url"] = settings.endpoint_url
    if not session.region_name:
        kwargs["region_name"] = DEFAULT_REGION
    with s3_errors("open the connection"):
        return session.client(service, **kwargs)


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who the connection is, as the Connect page shows it."""

    endpoint: str
    bucket_names: tuple[str, ...]
    account: str = ""
    arn: str = ""

    @property
    def bucket_count(self) -> int:
        """How many buckets the credentials can list."""
        return len(self.bucket_names)


def check_identity(settings: ConnectionSettings, s3_client=None) -> Identity:
    """Prove the settings work: STS caller identity on AWS, a bucket listing everywhere."""
    s3_client = s3_client or make_client(settings)
    account = arn = ""
    if not settings.is_custom_endpoint:
        with s3_errors("check who you are (STS)"):
            caller = make_client(settings, "sts").get_caller_identity()
        account, arn = caller.get("Account", ""), caller.get("Arn", "")
    with s3_errors("list buckets"):
        response = s3_client.list_buckets()
    names = tuple(bucket["Name"] for bucket in response.get("Buckets", []))
    endpoint = settings.endpoint_url or s3_client.meta.endpoint_url
    return Identity(endpoint=endpoint, bucket_names=names, account=account, arn=arn)


def has_temporary_credentials(settings: ConnectionSettings) -> bool:
    """True when links signed with these settings die with a session token (role, SSO)."""
    if settings.uses_temporary_credentials:
        return True
    if settings.mode is Mode.PROFILE:
        with s3_errors("read the profile's credentials"):
            credentials = make_session(settings).get_credentials()
        return bool(credentials and credentials.get_frozen_credentials().token)
    return False
