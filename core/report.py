"""The monthly report: many daily CSVs → one DataFrame → aggregate → render → publish → index.

Everything that lands in HTML is escaped here; only http(s) URLs become links.
"""

from __future__ import annotations

import calendar
import concurrent.futures
import dataclasses
import html
import io
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import quote_plus

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from core import sharing
from core.errors import CoreError, InvalidInput, s3_errors

LOAD_THREADS = 16  # concurrent GETs sharing one client (≤ its pool of 32)
# One parser pool for the whole server process, as wide as the cores: more threads parsing only
# add CPU (each gets its own allocator heap) and memory (bench/RESULTS.md). GETs run on their own
# threads, so waiting for a parser never holds up the next request.
_PARSERS = concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2, thread_name_prefix="csv-parse")
UNPARSED_BYTES_LIMIT = 256 * 1024 * 1024  # per load: bodies fetched and waiting for a parser
DEFAULT_PATTERN = "{year}_{mon}"
REPORT_FOLDER = "{year}/{mon}/"
SOURCE_KEY = "source_key"
SOURCE_COLUMNS = ["key", "size", "last_modified"]
PROBLEM_COLUMNS = ["key", "reason"]
TOP_GROUPS = 8  # groups drawn separately in the daily chart; the rest are summed up
OTHER_GROUPS = "(all others)"
DEFAULT_LINK_TEMPLATE = "https://www.sandiego.gov/search?search_api_fulltext={value}"
INDEX_KEY = "index.html"
ARTIFACT_NAMES = ("final_report.csv", "final_report.html", "final_chart.html")
PRIVATE_LINK_SECONDS = sharing.MAX_PRESIGN_SECONDS


def month_prefix(pattern: str, year: int, month: int) -> str:
    """Turn a pattern such as ``{year}_{mon}`` into a prefix (``2019_jan``)."""
    if not 1 <= month <= 12:
        raise InvalidInput("The month must be between 1 and 12.")
    values = {
        "year": year,
        "mon": calendar.month_abbr[month].lower(),
        "month": f"{month:02d}",
        "month_name": calendar.month_name[month].lower(),
    }
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError):
        raise InvalidInput(
            "The pattern may use {year}, {mon} (jan), {month} (01) and {month_name} (january) only."
        ) from None


@dataclasses.dataclass(frozen=True)
class Sources:
    """The CSV files under a prefix, and how many other objects were passed over."""

    files: pd.DataFrame  # SOURCE_COLUMNS
    other_objects: int

    @property
    def total_bytes(self) -> int:
        """Bytes to read for the whole month."""
        return int(self.files["size"].sum()) if not self.files.empty else 0


def list_sources(client, bucket: str, prefix: str) -> Sources:
    """Every ``.csv`` key under ``prefix`` (all pages, never capped at 1000)."""
    with s3_errors(f"list '{prefix}' in bucket '{bucket}'", bucket=bucket):
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        objects = [o for page in pages for o in page.get("Contents", [])]
    csvs = [o for o in objects if o["Key"].lower().endswith(".csv")]
    files = pd.DataFrame(
        {
            "key": [o["Key"] for o in csvs],
            "size": [o["Size"] for o in csvs],
            "last_modified": pd.to_datetime([o["LastModified"] for o in csvs], utc=True),
        },
        columns=SOURCE_COLUMNS,
    )
    return Sources(files, len(objects) - len(csvs))


class Unusable(Exception):
    """A file that cannot join the month, with the reason to list."""


def _utf8(body: bytes) -> bytes:
    """The body as UTF-8 without a byte-order mark; Unusable when it is not text."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body.decode("utf-16").encode()
    if b"\x00" in body[:4096]:
        raise Unusable("binary file, not CSV text")
    try:
        body.decode("utf-8")  # validation only: both parsers below read bytes, which is faster
    except UnicodeDecodeError:
        raise Unusable("not UTF-8 text (wrong encoding)") from None
    return body.removeprefix(b"\xef\xbb\xbf")


# pyarrow would turn ISO dates into timestamps, while files it refuses (and pandas) keep them as
# text; a format that never matches keeps every file's dates as text, so a month has one type.
# Empty and "NA"-like cells become missing in text columns too, as pandas does.
_ARROW_CONVERT = pacsv.ConvertOptions(timestamp_parsers=["\x01never a timestamp"], strings_can_be_null=True)
# One thread per file: the load already runs files in parallel, and pyarrow releases the GIL.
_ARROW_READ = pacsv.ReadOptions(use_threads=False)


def _prefer_jemalloc() -> None:
    """Arrow's allocator for the whole process: jemalloc where pyarrow has it. With files parsed
    on many threads, the default (mimalloc) made the first month loaded 1.5x slower and 100 MB
    bigger, most of the extra time spent in the kernel (bench/README.md)."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pass


_prefer_jemalloc()


def _read_table(body: bytes) -> pa.Table:
    """pyarrow's parser (2-4x pandas' C parser here, GIL released); pandas' for files it refuses,
    e.g. quoted line breaks or ragged rows, so those still load."""
    try:
        table = pacsv.read_csv(pa.py_buffer(body), read_options=_ARROW_READ, convert_options=_ARROW_CONVERT)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        table = None
    names = table.column_names if table is not None else []
    # pandas names blank and repeated headers ("Unnamed: 0", "x.1"); pyarrow keeps them as they are
    if table is None or "" in names or len(set(names)) != len(names):
        frame = pd.read_csv(io.BytesIO(body), low_memory=False)
        try:
            return pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column pandas left as mixed Python objects
            return pa.Table.from_pandas(frame.astype({c: "str" for c in frame.columns if frame[c].dtype == object}),
                                        preserve_index=False)
    return table


def _to_pandas(table: pa.Table, *, consume: bool = False) -> pd.DataFrame:
    """``consume``: free each Arrow column once converted (the caller holds no other reference),
    so the month is not in memory twice at its peak."""
    # an all-blank column is float NaN in pandas, a "null" type (object None) in pyarrow
    if any(pa.types.is_null(f.type) for f in table.schema):
        table = table.cast(pa.schema([f.with_type(pa.float64()) if pa.types.is_null(f.type) else f for f in table.schema]))
    return table.to_pandas(self_destruct=consume, split_blocks=consume)


def _parse_table(body: bytes, required: tuple[str, ...]) -> pa.Table:
    if not body.strip():
        raise Unusable("empty file")
    try:
        table = _read_table(_utf8(body))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise Unusable(f"not a readable CSV ({str(exc).splitlines()[0][:120]})") from None
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise Unusable("missing required column(s): " + ", ".join(missing))
    if table.num_rows == 0:
        raise Unusable("no data rows (header only)")
    return table


def parse_csv(body: bytes, required: tuple[str, ...]) -> pd.DataFrame:
    """One file's rows; raises Unusable with a reason a person understands."""
    return _to_pandas(_parse_table(body, required))


@dataclasses.dataclass(frozen=True)
class LoadProgress:
    """Files and bytes loaded so far."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


@dataclasses.dataclass(frozen=True)
class LoadResult:
    """The month as one frame, plus the files that were skipped and why."""

    frame: pd.DataFrame
    problems: pd.DataFrame  # PROBLEM_COLUMNS
    notes: tuple[str, ...]  # e.g. columns dropped from files that had extra ones
    files_used: int


class _ByteBudget:
    """At most ``limit`` bytes held at once; one item larger than that still gets through alone."""

    def __init__(self, limit: int) -> None:
        self.limit, self.held = limit, 0
        self.changed = threading.Condition()

    def take(self, size: int) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.held == 0 or self.held + size <= self.limit)
            self.held += size

    def give_back(self, size: int) -> None:
        with self.changed:
            self.held -= size
            self.changed.notify_all()


def _fetch(client, bucket: str, key: str, size: int, required: tuple[str, ...],
           budget: _ByteBudget) -> concurrent.futures.Future:
    """GET one file and hand it to a parser; returns the parse's future. Handing it over here,
    not in the consumer's loop, keeps parsing going when the consumer stops listening."""
    budget.take(size)
    try:
        with s3_errors(f"read '{key}'", bucket=bucket, key=key):
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return _PARSERS.submit(_parse_and_release, body, required, size, budget)
    except BaseException:
        budget.give_back(size)
        raise


def _parse_and_release(body: bytes, required: tuple[str, ...], size: int, budget: _ByteBudget) -> pa.Table:
    try:
        return _parse_table(body, required)
    finally:
        budget.give_back(size)


def iter_load(
    client, bucket: str, sources: pd.DataFrame, *, required: tuple[str, ...] = (), threads: int = LOAD_THREADS,
    unparsed_limit: int = UNPARSED_BYTES_LIMIT,
) -> Iterator[LoadProgress | LoadResult]:
    """Fetch files concurrently, parse each as soon as it arrives; yield progress as files
    finish, then the result."""
    tables: dict[str, pa.Table] = {}
    problems: list[dict] = []
    sizes = {key: int(size) for key, size in zip(sources["key"], sources["size"])}
    total_bytes, done_bytes, done_files = sum(sizes.values()), 0, 0
    budget = _ByteBudget(unparsed_limit)
    finished: queue.SimpleQueue = queue.SimpleQueue()  # (future, key) as each GET or parse ends

    def watch(future: concurrent.futures.Future, key: str) -> None:
        future.add_done_callback(lambda done: finished.put((done, key)))

    fetchers = concurrent.futures.ThreadPoolExecutor(threads)
    try:
        for key, size in sizes.items():
            watch(fetchers.submit(_fetch, client, bucket, key, size, required, budget), key)
        while done_files < len(sizes):
            future, key = finished.get()
            try:
                outcome = future.result()
            except (Unusable, CoreError) as why:
                problems.append({"key": key, "reason": str(why)})
            else:
                if isinstance(outcome, concurrent.futures.Future):  # fetched, now parsing
                    watch(outcome, key)
                    continue
                tables[key] = outcome
            done_files += 1
            done_bytes += sizes[key]
            yield LoadProgress(done_files, len(sizes), done_bytes, total_bytes)
    finally:
        fetchers.shutdown(wait=True, cancel_futures=True)  # a reader who left stops the GETs not begun
    yield _combine(tables, problems)


def _combine(tables: dict[str, pa.Table], problems: list[dict]) -> LoadResult:
    """Align every file to the most common column layout and stack them in key order.

    Stacked as Arrow tables and converted once: with hundreds of small files, aligning and
    concatenating one pandas frame per file cost more than parsing them."""
    problem_frame = pd.DataFrame(sorted(problems, key=lambda p: p["key"]), columns=PROBLEM_COLUMNS)
    if not tables:
        return LoadResult(pd.DataFrame(columns=[SOURCE_KEY]), problem_frame, (), 0)
    files_used = len(tables)
    layouts = Counter(tuple(table.column_names) for table in tables.values())
    canonical = list(max(layouts, key=lambda cols: (layouts[cols], -len(cols))))
    notes = []
    aligned = []
    for key in sorted(tables):
        table = tables.pop(key)  # from here on the stacked month holds the only reference
        extra = [c for c in table.column_names if c not in canonical]
        if extra:
            notes.append(f"{key}: extra column(s) {', '.join(extra)} left out")
        columns = [table.column(c) if c in table.column_names else pa.nulls(table.num_rows) for c in canonical]
        source = pa.repeat(pa.scalar(key, pa.string()), table.num_rows)
        aligned.append(pa.table([*columns, source], names=[*canonical, SOURCE_KEY]))
    try:
        # int + float → float, blank + anything → that type, as pandas' concat would
        stacked = pa.concat_tables(aligned, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # numbers in some files and text in others: pandas keeps both in one object column
        month = pd.concat([_to_pandas(table) for table in aligned], ignore_index=True)
    else:
        aligned.clear()
        month = _to_pandas(stacked, consume=True)
    return LoadResult(month, problem_frame, tuple(notes), files_used)


def load_month(client, bucket: str, sources: pd.DataFrame, *, required: tuple[str, ...] = ()) -> LoadResult:
    """``iter_load`` without progress: just the result."""
    result = None
    for event in iter_load(client, bucket, sources, required=required):
        result = event
    return result


def validate_link_template(template: str) -> str:
    """An http(s) URL containing ``{value}``; anything else could become a live script link."""
    if not template.startswith(("http://", "https://")) or "{value}" not in template:
        raise InvalidInput("The link template must be an http(s) URL containing {value}.")
    return template


@dataclasses.dataclass(frozen=True)
class Aggregation:
    """The report table and the per-day series behind the chart."""

    table: pd.DataFrame  # group, requests, share, [mean_x], status columns…, info_link
    daily: pd.DataFrame  # date, group, requests
    group_column: str
    total: int


def aggregate(
    frame: pd.DataFrame,
    *,
    by: str = "service_name",
    mean_of: str = "",
    status_column: str = "status",
    date_column: str = "requested_datetime",
    link_template: str = DEFAULT_LINK_TEMPLATE,
) -> Aggregation:
    """Requests per group with share, optional mean, status breakdown, daily series and links."""
    if by not in frame.columns:
        raise InvalidInput(f"There is no column '{by}' to group by.")
    validate_link_template(link_template)
    groups = frame[by].fillna("(blank)").astype(str)
    counts = groups.value_counts()
    table = pd.DataFrame({by: counts.index, "requests": counts.to_numpy()})
    total = int(counts.sum())
    table["share"] = (table["requests"] / total).round(4) if total else 0.0
    if mean_of:
        values = pd.to_numeric(frame[mean_of], errors="coerce")
        means = values.groupby(groups).mean().round(2)
        table[f"mean_{mean_of}"] = table[by].map(means)
    if status_column in frame.columns:
        statuses = pd.crosstab(groups, frame[status_column].fillna("(blank)").astype(str))
        for status in statuses.columns:
            table[f"status_{status}"] = table[by].map(statuses[status]).fillna(0).astype(int)
    table["info_link"] = [link_template.format(value=quote_plus(value)) for value in table[by]]
    daily = _daily(frame, groups, date_column, top=table[by].head(TOP_GROUPS).tolist())
    return Aggregation(table, daily, by, total)


def _daily(frame: pd.DataFrame, groups: pd.Series, date_column: str, *, top: list[str]) -> pd.DataFrame:
    if date_column not in frame.columns:
        return pd.DataFrame(columns=["date", "group", "requests"])
    dates = pd.to_datetime(frame[date_column], errors="coerce").dt.floor("D")
    labelled = groups.where(groups.isin(top), OTHER_GROUPS)
    daily = (
        pd.DataFrame({"date": dates, "group": labelled}).dropna()
        .groupby(["date", "group"]).size().rename("requests").reset_index()
    )
    return daily


def report_csv(table: pd.DataFrame) -> bytes:
    """The aggregated table as UTF-8 CSV."""
    return table.to_csv(index=False).encode()


def _cell(value, column: str) -> str:
    text = "" if pd.isna(value) else str(value)
    if column.endswith("link") and sharing.is_safe_href(text) and text.startswith(("http://", "https://")):
        return f'<a href="{html.escape(text)}">{html.escape(text)}</a>'
    if column == "share" and text:
        return f"{float(value):.1%}"
    return html.escape(text)


def report_html(table: pd.DataFrame, *, title: str, columns: list[str] | None = None) -> str:
    """A standalone HTML page with the chosen columns, links clickable, no border."""
    columns = columns or list(table.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    rows = "\n".join(
        "    <tr>" + "".join(f"<td>{_cell(row[c], str(c))}</td>" for c in columns) + "</tr>"
        for _, row in table.iterrows()
    )
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse;border:0}"
        "td,th{padding:.3rem .8rem;text-align:left;border:0}tr:nth-child(even){background:#f4f4f4}</style>"
        f"</head><body>\n  <h1>{html.escape(title)}</h1>\n"
        f'  <table border="0">\n    <tr>{head}</tr>\n{rows}\n  </table>\n</body></html>\n'
    )


def chart_html(aggregation: Aggregation, *, title: str) -> str:
    """A standalone Bokeh page (BokehJS inlined) with requests per group and per day."""
    from bokeh.embed import file_html
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.palettes import Category10_10
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    by = aggregation.group_column
    top = aggregation.table.head(20)
    bars = figure(y_range=list(reversed(top[by].tolist())), height=60 + 24 * len(top), sizing_mode="stretch_width",
                  title=f"Requests per {by}", toolbar_location=None)
    bars.hbar(y=by, right="requests", height=0.8, source=ColumnDataSource(top[[by, "requests"]]))
    bars.add_tools(HoverTool(tooltips=[(by, f"@{{{by}}}"), ("requests", "@requests")]))
    lines = figure(x_axis_type="datetime", height=350, sizing_mode="stretch_width", title="Requests per day")
    for (group, rows), color in zip(aggregation.daily.groupby("group"), Category10_10 * 3):
        lines.line(rows["date"], rows["requests"], legend_label=str(group), color=color, line_width=2)
    if aggregation.daily.empty:
        lines.title.text = "Requests per day (no date column)"
    else:
        lines.legend.click_policy = "hide"
        lines.legend.location = "top_left"
    return file_html(column(bars, lines, sizing_mode="stretch_width"), INLINE, title=title)


@dataclasses.dataclass(frozen=True)
class Artifact:
    """One object the publish step will write."""

    key: str
    body: bytes
    content_type: str
    public: bool


def report_folder(year: int, month: int) -> str:
    """Where a month's report lives: ``2019/jan/``."""
    return REPORT_FOLDER.format(year=year, mon=calendar.month_abbr[month].lower())


def plan_artifacts(
    aggregation: Aggregation, *, year: int, month: int, public: bool, html_columns: list[str]
) -> list[Artifact]:
    """The three report files, in upload order (the index is added at publish time, last)."""
    folder = report_folder(year, month)
    title = f"Requests per {aggregation.group_column}, {calendar.month_name[month]} {year}"
    bodies = {
        "final_report.csv": (report_csv(aggregation.table), "text/csv"),
        "final_report.html": (report_html(aggregation.table, title=title, columns=html_columns).encode(),
                              "text/html; charset=utf-8"),
        "final_chart.html": (chart_html(aggregation, title=title).encode(), "text/html; charset=utf-8"),
    }
    return [Artifact(folder + name, body, kind, public) for name, (body, kind) in bodies.items()]


def plan_table(artifacts: list[Artifact]) -> pd.DataFrame:
    """What will be written: key, size, Content-Type, visibility; the index last."""
    rows = [{"key": a.key, "size": len(a.body), "content_type": a.content_type,
             "visibility": "public-read" if a.public else "private"} for a in artifacts]
    visibility = rows[0]["visibility"] if rows else "private"
    rows.append({"key": INDEX_KEY, "size": None, "content_type": "text/html; charset=utf-8",
                 "visibility": visibility + " (regenerated from all reports)"})
    return pd.DataFrame(rows, columns=["key", "size", "content_type", "visibility"])


def is_report_key(key: str) -> bool:
    """Keys the index lists: ``YYYY/mon/final_*`` files."""
    parts = key.split("/")
    return len(parts) == 3 and parts[0].isdigit() and parts[2] in ARTIFACT_NAMES


def build_index(client, bucket: str, *, public: bool, endpoint_url: str = "", region: str = "") -> str:
    """index.html listing every report object in the bucket (link, last modified, size)."""
    with s3_errors(f"list the reports in bucket '{bucket}'", bucket=bucket):
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        objects = [o for page in pages for o in page.get("Contents", []) if is_report_key(o["Key"])]
    rows = []
    for obj in sorted(objects, key=lambda o: o["Key"], reverse=True):
        href = (sharing.public_url(bucket, obj["Key"], region=region, endpoint_url=endpoint_url) if public
                else sharing.presigned_download_url(client, bucket, obj["Key"], expires_in=PRIVATE_LINK_SECONDS))
        rows.append((obj["Key"], href, f"{obj['LastModified']:%Y-%m-%d %H:%M UTC}", int(obj["Size"])))
    note = "" if public else (
        "This bucket does not allow public files: these links are presigned and stop working on "
        f"{sharing.expires_at(PRIVATE_LINK_SECONDS):%Y-%m-%d %H:%M UTC}. Publish again to renew them."
    )
    return sharing.folder_index_html(f"Reports in {bucket}", rows, note=note)


@dataclasses.dataclass(frozen=True)
class Published:
    """What publishing wrote, and where each piece can be opened."""

    keys: tuple[str, ...]  # artifacts then index.html
    links: dict[str, str]  # key → public or presigned URL


def publish(
    client, bucket: str, artifacts: list[Artifact], *, endpoint_url: str = "", region: str = ""
) -> Published:
    """Upload the artifacts, then regenerate index.html last; a failed artifact leaves the old index."""
    public = bool(artifacts) and artifacts[0].public
    for artifact in artifacts:
        extra = {"ACL": "public-read"} if artifact.public else {}
        with s3_errors(f"publish '{artifact.key}'", bucket=bucket, key=artifact.key):
            client.put_object(Bucket=bucket, Key=artifact.key, Body=artifact.body,
                              ContentType=artifact.content_type, **extra)
    index = build_index(client, bucket, public=public, endpoint_url=endpoint_url, region=region)
    sharing.publish_page(client, bucket, INDEX_KEY, index, public=public)
    keys = tuple(a.key for a in artifacts) + (INDEX_KEY,)

    def link(key: str) -> str:
        if public:
            return sharing.public_url(bucket, key, region=region, endpoint_url=endpoint_url)
        return sharing.presigned_download_url(client, bucket, key, expires_in=PRIVATE_LINK_SECONDS)

    return Published(keys, {key: link(key) for key in keys})


def _get_status(url: str) -> int:
    return sharing.anonymous_status(url, method="GET")


def check_links(links: dict[str, str], *, fetch: Callable[[str], int] = _get_status) -> pd.DataFrame:
    """Open every published link as a stranger would (GET: presigned links are signed for it)."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = dict(zip(links, pool.map(fetch, links.values())))
    return pd.DataFrame(
        [{"key": key, "url": url, "status": statuses[key], "opens": statuses[key] == 200} for key, url in links.items()],
        columns=["key", "url", "status", "opens"],
    )
