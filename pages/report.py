"""Monthly report: a month of daily CSVs → one table → preview → publish with an index page.

Nothing is written before the user has seen the preview and the publish plan and confirmed.
"""

import calendar

import streamlit as st

import ui
from core import buckets, report
from core.demo_data import REPORTS_BUCKET
from core.errors import CoreError
from ui import adapter, widgets

ui.require_app_shell()

LOADED_KEY = "report_loaded"
PUBLISHED_KEY = "report_published"

st.title("Monthly report")
widgets.show_flashes()
settings = adapter.current_settings()
client = adapter.s3_client()

st.subheader("1 · Source")
bucket = widgets.bucket_picker("report_bucket", label="Source bucket")
year_column, month_column, pattern_column = st.columns(3)
year = int(year_column.number_input("Year", min_value=1990, max_value=2100, value=2019, key="report_year"))
month = month_column.selectbox("Month", range(1, 13), format_func=lambda m: calendar.month_name[m], key="report_month")
pattern = pattern_column.text_input("Prefix pattern", value=report.DEFAULT_PATTERN, key="report_pattern",
                                    help="{year}, {mon} (jan), {month} (01), {month_name} (january)")
raw_prefix = st.text_input("…or a raw prefix (overrides the pattern)", key="report_raw_prefix")
try:
    prefix = raw_prefix or report.month_prefix(pattern, year, month)
    sources = adapter.report_sources(bucket, prefix)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
if sources.files.empty:
    others = f" ({sources.other_objects} other object(s) there, none ending in .csv)" if sources.other_objects else ""
    st.warning(widgets.md_text(f"No CSV files under '{prefix}' in '{bucket}'{others}. Check the month and the pattern."))
    st.stop()
files = sources.files
st.caption(f"{len(files)} CSV file(s) under {widgets.md_code(prefix)}, {widgets.format_size(sources.total_bytes)} "
           f"in all: {widgets.md_code(files['key'].iloc[0])} … {widgets.md_code(files['key'].iloc[-1])}")

st.subheader("2 · Load")
source_id = (settings.fingerprint(), bucket, prefix, len(files), sources.total_bytes, str(files["last_modified"].max()))
loaded = st.session_state.get(LOADED_KEY)
if st.button(f"Load {len(files)} file(s)", type="primary" if loaded is None else "secondary"):
    result = widgets.run_month_load(client, bucket, files, required=())
    st.session_state[LOADED_KEY] = loaded = (source_id, result)
if loaded is None or loaded[0] != source_id:
    st.caption("Loading reads every file concurrently into one table; nothing is written.")
    st.stop()
result = loaded[1]
if not result.problems.empty:
    with st.expander(f"{len(result.problems)} file(s) skipped", icon=":material/warning:", expanded=True):
        st.dataframe(result.problems, hide_index=True)
for note in result.notes:
    st.caption(widgets.md_text(note))
if result.frame.empty:
    st.error("None of the files could be used, so there is nothing to report.")
    st.stop()
st.caption(f"{len(result.frame):,} rows from {result.files_used} file(s).")

st.subheader("3 · Aggregate")
columns = [c for c in result.frame.columns if c != report.SOURCE_KEY]
numeric = [c for c in columns if str(result.frame[c].dtype).startswith(("int", "float"))]
group_column, mean_column = st.columns(2)
by = group_column.selectbox("Group by", columns, index=columns.index("service_name") if "service_name" in columns else 0)
mean_of = mean_column.selectbox("Mean of", ["(none)", *numeric],
                                index=numeric.index("case_age_days") + 1 if "case_age_days" in numeric else 0)
template = st.text_input("Info link per group ({value} is replaced)", value=report.DEFAULT_LINK_TEMPLATE)
try:
    agg = report.aggregate(result.frame, by=by, mean_of="" if mean_of == "(none)" else mean_of, link_template=template)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()

st.subheader("4 · Preview")
total_metric, groups_metric, files_metric = st.columns(3)
total_metric.metric("Requests", f"{agg.total:,}")
groups_metric.metric(f"{by} values", f"{len(agg.table):,}")
files_metric.metric("Files used", f"{result.files_used} of {len(files)}")
st.container(key="report_table").dataframe(agg.table, hide_index=True, column_config={
    "share": st.column_config.NumberColumn("share", format="percent"),
    "info_link": st.column_config.LinkColumn("info_link"),
})
widgets.report_charts(agg.table, agg.daily, by)
html_columns = st.multiselect("Columns in the published HTML table", list(agg.table.columns), default=list(agg.table.columns))

st.subheader("5 · Publish")
target = widgets.bucket_picker("report_target", label="Publish to bucket", preferred=REPORTS_BUCKET)
with st.expander("Publish to a new bucket"):
    new_name = st.text_input("New bucket name", key="report_new_bucket")
    if st.button("Create it", key="report_create_bucket"):
        try:
            buckets.create_bucket(client, new_name.strip(), region=settings.region or "us-east-1")
        except CoreError as err:
            widgets.error_banner(err)
        else:
            adapter.forget_cached_reads()
            st.session_state["report_target"] = new_name.strip()
            st.rerun()
try:
    access = adapter.public_access(target)
except CoreError as err:
    widgets.error_banner(err)
    st.stop()
public = access.public_acl_possible is True
if not public:
    st.info("The report will be private: " + (access.explanation() or "public access could not be confirmed.")
            + " The index will use presigned links that work for 7 days.")
artifacts = report.plan_artifacts(agg, year=year, month=month, public=public, html_columns=html_columns or ["requests"])
chart_tab, table_tab, plan_tab = st.tabs(["Chart as published", "HTML table as published", "Publish plan"])
chart_tab.iframe(artifacts[2].body.decode(), height=820)
table_tab.iframe(artifacts[1].body.decode(), height=500)
plan_tab.dataframe(report.plan_table(artifacts), hide_index=True,
                   column_config={"size": st.column_config.NumberColumn("size", format="bytes")})
confirmed = st.checkbox(f"I have checked the preview; write these {len(artifacts) + 1} objects to '{target}'.",
                        key=f"report_confirm:{source_id}:{target}")
if st.button("Publish", type="primary", disabled=not confirmed, icon=":material/publish:"):
    try:
        with st.spinner("Publishing…"):
            published = report.publish(client, target, artifacts, endpoint_url=settings.endpoint_url, region=settings.region)
            checks = report.check_links(published.links)
    except CoreError as err:
        widgets.error_banner(err)
        st.stop()
    adapter.forget_cached_reads()
    st.session_state[PUBLISHED_KEY] = checks
if PUBLISHED_KEY in st.session_state:
    checks = st.session_state[PUBLISHED_KEY]
    broken = int((~checks["opens"]).sum())
    (st.warning if broken else st.success)(f"Published {len(checks)} object(s); {len(checks) - broken} open for a stranger.")
    st.container(key="report_links").dataframe(checks, hide_index=True, column_config={"url": st.column_config.LinkColumn("link")})
    st.link_button("Open the index", checks.loc[checks["key"] == report.INDEX_KEY, "url"].iloc[0], icon=":material/open_in_new:")
