"""Widgets shared by pages: the connection badge, error banner, identity card, placeholders."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import objects, report, transfer
from core.connection import ConnectionSettings, Identity, Mode
from core.errors import CoreError, EndpointError
from ui import adapter

SANDBOX_NOTE = (
    "The sandbox is a local S3 server with demo data. It lives in memory on this server, is "
    "shared by everyone using this server, and is reset when the app restarts."
)
BUCKETS_SHOWN = 25  # bucket names listed after a connection test
# Objects up to this size download through the app; larger ones get a presigned link so the
# server never holds them in memory. Set S3WB_DOWNLOAD_LIMIT_MB to change it.
DOWNLOAD_LIMIT_BYTES = int(float(os.environ.get("S3WB_DOWNLOAD_LIMIT_MB", "200")) * 1024 * 1024)
FLASH_KEY = "flash_messages"


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|~$])")
_LEADING_LIST_MARKER = re.compile(r"^(\s*)(?:([-+])|(\d+)\.)")


def md_text(text: str) -> str:
    """Text from S3 or a user, made inert for Streamlit's markdown: no links, no emphasis,
    no HTML, no LaTeX, no lists. Every element that renders markdown gets names through this."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    return _LEADING_LIST_MARKER.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\."), escaped
    )


def md_code(text: str) -> str:
    """Text as an inline code span that no backtick inside it can close early."""
    text = str(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def connection_badge(settings: ConnectionSettings) -> None:
    """Sidebar card that always says what this session is connected to."""
    with st.sidebar:
        if settings.mode is Mode.SANDBOX:
            st.info(
                "**Sandbox** · local S3 with demo data, in memory, shared by everyone on this "
                "server, reset on restart.",
                icon=":material/science:",
            )
        else:
            st.success(f"**Connected** · {md_text(settings.describe())}", icon=":material/cloud_done:")
        if settings.uses_temporary_credentials:
            st.caption("Temporary credentials: links you sign die when they expire.")


def error_banner(err: CoreError) -> None:
    """Show a CoreError as its sentence; never a traceback. A sandbox that stopped answering
    gets a button to start it again."""
    st.error(md_text(str(err)), icon=":material/error:")
    if isinstance(err, EndpointError) and adapter.current_settings().mode is Mode.SANDBOX:
        st.button("Restart the sandbox (fresh demo data)", icon=":material/restart_alt:",
                  on_click=adapter.restart_sandbox, key=f"restart_sandbox:{id(err)}")


def identity_card(identity: Identity) -> None:
    """What a connection test found: who you are and which buckets you can see."""
    if identity.arn:
        st.success(f"Connected to AWS as {md_code(identity.arn)} (account {md_text(identity.account)}).")
    else:
        st.success(f"Connected to {md_code(identity.endpoint)}.")
    if not identity.bucket_names:
        st.caption("These credentials can list no buckets yet.")
        return
    shown = ", ".join(md_code(name) for name in identity.bucket_names[:BUCKETS_SHOWN])
    more = identity.bucket_count - BUCKETS_SHOWN
    st.markdown(
        f"**{identity.bucket_count} bucket(s):** {shown}" + (f" and {more} more" if more > 0 else "")
    )


def format_size(size: int | None) -> str:
    """Bytes as a person reads them, in the same decimal units as the tables: 174.4 KB."""
    if size is None or pd.isna(size):
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return ""


def bucket_picker(key: str, *, label: str = "Bucket", preferred: str = "") -> str:
    """A bucket chosen from this connection's list; stops the page when there is none."""
    try:
        names = adapter.bucket_names()
    except CoreError as err:
        error_banner(err)
        st.stop()
    if not names:
        st.info("This connection has no buckets yet. Create one on the Buckets page.")
        st.stop()
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)
    if key not in st.session_state:
        st.session_state[key] = preferred if preferred in names else names[0]
    return st.selectbox(label, names, key=key)


def flash(kind: str, message: str, table: pd.DataFrame | None = None) -> None:
    """Keep a message (plain text, escaped here) and optional table to show after the rerun."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, md_text(message), table))


def written(message: str, *, kind: str = "success", table: pd.DataFrame | None = None) -> None:
    """After a write: drop every cached read, keep the message for the next run, rerun."""
    adapter.forget_cached_reads()
    flash(kind, message, table)
    st.rerun()


def show_flashes() -> None:
    """Show and forget the messages kept by ``flash``."""
    for kind, message, table in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(message)
        if table is not None and not table.empty:
            st.dataframe(table, hide_index=True)


def folder_breadcrumbs(prefix: str, *, on_open: Callable[[str], None], key: str) -> None:
    """Buttons for the root, every folder level, and Up; clicking one calls ``on_open``."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button("Up", icon=":material/arrow_upward:", key=f"{key}:up", on_click=on_open,
                  args=(objects.parent_prefix(prefix),), disabled=not prefix)
        for label, target in objects.breadcrumbs(prefix):
            st.button(label if target == "" else f"{label} /", key=f"{key}:crumb:{target}",
                      on_click=on_open, args=(target,), type="tertiary", disabled=target == prefix)


def listing_table(entries: pd.DataFrame, *, key: str) -> list[int]:
    """Folders and objects as a sortable table; returns the positions of the selected rows."""
    shown = entries[["name", "size", "last_modified", "storage_class"]]
    event = st.container(key="listing").dataframe(
        shown,
        key=key,
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name", width="large"),
            "size": st.column_config.NumberColumn("Size", format="bytes"),
            "last_modified": st.column_config.DatetimeColumn("Last modified", format="YYYY-MM-DD HH:mm:ss"),
            "storage_class": st.column_config.TextColumn("Storage class"),
        },
    )
    return list(event.selection.rows)


def preview_panel(preview: objects.Preview) -> None:
    """Show a Preview; content is displayed, never executed (HTML and SVG appear as source)."""
    with st.container(key="preview"):
        _preview_body(preview)


def _preview_body(preview: objects.Preview) -> None:
    if preview.kind == "table":
        st.dataframe(preview.table, hide_index=True)
    elif preview.kind == "json":
        st.code(preview.text, language="json")
    elif preview.kind == "text":
        st.code(preview.text, language=None)
    elif preview.kind == "image":
        st.image(preview.image)
    if preview.note:
        st.caption(preview.note)


def run_uploads(client, bucket: str, jobs: list, options) -> list:
    """Run core.transfer.upload_many, drawing one progress bar per file and one overall."""
    overall = st.progress(0.0, text="Starting…")
    bars = {job.key: st.progress(0.0, text=job.key) for job in jobs}
    sizes = {job.key: max(job.size, 1) for job in jobs}
    results = []
    for event in transfer.upload_many(client, bucket, jobs, options):
        if isinstance(event, transfer.Progress):
            for key, done in event.done.items():
                bars[key].progress(min(done / sizes[key], 1.0), text=f"{key} · {format_size(done)}")
            overall.progress(
                min(event.done_bytes / max(event.total, 1), 1.0),
                text=f"{format_size(event.done_bytes)} of {format_size(event.total)} · {format_size(event.rate)}/s",
            )
        else:
            results.append(event)
            bars[event.key].progress(1.0, text=f"{event.key} · {'done' if event.ok else 'failed'}")
    overall.progress(1.0, text="Finished")
    return results


def upload_results_table(table: pd.DataFrame) -> None:
    """Key, size, checksum, error and a link per uploaded file."""
    st.caption("Links of private files are presigned and work for 1 hour.")
    st.container(key="upload_results").dataframe(table, hide_index=True, column_config={
        "size": st.column_config.NumberColumn("Size", format="bytes"),
        "ok": st.column_config.CheckboxColumn("OK"),
        "link": st.column_config.LinkColumn("Link", display_text="open"),
    })


def object_picker(bucket: str, *, key: str) -> str | None:
    """A folder box and a list of the objects in it; None (with a message) when there is none."""
    folder = st.text_input("Folder", key=f"{key}_folder", placeholder="e.g. 2019/ (empty: the bucket root)")
    try:
        entries, has_more = adapter.listing(bucket, folder, 1)
    except CoreError as err:
        error_banner(err)
        return None
    files = entries.loc[~entries["is_folder"], "key"].tolist()
    subfolders = entries.loc[entries["is_folder"], "key"].tolist()
    if subfolders:
        st.caption("Folders here: " + ", ".join(md_code(f) for f in subfolders[:20]))
    if not files:
        st.info("No objects directly in this folder. Type a folder above, e.g. one listed here.")
        return None
    if st.session_state.get(f"{key}_key") not in files:
        st.session_state.pop(f"{key}_key", None)
    if has_more:
        st.caption("Showing the first 1000 objects; type more of the folder to narrow it down.")
    return st.selectbox("Object", files, key=f"{key}_key", format_func=lambda k: k[len(folder):])


LINKS_KEY = "links_made"


def remember_link(obj: str, kind: str, url: str, expires: str) -> None:
    """Add a link to this session's table of links made."""
    st.session_state.setdefault(LINKS_KEY, []).append({"object": obj, "kind": kind, "expires": expires, "url": url})


def links_made() -> pd.DataFrame:
    """The links made in this browser session, newest first."""
    return pd.DataFrame(st.session_state.get(LINKS_KEY, [])[::-1], columns=["object", "kind", "expires", "url"])


def run_month_load(client, bucket: str, sources: pd.DataFrame, *, required: tuple[str, ...]):
    """Run core.report.iter_load with a progress bar (files and bytes); return its LoadResult."""
    bar = st.progress(0.0, text="Loading…")
    result = None
    for event in report.iter_load(client, bucket, sources, required=required):
        if isinstance(event, report.LoadProgress):
            bar.progress(
                event.files_done / max(event.files_total, 1),
                text=f"{event.files_done} of {event.files_total} files · "
                f"{format_size(event.bytes_done)} of {format_size(event.bytes_total)}",
            )
        else:
            result = event
    bar.empty()
    return result


def report_charts(table: pd.DataFrame, daily: pd.DataFrame, group_column: str) -> None:
    """Altair charts of an aggregation: requests per group, and per day for the top groups."""
    import altair as alt

    bars = alt.Chart(table.head(20)).mark_bar().encode(
        x=alt.X("requests:Q", title="Requests"),
        y=alt.Y(f"{group_column}:N", sort="-x", title=None),
        tooltip=[group_column, "requests", alt.Tooltip("share:Q", format=".1%")],
    )
    st.altair_chart(bars, width="stretch")
    if not daily.empty:
        lines = alt.Chart(daily).mark_line(point=False).encode(
            x=alt.X("date:T", title="Day"), y=alt.Y("requests:Q", title="Requests"),
            color=alt.Color("group:N", title=group_column), tooltip=["date:T", "group:N", "requests:Q"],
        )
        st.altair_chart(lines, width="stretch")
