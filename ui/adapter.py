"""The one place where Streamlit state meets core: this user's settings, client and caches.

Per-user isolation: the settings live in ``st.session_state`` (one browser session), and every
cache below is keyed by ``settings.fingerprint()``, which changes with any field, the secret
included. Two users with different credentials can never reach each other's client or data.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import buckets, connection, objects, report, sandbox, sharing, transfer
from core.connection import ConnectionSettings, Mode
from core.errors import CredentialsError

SETTINGS_KEY = "connection_settings"
CLIENT_CACHE_ENTRIES = 256  # distinct connections kept warm on one server


@st.cache_resource(show_spinner="Starting the sandbox: a local S3 server with demo data…")
def sandbox_settings() -> ConnectionSettings:
    """The embedded sandbox, started and seeded once per server process."""
    return sandbox.start_sandbox()


@st.cache_resource(show_spinner="Looking for AWS credentials…")
def default_chain_settings() -> ConnectionSettings | None:
    """What boto3's default chain finds on this server (env, profile, secrets.toml, role)."""
    secrets_keys = frozenset(st.secrets.keys()) if st.secrets.load_if_toml_exists() else frozenset()
    return connection.detect_default_chain(secrets_keys=secrets_keys)


def startup_settings() -> ConnectionSettings:
    """The default chain when it finds credentials, otherwise the sandbox."""
    return default_chain_settings() or sandbox_settings()


def current_settings() -> ConnectionSettings:
    """This browser session's connection, chosen at its first run (the live sandbox, if that)."""
    if SETTINGS_KEY not in st.session_state:
        st.session_state[SETTINGS_KEY] = startup_settings()
    if st.session_state[SETTINGS_KEY].mode is Mode.SANDBOX:
        st.session_state[SETTINGS_KEY] = sandbox_settings()  # it may have been restarted
    return st.session_state[SETTINGS_KEY]


def restart_sandbox() -> None:
    """Bring a stopped sandbox back (fresh demo data) for every session on this server."""
    sandbox_settings.clear()
    sandbox_settings()
    forget_cached_reads()


def use_settings(settings: ConnectionSettings) -> None:
    """Switch this browser session (only this one) to another connection."""
    st.session_state[SETTINGS_KEY] = settings


def settings_for(mode: Mode, **entered: str | bool) -> ConnectionSettings:
    """Settings for what the user chose on the Connect page; raises CoreError when unusable."""
    if mode is Mode.SANDBOX:
        return sandbox_settings()
    if mode is Mode.DEFAULT_CHAIN:
        found = default_chain_settings()
        if found is None:
            raise CredentialsError(
                "No credentials were found in the default chain on this server (environment "
                "variables, AWS_PROFILE, ~/.aws, .streamlit/secrets.toml, instance role). "
                "Enter access keys or use the sandbox.",
                code="NoCredentials",
            )
        return found
    return connection.make_settings(mode, **entered)


@st.cache_resource(show_spinner=False, max_entries=CLIENT_CACHE_ENTRIES)
def _client_for(fingerprint: str, _settings: ConnectionSettings):
    return connection.make_client(_settings)


def s3_client(settings: ConnectionSettings | None = None):
    """The S3 client for this session's connection (or the given settings), built once."""
    settings = settings or current_settings()
    return _client_for(settings.fingerprint(), settings)


# Cached reads. Each takes the fingerprint (hashed: part of the key) and the client
# (leading underscore: not hashed), so entries can only be reached with the same credentials.
LISTING_TTL = 60  # seconds a listing may be stale when someone else changes the bucket
DETAILS_TTL = 300  # seconds for head/preview of one object
CACHE_ENTRIES = 2_000  # per cached function, across all users


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Listing buckets…")
def _bucket_table(fingerprint: str, _client) -> pd.DataFrame:
    return buckets.with_regions(_client, buckets.list_buckets(_client))


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Listing…")
def _listing_page(fingerprint: str, bucket: str, prefix: str, token: str, _client) -> objects.ListingPage:
    return objects.list_page(_client, bucket, prefix, token=token)


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Counting objects…")
def _bucket_contents(fingerprint: str, bucket: str, _client) -> buckets.BucketContents:
    return buckets.count_contents(_client, bucket)


@st.cache_data(ttl=DETAILS_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _details(fingerprint: str, bucket: str, key: str, _client) -> tuple[objects.ObjectDetails, pd.DataFrame]:
    return objects.head(_client, bucket, key), objects.grants(_client, bucket, key)


@st.cache_data(ttl=DETAILS_TTL, max_entries=CACHE_ENTRIES, show_spinner="Loading the preview…")
def _preview(fingerprint: str, bucket: str, key: str, size: int, content_type: str, _client) -> objects.Preview:
    return objects.preview(_client, bucket, key, size=size, content_type=content_type)


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Checking the bucket's settings…")
def _public_access(fingerprint: str, bucket: str, _client) -> sharing.PublicAccess:
    return sharing.public_access(_client, bucket)


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Checking for existing objects…")
def _existing_keys(fingerprint: str, bucket: str, keys: tuple[str, ...], _client) -> set[str]:
    return transfer.existing_keys(_client, bucket, list(keys))


@st.cache_data(ttl=LISTING_TTL, max_entries=CACHE_ENTRIES, show_spinner="Finding the month's files…")
def _report_sources(fingerprint: str, bucket: str, prefix: str, _client) -> report.Sources:
    return report.list_sources(_client, bucket, prefix)


def _cached(function, *args):
    settings = current_settings()
    return function(settings.fingerprint(), *args, s3_client(settings))


def bucket_table() -> pd.DataFrame:
    """This connection's buckets with regions (cached)."""
    return _cached(_bucket_table)


def bucket_names() -> list[str]:
    """Names of this connection's buckets (cached)."""
    return bucket_table()["name"].tolist()


def listing(bucket: str, prefix: str, pages_wanted: int) -> tuple[pd.DataFrame, bool]:
    """The first ``pages_wanted`` pages under ``prefix`` as one table, and whether more exist."""
    pages = [_cached(_listing_page, bucket, prefix, "")]
    while len(pages) < pages_wanted and pages[-1].has_more:
        pages.append(_cached(_listing_page, bucket, prefix, pages[-1].next_token))
    return objects.combine_pages(pages), pages[-1].has_more


def bucket_contents(bucket: str) -> buckets.BucketContents:
    """How many objects and versions a bucket holds (cached)."""
    return _cached(_bucket_contents, bucket)


def object_details(bucket: str, key: str) -> tuple[objects.ObjectDetails, pd.DataFrame]:
    """HeadObject metadata and ACL grants of one object (cached)."""
    return _cached(_details, bucket, key)


def object_preview(bucket: str, key: str, details: objects.ObjectDetails) -> objects.Preview:
    """A safe preview of one object (cached)."""
    return _cached(_preview, bucket, key, details.size, details.content_type)


def report_sources(bucket: str, prefix: str) -> report.Sources:
    """The CSV files under a prefix (cached)."""
    return _cached(_report_sources, bucket, prefix)


def public_access(bucket: str) -> sharing.PublicAccess:
    """Whether public-read ACLs can work on a bucket (cached)."""
    return _cached(_public_access, bucket)


def existing_keys(bucket: str, keys: list[str]) -> set[str]:
    """Which of the keys already exist (cached briefly)."""
    return _cached(_existing_keys, bucket, tuple(keys))


@st.cache_data(ttl=30, max_entries=CACHE_ENTRIES, show_spinner="Checking whether strangers can open it…")
def _anonymous_status(url: str) -> int:
    return sharing.anonymous_status(url)


def anonymous_status(url: str) -> int:
    """What an anonymous GET of a public URL answers right now (cached 30 s)."""
    return _anonymous_status(url)


@st.cache_resource(show_spinner=False, max_entries=CLIENT_CACHE_ENTRIES)
def _temporary(fingerprint: str, _settings: ConnectionSettings) -> bool:
    return connection.has_temporary_credentials(_settings)


def uses_temporary_credentials() -> bool:
    """Whether this connection signs with a session token (links die with it)."""
    settings = current_settings()
    return _temporary(settings.fingerprint(), settings)


def forget_cached_reads() -> None:
    """After any write: drop cached listings and details so every page shows the new state."""
    cached = (_bucket_table, _listing_page, _bucket_contents, _details, _preview, _public_access,
              _existing_keys, _anonymous_status, _report_sources)
    for function in cached:
        function.clear()
