"""AppTest of the Monthly report page: nothing is written before preview and confirmation."""

import boto3
import pytest
from moto import mock_aws

from core import connection, demo_data
from core.connection import Mode
from tests.pages.conftest import RequestCounter, button, open_page, page_text, plain
from ui import adapter


@pytest.fixture
def settings():
    """January and February of the demo data (February has the reordered file) in mock AWS."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in demo_data.SANDBOX_BUCKETS:
            client.create_bucket(Bucket=bucket)
        for obj in demo_data.demo_objects():
            if obj.key.startswith(("2019_jan/", "2019_feb/", "2019_mar/gid_requests_2019_03_17")):
                client.put_object(Bucket=obj.bucket, Key=obj.key, Body=obj.body)
        client.put_object(Bucket="gid-requests", Key="2019_feb/broken.csv", Body=bytes(range(256)))
        yield connection.make_settings(Mode.KEYS, access_key_id="AKIDREPORT", secret_access_key="s")


def report_keys():
    listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="gid-reports")
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_publish_needs_load_preview_and_confirmation(settings):
    at = open_page("pages/report.py", connection_settings=settings)
    assert "31 CSV file(s) under `2019_jan`" in page_text(at)
    assert [b.label for b in at.button] == ["Load 31 file(s)"], "nothing to publish before loading"
    button(at, "Load 31 file(s)").click().run()
    assert not at.exception
    assert button(at, "Publish").disabled
    assert report_keys() == []
    at.checkbox[0].check().run()
    button(at, "Publish").click().run()
    assert not at.exception
    assert report_keys() == ["2019/jan/final_chart.html", "2019/jan/final_report.csv", "2019/jan/final_report.html", "index.html"]


def test_skipped_files_are_listed_with_reasons_and_columns_aligned(settings):
    at = open_page("pages/report.py", connection_settings=settings, report_month=2)
    button(at, "Load 29 file(s)").click().run()
    assert not at.exception
    skipped = at.dataframe[0].value
    assert skipped.to_dict("records") == [{"key": "2019_feb/broken.csv", "reason": "binary file, not CSV text"}]
    assert "2019_feb/gid_requests_2019_02_14.csv: extra column(s) iamfloc left out" in page_text(at)
    assert "from 28 file(s)" in page_text(at)


def test_header_only_file_is_reported(settings):
    at = open_page("pages/report.py", connection_settings=settings, report_month=3)
    button(at, "Load 1 file(s)").click().run()
    assert "None of the files could be used" in plain(at.error[0].value)
    assert at.dataframe[0].value.loc[0, "reason"] == "no data rows (header only)"


def test_month_without_files_says_so(settings):
    at = open_page("pages/report.py", connection_settings=settings, report_month=7)
    assert "No CSV files under '2019_jul'" in plain(at.warning[0].value)


def test_prefix_with_only_other_files_says_so(settings):
    boto3.client("s3", region_name="us-east-1").put_object(Bucket="gid-requests", Key="2019_aug/readme.txt", Body=b"x")
    at = open_page("pages/report.py", connection_settings=settings, report_month=8)
    assert plain(at.warning[0].value) == ("No CSV files under '2019_aug' in 'gid-requests' (1 other object(s) there, "
                                   "none ending in .csv). Check the month and the pattern.")


def test_bad_pattern_is_a_sentence(settings):
    at = open_page("pages/report.py", connection_settings=settings, report_pattern="{yr}_{mon}")
    assert "may use {year}, {mon}" in plain(at.error[0].value)


def test_rerun_after_loading_costs_no_requests(settings):
    at = open_page("pages/report.py", connection_settings=settings)
    button(at, "Load 31 file(s)").click().run()
    counter = RequestCounter(adapter.s3_client(settings))
    at.run()
    assert counter.take() == []
