"""core.report: prefixes, loading messy months, aggregation, escaping, planning, index."""

import io
import threading
import time

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from core import report
from core.errors import AccessDenied, InvalidInput
from tests.helpers import HtmlAudit

GOOD = b"service_name,status,case_age_days,requested_datetime\nPothole,Closed,3,2019-01-01T08:00:00\nGraffiti,New,1,2019-01-01T09:00:00\nPothole,New,5,2019-01-02T10:00:00\n"
REORDERED = b"requested_datetime,case_age_days,extra,status,service_name\n2019-01-03T08:00:00,7,x,Closed,Pothole\n"
HEADER_ONLY = b"service_name,status,case_age_days,requested_datetime\n"
BINARY = bytes(range(256)) * 4
LATIN1 = "service_name,status\nCaf\xe9,Closed\n".encode("latin-1")
UTF16 = "service_name,status,case_age_days,requested_datetime\nStreet Light,Closed,2,2019-01-04T00:00:00\n".encode("utf-16")
NO_GROUP = b"status,case_age_days\nClosed,1\n"


@pytest.mark.parametrize(("pattern", "prefix"), [
    ("{year}_{mon}", "2019_jan"), ("{year}/{month}/", "2019/01/"), ("exports/{month_name}-{year}", "exports/january-2019"),
])
def test_month_prefix(pattern, prefix):
    assert report.month_prefix(pattern, 2019, 1) == prefix


@pytest.mark.parametrize("pattern", ["{yr}", "{0}", "{year"])
def test_month_prefix_rejects_unknown_fields(pattern):
    with pytest.raises(InvalidInput, match="may use"):
        report.month_prefix(pattern, 2019, 1)


@pytest.fixture
def messy_month(s3):
    files = {
        "m/01.csv": GOOD, "m/02.csv": REORDERED, "m/03.csv": HEADER_ONLY, "m/04.csv": b"",
        "m/05.csv": BINARY, "m/06.csv": LATIN1, "m/07.csv": UTF16, "m/08.csv": NO_GROUP,
        "m/readme.txt": b"not a csv", "other/09.csv": GOOD,
    }
    for key, body in files.items():
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
    return s3


def test_list_sources_keeps_csv_and_counts_the_rest(messy_month):
    sources = report.list_sources(messy_month, "seeded-bucket", "m/")
    assert sources.files["key"].tolist() == [f"m/0{i}.csv" for i in range(1, 9)]
    assert sources.other_objects == 1
    assert sources.total_bytes == sum(sources.files["size"])


def in_flight_peak(s3, monkeypatch, **load_options) -> tuple[int, report.LoadResult]:
    """Load budget/ and return the most files at once between their GET and the end of their parse."""
    lock, now, peak = threading.Lock(), [0], [0]

    def started(**kw):
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
    real_parse = report._parse_table

    def parse(body, required):
        time.sleep(0.02)  # slow parsers: without a budget, fetched files pile up
        try:
            return real_parse(body, required)
        finally:
            with lock:
                now[0] -= 1
    monkeypatch.setattr(report, "_parse_table", parse)
    s3.meta.events.register("before-call.s3.GetObject", started)
    sources = report.list_sources(s3, "seeded-bucket", "budget/").files
    result = list(report.iter_load(s3, "seeded-bucket", sources, threads=8, **load_options))[-1]
    s3.meta.events.unregister("before-call.s3.GetObject", started)
    return peak[0], result


def test_load_holds_at_most_the_unparsed_budget_and_still_finishes(s3, monkeypatch):
    for i in range(12):
        s3.put_object(Bucket="seeded-bucket", Key=f"budget/{i:02d}.csv", Body=GOOD)
    unbounded, result = in_flight_peak(s3, monkeypatch)
    assert unbounded > 3 and result.files_used == 12
    bounded, result = in_flight_peak(s3, monkeypatch, unparsed_limit=3 * len(GOOD))
    assert bounded <= 3 and result.files_used == 12 and len(result.frame) == 36
    # a file larger than the whole budget still goes through, alone
    alone, result = in_flight_peak(s3, monkeypatch, unparsed_limit=1)
    assert alone == 1 and result.files_used == 12


def test_a_load_left_halfway_stops_fetching(s3):
    for i in range(40):
        s3.put_object(Bucket="seeded-bucket", Key=f"left/{i:02d}.csv", Body=GOOD)
    sources = report.list_sources(s3, "seeded-bucket", "left/").files
    gets = []

    def get_with_latency(**kw):  # returns None: a value would stand in for S3's answer
        gets.append(1)
        time.sleep(0.01)
    s3.meta.events.register("before-call.s3.GetObject", get_with_latency)
    loading = report.iter_load(s3, "seeded-bucket", sources, threads=2)
    assert next(loading).files_done == 1
    loading.close()  # the reader left (Streamlit stopped the script): GETs not begun are cancelled
    settled = len(gets)
    assert settled < 20
    assert len(gets) == settled


def test_list_sources_pages_past_1000_keys(s3, monkeypatch):
    monkeypatch.setenv("MOTO_S3_DEFAULT_MAX_KEYS", "100")
    for i in range(1_050):
        s3.put_object(Bucket="seeded-bucket", Key=f"many/{i:04d}.csv", Body=b"a\n1\n")
    assert len(report.list_sources(s3, "seeded-bucket", "many/").files) == 1_050


def test_load_month_skips_unusable_files_with_reasons_and_aligns_columns(messy_month):
    sources = report.list_sources(messy_month, "seeded-bucket", "m/").files
    events = list(report.iter_load(messy_month, "seeded-bucket", sources, required=("service_name",), threads=4))
    progress, result = events[:-1], events[-1]
    assert [p.files_done for p in progress] == list(range(1, 9))
    assert progress[-1].bytes_done == progress[-1].bytes_total
    reasons = dict(zip(result.problems["key"], result.problems["reason"]))
    assert reasons == {
        "m/03.csv": "no data rows (header only)",
        "m/04.csv": "empty file",
        "m/05.csv": "binary file, not CSV text",
        "m/06.csv": "not UTF-8 text (wrong encoding)",
        "m/08.csv": "missing required column(s): service_name",
    }
    frame = result.frame
    assert result.files_used == 3
    assert list(frame.columns) == ["service_name", "status", "case_age_days", "requested_datetime", "source_key"]
    assert frame["source_key"].tolist() == ["m/01.csv"] * 3 + ["m/02.csv", "m/07.csv"]
    assert frame.loc[3].to_dict() == {"service_name": "Pothole", "status": "Closed", "case_age_days": 7,
                                      "requested_datetime": "2019-01-03T08:00:00", "source_key": "m/02.csv"}
    assert result.notes == ("m/02.csv: extra column(s) extra left out",)


def test_load_month_with_nothing_usable_is_an_empty_frame(s3):
    s3.put_object(Bucket="seeded-bucket", Key="bad/a.csv", Body=b"")
    sources = report.list_sources(s3, "seeded-bucket", "bad/").files
    result = report.load_month(s3, "seeded-bucket", sources)
    assert result.frame.empty and result.files_used == 0 and len(result.problems) == 1


def test_load_month_reports_a_vanished_file(s3):
    sources = pd.DataFrame({"key": ["gone.csv"], "size": [10], "last_modified": [pd.Timestamp.now(tz="UTC")]})
    result = report.load_month(s3, "seeded-bucket", sources)
    assert "does not exist" in result.problems.loc[0, "reason"]


SMALL = pd.DataFrame({
    "service_name": ["Pothole", "Pothole", "Graffiti", "Pothole", None],
    "status": ["Closed", "New", "Closed", "Closed", "New"],
    "case_age_days": [2, 4, 9, "x", 1],
    "requested_datetime": ["2019-01-01T01:00", "2019-01-01T05:00", "2019-01-02T01:00", "2019-01-02T03:00", "2019-01-02T04:00"],
})


def test_aggregate_counts_shares_means_statuses_links_and_days():
    agg = report.aggregate(SMALL, by="service_name", mean_of="case_age_days",
                           link_template="https://example.org/?q={value}")
    table = agg.table.set_index("service_name")
    assert table["requests"].to_dict() == {"Pothole": 3, "Graffiti": 1, "(blank)": 1}
    assert table["share"].to_dict() == {"Pothole": 0.6, "Graffiti": 0.2, "(blank)": 0.2}
    assert table.loc["Pothole", "mean_case_age_days"] == 3.0  # "x" is not a number
    assert table.loc["Pothole", "status_Closed"] == 2 and table.loc["Pothole", "status_New"] == 1
    assert table.loc["(blank)", "info_link"] == "https://example.org/?q=%28blank%29"
    assert agg.total == 5
    daily = agg.daily.set_index(["date", "group"])["requests"]
    assert daily[(pd.Timestamp("2019-01-02"), "Pothole")] == 1 and daily.sum() == 5


def test_aggregate_guards():
    with pytest.raises(InvalidInput, match="no column 'nope'"):
        report.aggregate(SMALL, by="nope")
    with pytest.raises(InvalidInput, match="http"):
        report.aggregate(SMALL, link_template="javascript:alert('{value}')")


def test_report_html_escapes_everything_and_links_only_http():
    table = pd.DataFrame({
        "<script>alert(1)</script>": ['"><img src=x onerror=alert(1)>'],
        "requests": [1],
        "info_link": ["javascript:alert(1)"],
        "other_link": ["https://ok.example/?a=1&b=2"],
    })
    page = report.report_html(table, title="<script>t</script>")
    audit = HtmlAudit(page)
    assert audit.scripts == 0 and audit.handlers == []
    assert audit.hrefs == ["https://ok.example/?a=1&b=2"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'border="0"' in page


def test_chart_html_is_standalone_bokeh():
    page = report.chart_html(report.aggregate(SMALL), title="<b>t</b>")
    assert "Bokeh" in page and "cdn.bokeh.org" not in page
    assert "<b>t</b>" not in page


def test_plan_artifacts_and_table():
    agg = report.aggregate(SMALL)
    artifacts = report.plan_artifacts(agg, year=2019, month=1, public=False, html_columns=["service_name", "requests"])
    assert [a.key for a in artifacts] == ["2019/jan/final_report.csv", "2019/jan/final_report.html", "2019/jan/final_chart.html"]
    assert [a.content_type.split(";")[0] for a in artifacts] == ["text/csv", "text/html", "text/html"]
    assert pd.read_csv(io.BytesIO(artifacts[0].body))["requests"].sum() == 5
    plan = report.plan_table(artifacts)
    assert plan["key"].tolist()[-1] == "index.html"
    assert set(plan["visibility"].head(3)) == {"private"}


def test_publish_and_reindex_is_idempotent(s3):
    agg = report.aggregate(SMALL)
    for month in (1, 2, 1):
        artifacts = report.plan_artifacts(agg, year=2019, month=month, public=False, html_columns=["service_name"])
        published = report.publish(s3, "seeded-bucket", artifacts)
    index = s3.get_object(Bucket="seeded-bucket", Key="index.html")["Body"].read().decode()
    audit = HtmlAudit(index)
    assert len(audit.hrefs) == 6, "two months × three files, no duplicates"
    assert "presigned" in index
    assert published.keys[-1] == "index.html"


def test_failed_artifact_leaves_the_previous_index(s3):
    s3.put_object(Bucket="seeded-bucket", Key="index.html", Body=b"old index")
    artifacts = report.plan_artifacts(report.aggregate(SMALL), year=2019, month=1, public=False, html_columns=["service_name"])

    def deny_the_chart(params, **kwargs):
        if params["Key"].endswith("final_chart.html"):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")

    s3.meta.events.register("before-parameter-build.s3.PutObject", deny_the_chart)
    with pytest.raises(AccessDenied, match="publish '2019/jan/final_chart.html'"):
        report.publish(s3, "seeded-bucket", artifacts)
    assert s3.get_object(Bucket="seeded-bucket", Key="index.html")["Body"].read() == b"old index"


def test_is_report_key():
    assert report.is_report_key("2019/jan/final_report.csv")
    assert not report.is_report_key("2019/jan/other.csv") and not report.is_report_key("index.html")


def test_hostile_csvs_are_reported_not_fatal(s3):
    ragged = b"service_name,status\nPothole,Closed\nGraffiti,New,extra,fields\n"
    wide = (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    long_line = b"service_name," + b"x" * (100 * 1024 * 1024) + b"\n"
    for key, body in {"h/ragged.csv": ragged, "h/wide.csv": wide, "h/long.csv": long_line, "h/good.csv": GOOD}.items():
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
    sources = report.list_sources(s3, "seeded-bucket", "h/").files
    result = report.load_month(s3, "seeded-bucket", sources, required=("service_name",))
    reasons = dict(zip(result.problems["key"], result.problems["reason"]))
    assert reasons["h/ragged.csv"].startswith("not a readable CSV (Error tokenizing data")
    assert reasons["h/wide.csv"] == "missing required column(s): service_name"
    assert reasons["h/long.csv"] == "no data rows (header only)"
    assert result.files_used == 1 and len(result.frame) == 3


def test_both_parsers_give_a_month_one_type_per_column():
    # pyarrow reads the plain file; the quoted line break sends the other one to pandas' parser
    plain = b"requested_datetime,service_name,status,note,empty\n2019-01-01 00:10:00,Pothole,,NA,\n2019-01-01 00:20:00,x,New,y,\n"
    fallback = b'requested_datetime,service_name,status,note,empty\n2019-01-02 00:10:00,Graffiti,New,"two\nlines",\n'
    frames = [report.parse_csv(body, ()) for body in (plain, fallback)]
    assert [f.dtypes.astype(str).tolist() for f in frames] == [["str"] * 4 + ["float64"]] * 2
    assert frames[0].loc[0, ["status", "note"]].isna().all()  # blank and "NA" are missing, as in pandas
    assert frames[1].loc[0, "note"] == "two\nlines"


@pytest.mark.parametrize(("body", "columns"), [
    (b"a,a\n1,2\n", ["a", "a.1"]),
    (b",a\n0,1\n", ["Unnamed: 0", "a"]),
    (b"\xef\xbb\xbfa,b\n1,2\n", ["a", "b"]),
    ("a,b\n1,\u00e9\n".encode("utf-16"), ["a", "b"]),
])
def test_header_names_follow_pandas_rules(body, columns):
    assert report.parse_csv(body, ()).columns.tolist() == columns


def test_month_columns_take_one_type_across_files(s3):
    bodies = {
        "types/a.csv": b"service_name,age,code\nPothole,1,7\n",
        "types/b.csv": b"service_name,age,code\nGraffiti,2.5,X9\n",  # float age, text code
        "types/c.csv": b"service_name,code\nPothole,8\n",  # no age column at all
    }
    for key, body in bodies.items():
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
    sources = report.list_sources(s3, "seeded-bucket", "types/").files
    month = report.load_month(s3, "seeded-bucket", sources).frame
    assert month["age"].dtype == "float64" and month["age"].tolist()[:2] == [1.0, 2.5] and pd.isna(month["age"][2])
    assert month["code"].tolist() == [7, "X9", 8]  # numbers and text side by side, as pandas would keep them
    assert month["source_key"].tolist() == list(bodies)
