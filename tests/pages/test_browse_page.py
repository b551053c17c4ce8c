"""AppTest of Browse and Buckets: request counts, paging, details, delete, create, typed delete."""

import boto3
import pytest
from moto import mock_aws

from core import connection
from core.connection import Mode
from tests.pages.conftest import RequestCounter, button, open_page, page_text, plain
from ui import adapter

BIG_PREFIX_KEYS = 2_500


@pytest.fixture
def aws():
    """mock_aws with a bucket holding a folder, a subfolder and a CSV; the settings."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="logs-bucket")
        for i in range(3):
            client.put_object(Bucket="logs-bucket", Key=f"big/k{i:05d}.txt", Body=b"x")
        client.put_object(Bucket="logs-bucket", Key="big/sub/inner.txt", Body=b"x")
        client.put_object(Bucket="logs-bucket", Key="table.csv", Body=b"city,count\nParis,3\nOslo,4\n",
                          ContentType="text/csv")
        client.create_bucket(Bucket="empty-bucket")
        settings = connection.make_settings(Mode.KEYS, access_key_id="AKIDPAGETEST", secret_access_key="s")
        yield settings, client


@pytest.fixture
def big_prefix(aws):
    """2 500 keys under big/ (plus the subfolder big/sub/)."""
    settings, client = aws
    for i in range(3, BIG_PREFIX_KEYS):
        client.put_object(Bucket="logs-bucket", Key=f"big/k{i:05d}.txt", Body=b"x")
    return settings, client


def browse(settings, bucket="logs-bucket", prefix=""):
    return open_page(
        "pages/browse.py",
        connection_settings=settings,
        browse_bucket=bucket,
        browse_prefix_bucket=bucket,
        browse_prefix=prefix,
        browse_view=0,
    )


def test_first_screen_of_a_big_prefix_costs_one_list_and_a_rerun_costs_nothing(big_prefix):
    settings, _ = big_prefix
    counter = RequestCounter(adapter.s3_client(settings))
    at = browse(settings, prefix="big/")
    assert not at.exception
    calls = counter.take()
    assert calls.count("ListObjectsV2") == 1
    assert [c for c in calls if c not in ("ListBuckets", "GetBucketLocation")] == ["ListObjectsV2"]
    assert "0 folder(s) and 1000 object(s) shown. More exist in this folder." in page_text(at)

    at.run()
    assert counter.take() == []


def test_load_more_fetches_exactly_the_next_page(big_prefix):
    settings, _ = big_prefix
    at = browse(settings, prefix="big/")
    counter = RequestCounter(adapter.s3_client(settings))
    button(at, "Load more").click().run()
    assert counter.take() == ["ListObjectsV2"]
    assert "0 folder(s) and 2000 object(s) shown. More exist" in page_text(at)
    button(at, "Load more").click().run()
    assert "1 folder(s) and 2500 object(s) shown. That is everything here." in page_text(at)


def test_empty_bucket_says_so(aws):
    settings, _ = aws
    at = browse(settings, bucket="empty-bucket")
    assert not at.exception
    assert "This folder is empty." in page_text(at)


def test_name_filter_lists_on_the_server(aws):
    settings, _ = aws
    at = browse(settings, prefix="big/")
    counter = RequestCounter(adapter.s3_client(settings))
    at.text_input[0].input("k0000").run()
    assert counter.take() == ["ListObjectsV2"]
    assert "0 folder(s) and 3 object(s) shown. That is everything here." in page_text(at)
    at.text_input[0].input("zzz").run()
    assert "Nothing here starts with that." in page_text(at)


def test_breadcrumb_up_goes_to_the_parent(aws):
    settings, _ = aws
    at = browse(settings, prefix="big/sub/")
    assert "0 folder(s) and 1 object(s) shown" in page_text(at)
    button(at, "Up").click().run()
    assert at.session_state["browse_prefix"] == "big/"
    button(at, "/").click().run()
    assert at.session_state["browse_prefix"] == ""
    assert "1 folder(s) and 1 object(s) shown" in page_text(at)


def test_missing_bucket_is_a_sentence_not_a_traceback(aws):
    settings, client = aws
    at = browse(settings, bucket="empty-bucket")
    client.delete_bucket(Bucket="empty-bucket")  # behind the app's back: its bucket list is cached
    at.text_input[0].input("x").run()
    assert not at.exception
    assert "bucket 'empty-bucket' does not exist" in plain(at.error[0].value)


def test_create_bucket_checks_the_name_then_creates(aws):
    settings, client = aws
    at = open_page("pages/buckets.py", connection_settings=settings)
    at.text_input(key="create_name").input("Bad_Name")
    button(at, "Create bucket").click().run()
    assert "Only lowercase letters" in plain(at.error[0].value)
    at.text_input(key="create_name").input("fresh-bucket")
    at.selectbox[0].set_value("eu-west-1")
    button(at, "Create bucket").click().run()
    assert not at.exception
    assert "Created bucket 'fresh-bucket' in eu-west-1." in page_text(at)
    assert client.get_bucket_location(Bucket="fresh-bucket")["LocationConstraint"] == "eu-west-1"


def test_delete_bucket_needs_typed_name_and_empties_first(aws):
    settings, client = aws
    at = open_page("pages/buckets.py", connection_settings=settings)
    at.selectbox(key="delete_bucket").set_value("logs-bucket").run()
    assert "holds 5 object(s)" in plain(at.warning[0].value)
    assert button(at, "Delete bucket").disabled
    at.text_input(key="confirm_delete:logs-bucket").input("logs-bucke").run()
    assert button(at, "Delete bucket").disabled, "a near miss does not enable the button"
    at.text_input(key="confirm_delete:logs-bucket").input("logs-bucket").run()
    assert button(at, "Delete bucket").disabled, "emptying must be ticked too"
    at.checkbox[0].check().run()
    button(at, "Delete bucket").click().run()
    assert not at.exception
    assert "Deleted bucket 'logs-bucket'." in page_text(at)
    names = [b["Name"] for b in client.list_buckets()["Buckets"]]
    assert "logs-bucket" not in names


def test_delete_empty_bucket_needs_only_the_typed_name(aws):
    settings, client = aws
    at = open_page("pages/buckets.py", connection_settings=settings)
    at.selectbox(key="delete_bucket").set_value("empty-bucket").run()
    assert not at.warning
    at.text_input(key="confirm_delete:empty-bucket").input("empty-bucket").run()
    button(at, "Delete bucket").click().run()
    assert "Deleted bucket 'empty-bucket'." in page_text(at)


def test_buckets_page_rerun_costs_nothing(aws):
    settings, _ = aws
    at = open_page("pages/buckets.py", connection_settings=settings)
    at.selectbox(key="delete_bucket").set_value("logs-bucket").run()
    counter = RequestCounter(adapter.s3_client(settings))
    at.run()
    assert counter.take() == []
