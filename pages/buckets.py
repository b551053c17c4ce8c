"""Buckets: the table with regions, create with a checked name, delete with typed confirmation."""

import streamlit as st

import ui
from core import buckets
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

st.title("Buckets")
widgets.show_flashes()
settings = adapter.current_settings()
try:
    table = adapter.bucket_table()
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
st.container(key="bucket_table").dataframe(
    table,
    hide_index=True,
    column_config={
        "name": "Bucket",
        "region": "Region",
        "created": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD HH:mm"),
    },
)
st.caption(f"{len(table)} bucket(s). A region shows 'unknown' where you may not read it.")

with st.form("create_bucket", enter_to_submit=True):
    st.subheader("Create a bucket")
    name = st.text_input("Name", placeholder="e.g. team-reports-2024", max_chars=63, key="create_name")
    if settings.is_custom_endpoint:
        region = st.text_input("Region", value=settings.region or "us-east-1")
    else:
        default_region = settings.region if settings.region in buckets.AWS_REGIONS else "us-east-1"
        region = st.selectbox("Region", buckets.AWS_REGIONS, index=buckets.AWS_REGIONS.index(default_region))
    if st.form_submit_button("Create bucket", icon=":material/add:"):
        try:
            buckets.create_bucket(adapter.s3_client(), name.strip(), region=region)
        except CoreError as err:
            widgets.error_banner(err)
        else:
            widgets.written(f"Created bucket '{name.strip()}' in {region}.")

if table.empty:
    st.stop()
st.subheader("Delete a bucket")
doomed = st.selectbox("Bucket to delete", table["name"], index=None, placeholder="Choose a bucket", key="delete_bucket")
if doomed is None:
    st.stop()
try:
    contents = adapter.bucket_contents(doomed)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
if not contents.is_empty:
    counted = f"at least {contents.objects:,}" if contents.capped else f"{contents.objects:,}"
    versions = f" and {contents.versions:,} older version(s) or delete marker(s)" if contents.versions else ""
    st.warning(f"'{doomed}' holds {counted} object(s){versions}. Deleting it deletes all of them.")
typed = st.text_input(f"Type **{doomed}** to confirm", key=f"confirm_delete:{doomed}")
empty_first = contents.is_empty or st.checkbox("Empty it first, then delete it", key=f"empty_first:{doomed}")
if not st.button("Delete bucket", type="primary", disabled=typed.strip() != doomed or not empty_first):
    st.stop()

client = adapter.s3_client()
try:
    if not contents.is_empty:
        progress = st.progress(0.0, text="Emptying…")
        total = max(contents.objects + contents.versions, 1)
        buckets.empty_bucket(
            client, doomed,
            on_progress=lambda done: progress.progress(min(done / total, 1.0), text=f"Deleted {done:,} of ~{total:,}"),
        )
    buckets.delete_bucket(client, doomed, typed_name=typed)
except CoreError as err:
    adapter.forget_cached_reads()
    widgets.error_banner(err)
    st.stop()
widgets.written(f"Deleted bucket '{doomed}'.")
