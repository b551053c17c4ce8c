"""Publish January 2019 of the sandbox data to a real moto server and read it back as a stranger."""

import io

import pandas as pd

from core import connection, demo_data, report, sharing
from core.connection import Mode
from tests.helpers import HtmlAudit, fetch


def test_publish_january_then_follow_the_index(moto_server):
    settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=moto_server.url, access_key_id="a", secret_access_key="b")
    client = connection.make_client(settings)
    for bucket in demo_data.SANDBOX_BUCKETS:
        client.create_bucket(Bucket=bucket)
    for obj in demo_data.demo_objects():
        if obj.key.startswith("2019_jan/"):
            client.put_object(Bucket=obj.bucket, Key=obj.key, Body=obj.body)

    sources = report.list_sources(client, demo_data.REQUESTS_BUCKET, report.month_prefix("{year}_{mon}", 2019, 1))
    assert len(sources.files) == 31
    loaded = report.load_month(client, demo_data.REQUESTS_BUCKET, sources.files)
    assert loaded.problems.empty and loaded.files_used == 31
    agg = report.aggregate(loaded.frame, mean_of="case_age_days")
    public = sharing.public_access(client, demo_data.REPORTS_BUCKET).public_acl_possible
    assert public is True
    artifacts = report.plan_artifacts(agg, year=2019, month=1, public=True, html_columns=list(agg.table.columns))
    published = report.publish(client, demo_data.REPORTS_BUCKET, artifacts, endpoint_url=moto_server.url)
    checks = report.check_links(published.links)
    assert checks["opens"].all(), checks

    index_url = sharing.public_url(demo_data.REPORTS_BUCKET, "index.html", endpoint_url=moto_server.url)
    parser = HtmlAudit(fetch(index_url)[1].decode())
    assert sorted(href.rsplit("/", 1)[-1] for href in parser.hrefs) == sorted(report.ARTIFACT_NAMES)
    bodies = {href.rsplit("/", 1)[-1]: fetch(href)[1] for href in parser.hrefs}

    published_table = pd.read_csv(io.BytesIO(bodies["final_report.csv"]))
    expected = agg.table.drop(columns=["info_link"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(published_table.drop(columns=["info_link"]), expected, check_dtype=False)
    assert published_table["requests"].sum() == len(loaded.frame)
    assert b"Bokeh" in bodies["final_chart.html"]
    assert b"Pothole" in bodies["final_report.html"]
