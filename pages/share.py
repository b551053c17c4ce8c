"""Share: public URLs, public/private, presigned download and upload links, folder index pages.

Each tab is one function that returns early on an error, so a problem in one tab never hides
the others.
"""

import json

import streamlit as st

import ui
from core import sharing
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

st.title("Share")
widgets.show_flashes()
settings = adapter.current_settings()
client = adapter.s3_client()
bucket = widgets.bucket_picker("share_bucket")


def public_url_for(key: str, base_url: str = "") -> str:
    return sharing.public_url(bucket, key, region=settings.region, endpoint_url=settings.endpoint_url, base_url=base_url)


def expiry_inputs(prefix: str, default_unit: str = "hours") -> tuple[float, str]:
    amount_column, unit_column = st.columns(2)
    amount = amount_column.number_input("Valid for", min_value=0.0, value=1.0, key=f"{prefix}_amount")
    units = list(sharing.EXPIRY_UNITS)
    unit = unit_column.selectbox("Unit", units, index=units.index(default_unit), key=f"{prefix}_unit")
    return amount, unit


def temporary_credentials_warning() -> None:
    if adapter.uses_temporary_credentials():
        st.warning("This connection uses temporary credentials (session token, SSO or a role): the "
                   "link stops working when they expire, even if its own expiry is later.")


def object_tab() -> None:
    key = widgets.object_picker(bucket, key="share")
    if key is None:
        return
    base_url = st.text_input("Public base URL (optional: CDN or custom domain)", key="share_base_url",
                             placeholder="https://files.example.com")
    url = public_url_for(key, base_url.strip())
    st.code(url, language=None)
    status = adapter.anonymous_status(url)
    if status == 200:
        st.success("Anyone with this URL can open it right now.")
    else:
        st.info(f"Not public: an anonymous reader gets {'no answer' if status == 0 else f'HTTP {status}'}.")
    visibility_section(key, is_public=status == 200)
    download_section(key)


def visibility_section(key: str, *, is_public: bool) -> None:
    st.subheader("Public or private")
    try:
        access = adapter.public_access(bucket)
    except CoreError as err:
        widgets.error_banner(err)
        return
    if access.public_acl_possible is False:
        st.warning(widgets.md_text(access.explanation()))
        policy_section(key.rsplit("/", 1)[0] + "/" if "/" in key else "")
        return
    target = "private" if is_public else "public"
    consequence = ("only people with your credentials (or a presigned link) can read it"
                   if is_public else "anyone on the internet who has the URL can read it")
    confirmed = st.checkbox(f"Make {widgets.md_code(key)} {target}: afterwards {consequence}.",
                            key=f"share_confirm_acl:{key}:{target}")
    if st.button(f"Make {target}", disabled=not confirmed, key="share_acl_go"):
        try:
            sharing.set_public(client, bucket, key, public=not is_public)
        except CoreError as err:
            widgets.error_banner(err)
            return
        widgets.written(f"'{key}' is now {target}.")


def policy_section(default_prefix: str) -> None:
    st.caption("The alternative to ACLs: a bucket policy that makes everything under a prefix public.")
    prefix = st.text_input("Prefix to make public", value=default_prefix, key="share_policy_prefix")
    try:
        policy = sharing.policy_with_public_prefix(client, bucket, prefix)
    except CoreError as err:
        widgets.error_banner(err)
        return
    st.code(json.dumps(policy, indent=2), language="json")
    scope = f"everything under '{prefix}'" if prefix else "every object in the bucket"
    confirmed = st.checkbox(widgets.md_text(f"I understand that {scope} becomes readable by anyone."),
                            key="share_policy_confirm")
    if st.button("Apply this bucket policy", disabled=not confirmed, key="share_policy_go"):
        try:
            sharing.apply_bucket_policy(client, bucket, policy)
        except CoreError as err:
            widgets.error_banner(err)
            st.caption("If Block Public Access is on for this bucket or account, an administrator must relax it first.")
            return
        widgets.written(f"Bucket policy applied: {scope} is public.")


def download_section(key: str) -> None:
    st.subheader("Presigned download link")
    amount, unit = expiry_inputs("share_download")
    name_column, type_column = st.columns(2)
    filename = name_column.text_input("Download as (file name)", value=key.rsplit("/", 1)[-1], key=f"share_name:{key}")
    content_type = type_column.text_input("Content-Type override (optional)", key="share_type")
    temporary_credentials_warning()
    if not st.button("Create download link", type="primary", key="share_download_go"):
        return
    try:
        seconds = sharing.expiry_seconds(amount, unit)
        url = sharing.presigned_download_url(client, bucket, key, expires_in=seconds, filename=filename.strip(),
                                             content_type=content_type.strip())
    except CoreError as err:
        widgets.error_banner(err)
        return
    expires = f"{sharing.expires_at(seconds):%Y-%m-%d %H:%M UTC}"
    widgets.remember_link(f"{bucket}/{key}", "download", url, expires)
    st.success(f"Valid until {expires}.")
    st.code(url, language=None)


def upload_tab() -> None:
    st.caption("Let a colleague upload one file into a folder of this bucket without credentials.")
    prefix = st.text_input("Into folder", value="incoming/", key="share_upload_prefix")
    max_mb = st.number_input("Largest file allowed (MB)", min_value=0.001, value=100.0, key="share_upload_mb")
    type_prefix = st.text_input("Content-Type must start with (optional)", placeholder="e.g. text/csv",
                                key="share_upload_type")
    amount, unit = expiry_inputs("share_upload", default_unit="days")
    temporary_credentials_warning()
    if not st.button("Create upload link", key="share_upload_go"):
        return
    try:
        seconds = sharing.expiry_seconds(amount, unit)
        link = sharing.presigned_upload(client, bucket, prefix, max_bytes=int(max_mb * 1_000_000),
                                        content_type_prefix=type_prefix.strip(), expires_in=seconds)
    except CoreError as err:
        widgets.error_banner(err)
        return
    expires = f"{sharing.expires_at(seconds):%Y-%m-%d %H:%M UTC}"
    widgets.remember_link(f"{bucket}/{prefix}", "upload (POST)", link.url, expires)
    st.success(f"Upload link valid until {expires}; one file of at most {max_mb:g} MB.")
    st.code(sharing.curl_command(link), language="bash")
    form = sharing.upload_form_html(link)
    st.download_button("Download the HTML form", form, file_name="upload.html", mime="text/html")
    with st.expander("HTML form source"):
        st.code(form, language="html")


def index_tab() -> None:
    folder = st.text_input("Folder to index", key="share_index_folder", placeholder="e.g. 2019/")
    use_public = st.radio("Links in the page", ["Presigned (work for 7 days)", "Public URLs"], horizontal=True,
                          key="share_index_links") == "Public URLs"
    try:
        entries, _ = adapter.listing(bucket, folder, 1)
    except CoreError as err:
        widgets.error_banner(err)
        return
    index_key = folder + sharing.INDEX_NAME
    files = entries[~entries["is_folder"] & (entries["key"] != index_key)]
    if files.empty:
        st.caption("No files directly in this folder.")
        return
    rows = [(name, public_url_for(key) if use_public
             else sharing.presigned_download_url(client, bucket, key, expires_in=sharing.MAX_PRESIGN_SECONDS),
             f"{modified:%Y-%m-%d %H:%M}", int(size))
            for name, key, modified, size in files[["name", "key", "last_modified", "size"]].itertuples(index=False)]
    note = "Objects must be public for these links to work." if use_public else "Links expire 7 days after publishing."
    page = sharing.folder_index_html(f"{bucket}/{folder}", rows, note=note)
    st.caption(widgets.md_text(f"Preview of {index_key} ({len(rows)} file(s)):"))
    st.iframe(page, height=300)  # our own page, every value escaped
    if not st.button("Publish the index page", key="share_index_go"):
        return
    try:
        sharing.publish_page(client, bucket, index_key, page, public=use_public)
    except CoreError as err:
        widgets.error_banner(err)
        return
    adapter.forget_cached_reads()
    link = public_url_for(index_key) if use_public else sharing.presigned_download_url(client, bucket, index_key)
    widgets.remember_link(f"{bucket}/{index_key}", "folder index", link, "" if use_public else "in 1 hour")
    st.success(widgets.md_text(f"Published {index_key}."))
    st.link_button("Open the index", link)


def links_tab() -> None:
    made = widgets.links_made()
    if made.empty:
        st.caption("Links you create in this session appear here.")
        return
    st.dataframe(made, hide_index=True, column_config={"url": st.column_config.LinkColumn("Link")})
    st.caption("Each link's full text has a copy button below.")
    for row in made.itertuples():
        st.code(row.url, language=None)
    readable = made[made["kind"] == "download"].reset_index(drop=True)
    if not readable.empty:
        chosen = st.selectbox("Read a download link with pandas", readable.index,
                              format_func=lambda i: f"{readable.loc[i, 'object']} (until {readable.loc[i, 'expires']})")
        st.code(sharing.read_csv_snippet(readable.loc[chosen, "url"]), language="python")


object_panel, upload_panel, index_panel, links_panel = st.tabs(["Object", "Upload link", "Folder index", "Links made"])
with upload_panel:
    upload_tab()
with index_panel:
    index_tab()
with object_panel:
    object_tab()
with links_panel:
    links_tab()  # last, so it lists the links made in this very run
