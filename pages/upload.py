"""Upload: many files into a bucket and folder, with types, visibility, progress and results."""

import streamlit as st

import ui
from core import sharing, transfer
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

RESULTS_KEY = "upload_results"
ROUND_KEY = "upload_round"  # bumped after an upload so the file picker starts empty

st.title("Upload")
if RESULTS_KEY in st.session_state:
    kind, message, table = st.session_state[RESULTS_KEY]
    getattr(st, kind)(message)
    widgets.upload_results_table(table)
max_mb = st.get_option("server.maxUploadSize")
st.caption(f"Up to {max_mb:,} MB per file (server.maxUploadSize). Files above 8 MB go up in parallel parts.")
files = st.file_uploader("Files", accept_multiple_files=True, key=f"upload_files:{st.session_state.get(ROUND_KEY, 0)}")
bucket = widgets.bucket_picker("upload_bucket", label="Destination bucket")
prefix = st.text_input("Folder", key="upload_prefix", placeholder="e.g. uploads/2024/ (empty: the bucket root)")
if not files:
    st.info("Drop one or more files above to begin.")
    st.stop()

plan = transfer.plan_uploads([(f.name, f.size) for f in files], prefix)
plan = st.data_editor(
    plan, key=f"upload_plan:{bucket}:{prefix}:{len(files)}", hide_index=True, disabled=["file", "size"],
    column_config={"key": st.column_config.TextColumn("Key (editable)", width="large"),
                   "size": st.column_config.NumberColumn("Size", format="bytes"),
                   "content_type": st.column_config.TextColumn("Content-Type (editable)")},
)
problems = transfer.plan_problems(plan)
for problem in problems:
    st.error(widgets.md_text(problem))
for warning in transfer.plan_warnings(plan):
    st.warning(widgets.md_text(warning))

public = st.radio("Visibility", ["Private", "Public-read"], horizontal=True, key="upload_visibility") == "Public-read"
try:
    access = adapter.public_access(bucket)
    existing = adapter.existing_keys(bucket, plan["key"].tolist()) if not problems else set()
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
if public and access.explanation():
    (st.error if access.public_acl_possible is False else st.warning)(widgets.md_text(access.explanation()))
blocked_public = public and access.public_acl_possible is False

with st.expander("More options"):
    cache_control = st.text_input("Cache-Control", placeholder="e.g. max-age=3600")
    disposition = st.text_input("Content-Disposition", placeholder='e.g. attachment; filename="report.csv"')
    metadata_text = st.text_area("User metadata", placeholder="one name=value per line")
    storage_class = st.selectbox("Storage class", transfer.STORAGE_CLASSES)
    checksum = st.selectbox("Checksum S3 computes and stores", transfer.CHECKSUM_ALGORITHMS)

overwrite = True
if existing:
    st.warning(f"{len(existing)} key(s) already exist and would be replaced: "
               + ", ".join(widgets.md_code(key) for key in sorted(existing)))
    overwrite = st.checkbox("Overwrite them", key="upload_overwrite")
if not st.button(f"Upload {len(files)} file(s)", type="primary", icon=":material/upload:",
                 disabled=bool(problems) or blocked_public or not overwrite):
    st.stop()

try:
    options = transfer.UploadOptions(public, cache_control.strip(), disposition.strip(),
                                     transfer.parse_metadata(metadata_text), storage_class, checksum)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
jobs = [transfer.UploadJob(key, file, file.size, content_type)
        for file, key, content_type in zip(files, plan["key"], plan["content_type"])]
results = widgets.run_uploads(adapter.s3_client(), bucket, jobs, options)
adapter.forget_cached_reads()

settings = adapter.current_settings()
table = transfer.results_table(results).assign(
    link=["" if not r.ok else
          sharing.public_url(bucket, r.key, region=settings.region, endpoint_url=settings.endpoint_url)
          if public else sharing.presigned_download_url(adapter.s3_client(), bucket, r.key)
          for r in results]
)
failed = int((~table["ok"]).sum())
summary = f"Uploaded {len(table) - failed} of {len(table)} file(s)" + (f"; {failed} failed." if failed else ".")
st.session_state[RESULTS_KEY] = ("warning" if failed else "success", summary, table)
st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
st.rerun()
