"""Browse: folders and objects of a bucket, with details, preview, download and delete."""

import streamlit as st

import ui
from core import objects, sharing
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

PREFIX_KEY = "browse_prefix"
PREFIX_BUCKET_KEY = "browse_prefix_bucket"
VIEW_KEY = "browse_view"  # bumped on every move or write, so a table's old selection is dropped
ZIP_KEY = "browse_zip"  # ((bucket, selected keys), .zip bytes) once prepared


def open_folder(target: str) -> None:
    """Move to another folder with nothing selected."""
    st.session_state[PREFIX_KEY] = target
    st.session_state[VIEW_KEY] = st.session_state.get(VIEW_KEY, 0) + 1


st.title("Browse")
widgets.show_flashes()
bucket = widgets.bucket_picker("browse_bucket")
if st.session_state.get(PREFIX_BUCKET_KEY) != bucket:
    st.session_state[PREFIX_BUCKET_KEY] = bucket
    open_folder("")
prefix = st.session_state[PREFIX_KEY]
widgets.folder_breadcrumbs(prefix, on_open=open_folder, key="browse")
name_start = st.text_input("Find by name", placeholder="first letters of a name, searched on the server")
pages_key = f"browse_pages:{bucket}:{prefix}{name_start}"

pages_wanted = st.session_state.get(pages_key, 1)
try:
    entries, has_more = adapter.listing(bucket, prefix + name_start, pages_wanted)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
if entries.empty:
    st.caption("Nothing here starts with that." if name_start else "This folder is empty.")
    st.stop()

table_key = f"table:{pages_key}:{pages_wanted}:{st.session_state[VIEW_KEY]}"
selected = entries.iloc[widgets.listing_table(entries, key=table_key)]
folders, files = int(entries["is_folder"].sum()), int((~entries["is_folder"]).sum())
left, right = st.columns([3, 1], vertical_alignment="center")
left.caption(
    f"{folders} folder(s) and {files} object(s) shown. "
    + ("More exist in this folder." if has_more else "That is everything here.")
)
if has_more and right.button("Load more", icon=":material/expand_more:"):
    st.session_state[pages_key] = pages_wanted + 1
    st.rerun()

chosen_folders = selected[selected["is_folder"]]["key"].tolist()
chosen_keys = selected[~selected["is_folder"]]["key"].tolist()
if len(chosen_folders) == 1 and not chosen_keys:
    open_folder(chosen_folders[0])
    st.rerun()
if not chosen_keys:
    st.caption("Select a folder to open it, or objects to see details, download or delete them.")
    st.stop()

if len(chosen_keys) == 1:
    key = chosen_keys[0]
    try:
        details, grants = adapter.object_details(bucket, key)
        preview = adapter.object_preview(bucket, key, details)
    except CoreError as err:
        widgets.error_banner(err)
        st.stop()
    st.subheader(widgets.md_text(key.rsplit("/", 1)[-1]))
    size, kind, modified, storage = st.columns(4)
    size.metric("Size", widgets.format_size(details.size))
    kind.metric("Content-Type", widgets.md_text(details.content_type or "unknown"))
    modified.metric("Last modified", f"{details.last_modified:%Y-%m-%d}")
    storage.metric("Storage class", details.storage_class)
    st.caption(
        f"Key {widgets.md_code(key)} · modified {details.last_modified:%Y-%m-%d %H:%M:%S %Z} · "
        f"ETag {widgets.md_code(details.etag)} · encryption {widgets.md_text(details.encryption)}"
    )
    if details.metadata:
        st.json(details.metadata, expanded=False)
    if not grants.empty:
        with st.expander("Permissions (ACL grants)"):
            st.dataframe(grants, hide_index=True)
    widgets.preview_panel(preview)
    if st.button("Share…", icon=":material/share:"):
        st.session_state.update(share_bucket=bucket, share_folder=prefix, share_key=key)
        st.switch_page("pages/share.py")
    filename = key.rsplit("/", 1)[-1]
    if details.size <= widgets.DOWNLOAD_LIMIT_BYTES:
        st.download_button(
            "Download",
            data=lambda: objects.read_all(adapter.s3_client(), bucket, key),
            file_name=filename,
            mime=details.content_type or "application/octet-stream",
            icon=":material/download:",
            on_click="ignore",
        )
    else:
        link = sharing.presigned_download_url(adapter.s3_client(), bucket, key, filename=filename)
        st.link_button("Download (link valid 1 hour)", link, icon=":material/download:")
        st.caption(f"Larger than {widgets.format_size(widgets.DOWNLOAD_LIMIT_BYTES)}: downloaded straight from S3.")

if len(chosen_keys) > 1:
    # Two steps, so a failure is a sentence on the page rather than a broken download.
    chosen_size = int(selected.loc[~selected["is_folder"], "size"].sum())
    wanted = (bucket, tuple(chosen_keys))
    prepared = st.session_state.get(ZIP_KEY)
    if prepared and prepared[0] != wanted:
        del st.session_state[ZIP_KEY]  # another selection: free the old archive
        prepared = None
    if chosen_size > widgets.DOWNLOAD_LIMIT_BYTES:
        st.caption(
            f"Together {widgets.format_size(chosen_size)}, more than {widgets.format_size(widgets.DOWNLOAD_LIMIT_BYTES)} "
            "for one .zip: select fewer, or download them one by one."
        )
    elif prepared is None and st.button(
        f"Prepare a .zip of {len(chosen_keys)} objects ({widgets.format_size(chosen_size)})", icon=":material/folder_zip:"
    ):
        try:
            with st.spinner(f"Fetching {len(chosen_keys)} objects…"):
                archive = objects.zip_objects(adapter.s3_client(), bucket, chosen_keys, folder=prefix)
        except CoreError as err:
            widgets.error_banner(err)
            st.stop()
        prepared = st.session_state[ZIP_KEY] = (wanted, archive)
    if prepared:
        folder_name = prefix.rstrip("/").rsplit("/", 1)[-1] or bucket
        st.download_button(
            f"Download {len(chosen_keys)} objects as .zip ({widgets.format_size(len(prepared[1]))})",
            data=prepared[1],
            file_name=f"{folder_name}.zip",
            mime="application/zip",
            icon=":material/download:",
            on_click="ignore",
        )

with st.expander(f"Delete {len(chosen_keys)} selected object(s)", icon=":material/delete:"):
    st.markdown("These objects will be deleted (on a versioned bucket a delete marker hides them):")
    st.code("\n".join(chosen_keys), language=None)
    if st.button(f"Delete {len(chosen_keys)} object(s)", type="primary"):
        try:
            results = objects.delete_objects(adapter.s3_client(), bucket, chosen_keys)
        except CoreError as err:
            widgets.error_banner(err)
            st.stop()
        open_folder(prefix)
        failed = int((~results["deleted"]).sum())
        widgets.written(f"Deleted {len(results) - failed} object(s); {failed} failed.",
                        kind="warning" if failed else "success", table=results)
