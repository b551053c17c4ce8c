"""Connect: choose how this browser session reaches S3, and test it."""

import streamlit as st

import ui
from core import connection
from core.connection import MODE_LABELS, Mode
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

SECRET_FIELDS = ("secret_access_key", "session_token", "access_key_id")
RESULT_KEY = "connect_result"
FORGET_KEY = "connect_forget_secrets"

st.title("Connect")
current = adapter.current_settings()
st.markdown(f"**Now connected to:** {widgets.md_text(current.describe())}")
if current.mode is Mode.SANDBOX:
    st.caption(widgets.SANDBOX_NOTE)

if st.session_state.pop(FORGET_KEY, False):
    # Assigning (not deleting) makes the browser clear the password fields too.
    for field in SECRET_FIELDS:
        st.session_state[f"connect_{field}"] = ""
if result := st.session_state.pop(RESULT_KEY, None):
    widgets.identity_card(result)

modes = list(Mode)
mode = st.radio(
    "How to connect",
    modes,
    index=modes.index(current.mode),
    format_func=MODE_LABELS.get,
    horizontal=True,
    key="connect_mode",
)

with st.form("connect_form", enter_to_submit=False):
    entered: dict[str, str | bool] = {}
    if mode is Mode.SANDBOX:
        st.caption("Demo buckets gid-requests, gid-staging and gid-reports; no AWS account needed.")
    elif mode is Mode.DEFAULT_CHAIN:
        st.caption(
            "Uses what boto3 finds on this server: environment variables (including "
            "AWS_ENDPOINT_URL_S3), AWS_PROFILE, ~/.aws, root keys of .streamlit/secrets.toml, "
            "or the instance role."
        )
    elif mode is Mode.PROFILE:
        profiles = connection.available_profiles()
        if not profiles:
            st.caption("No profiles are configured in ~/.aws on this server.")
        entered["profile"] = st.selectbox("Profile", profiles, key="connect_profile") or ""
        entered["region"] = st.text_input("Region (empty: the profile's)", key="connect_region_p")
    else:
        if mode is Mode.ENDPOINT:
            entered["endpoint_url"] = st.text_input(
                "Endpoint URL", placeholder="https://minio.example.com:9000", key="connect_endpoint"
            )
            entered["path_style"] = st.checkbox(
                "Path-style addressing (MinIO, Ceph)", value=True, key="connect_path_style"
            )
        entered["region"] = st.text_input("Region", value="us-east-1", key="connect_region")
        for field, label in (
            ("access_key_id", "Access key id"),
            ("secret_access_key", "Secret access key"),
            ("session_token", "Session token (optional, for temporary credentials)"),
        ):
            entered[field] = st.text_input(label, type="password", key=f"connect_{field}")
    test_column, connect_column, _ = st.columns([1, 1, 4])
    test_clicked = test_column.form_submit_button("Test connection", width="stretch")
    connect_clicked = connect_column.form_submit_button("Connect", type="primary", width="stretch")

if not (test_clicked or connect_clicked):
    st.stop()

try:
    chosen = adapter.settings_for(mode, **entered)
    with st.spinner("Testing the connection…"):
        identity = connection.check_identity(chosen, adapter.s3_client(chosen))
except CoreError as err:
    widgets.error_banner(err)
    st.stop()

if connect_clicked:
    adapter.use_settings(chosen)
    st.session_state[RESULT_KEY] = identity
    st.session_state[FORGET_KEY] = True
    st.rerun()
widgets.identity_card(identity)
if chosen != current:
    st.caption("Tested only: press Connect to use this connection in this browser session.")
