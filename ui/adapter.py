"""The one place where Streamlit state meets core: this user's settings, client and caches.

Per-user isolation: the settings live in ``st.session_state`` (one browser session), and every
cache below is keyed by ``settings.fingerprint()``, which changes with any field, the secret
included. Two users with different credentials can never reach each other's client or data.
"""

from __future__ import annotations

import streamlit as st

from core import connection, sandbox
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
    """This browser session's connection, chosen at its first run."""
    if SETTINGS_KEY not in st.session_state:
        st.session_state[SETTINGS_KEY] = startup_settings()
    return st.session_state[SETTINGS_KEY]


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
