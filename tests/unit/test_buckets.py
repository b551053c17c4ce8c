"""core.buckets: naming rules, listing with regions, create, count, empty, delete."""

import boto3
import pytest
from botocore.stub import Stubber

from core import buckets
from core.errors import AccessDenied, Conflict, InvalidInput

INVALID_NAMES = {
    "ab": "3 to 63 characters",
    "a" * 64: "3 to 63 characters",
    "": "3 to 63 characters",
    "My-Bucket": "Only lowercase letters",
    "bucket_name": "Only lowercase letters",
    "bucket name": "Only lowercase letters",
    "bucket!": "Only lowercase letters",
    "bücket": "Only lowercase letters",
    "-bucket": "begin and end with a letter or digit",
    "bucket-": "begin and end with a letter or digit",
    ".bucket": "begin and end with a letter or digit",
    "bucket.": "begin and end with a letter or digit",
    "my..bucket": "two dots in a row",
    "my.-bucket": "dot must not stand next to a hyphen",
    "my-.bucket": "dot must not stand next to a hyphen",
    "192.168.5.4": "IP address",
    "10.0.0.1": "IP address",
    "xn--bucket": "beginning with 'xn--'",
    "sthree-bucket": "beginning with 'sthree-'",
    "amzn-s3-demo-bucket": "beginning with 'amzn-s3-demo-'",
    "bucket-s3alias": "ending with '-s3alias'",
    "bucket--ol-s3": "ending with '--ol-s3'",
    "bucket.mrap": "ending with '.mrap'",
    "bucket--x-s3": "ending with '--x-s3'",
}
VALID_NAMES = ["abc", "my-bucket", "my.bucket.name", "123bucket", "a" * 63, "gid-reports-2019", "b1.2-3"]


@pytest.mark.parametrize("name", sorted(INVALID_NAMES))
def test_bucket_name_problem_names_the_rule(name):
    assert INVALID_NAMES[name] in buckets.bucket_name_problem(name)
    with pytest.raises(InvalidInput, match="cannot be a bucket name"):
        buckets.validate_bucket_name(name)


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_bucket_names(name):
    assert buckets.bucket_name_problem(name) == ""
    assert buckets.validate_bucket_name(name) == name


def test_list_buckets_empty_account_is_empty_frame(s3):
    s3.delete_object(Bucket="seeded-bucket", Key="hello.txt")
    s3.delete_bucket(Bucket="seeded-bucket")
    frame = buckets.list_buckets(s3)
    assert frame.empty and list(frame.columns) == buckets.BUCKET_COLUMNS


def test_list_buckets_with_regions(s3):
    buckets.create_bucket(s3, "in-ireland", region="eu-west-1")
    buckets.create_bucket(s3, "in-seoul", region="ap-northeast-2")
    frame = buckets.with_regions(s3, buckets.list_buckets(s3))
    regions = dict(zip(frame["name"], frame["region"]))
    assert regions == {"seeded-bucket": "us-east-1", "in-ireland": "eu-west-1", "in-seoul": "ap-northeast-2"}
    assert frame["created"].notna().all()


def test_region_denied_on_one_bucket_is_unknown():
    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("get_bucket_location", {"LocationConstraint": "eu-west-1"}, {"Bucket": "open"})
        stub.add_client_error("get_bucket_location", "AccessDenied", http_status_code=403,
                              expected_params={"Bucket": "locked"})
        assert buckets.bucket_region(client, "open") == "eu-west-1"
        assert buckets.bucket_region(client, "locked") == buckets.UNKNOWN_REGION


def test_list_buckets_denied_is_a_sentence():
    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("list_buckets", "AccessDenied", http_status_code=403)
        with pytest.raises(AccessDenied, match="Could not list buckets"):
            buckets.list_buckets(client)


def test_create_bucket_rejects_bad_name_before_any_call():
    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client):  # any call would fail: nothing is stubbed
        with pytest.raises(InvalidInput, match="Only lowercase"):
            buckets.create_bucket(client, "Bad_Name", region="us-east-1")


def test_create_bucket_sends_location_constraint_except_us_east_1():
    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("create_bucket", {}, {"Bucket": "plain"})
        stub.add_response("create_bucket", {}, {"Bucket": "euro", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}})
        buckets.create_bucket(client, "plain", region="us-east-1")
        buckets.create_bucket(client, "euro", region="eu-west-1")
        stub.assert_no_pending_responses()


def test_create_existing_bucket_is_a_conflict(s3):
    europe = boto3.client("s3", region_name="eu-west-1")
    buckets.create_bucket(europe, "twice-made", region="eu-west-1")
    with pytest.raises(Conflict, match="already own a bucket named 'twice-made'"):
        buckets.create_bucket(europe, "twice-made", region="eu-west-1")


def test_count_empty_and_delete_a_versioned_bucket(s3, monkeypatch):
    monkeypatch.setattr(buckets, "DELETE_BATCH", 7)
    s3.create_bucket(Bucket="versioned")
    s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    for i in range(10):
        s3.put_object(Bucket="versioned", Key=f"k{i}", Body=b"1")
        s3.put_object(Bucket="versioned", Key=f"k{i}", Body=b"2")
    s3.delete_object(Bucket="versioned", Key="k0")
    contents = buckets.count_contents(s3, "versioned")
    assert (contents.objects, contents.versions, contents.versioning) == (9, 12, "Enabled")
    with pytest.raises(Conflict, match="not empty"):
        buckets.delete_bucket(s3, "versioned", typed_name="versioned")
    progress = []
    assert buckets.empty_bucket(s3, "versioned", on_progress=progress.append) == 21
    assert progress == [7, 14, 21]
    assert buckets.count_contents(s3, "versioned").is_empty
    buckets.delete_bucket(s3, "versioned", typed_name="versioned")
    assert "versioned" not in buckets.list_buckets(s3)["name"].tolist()


def test_empty_unversioned_bucket(s3):
    for i in range(5):
        s3.put_object(Bucket="seeded-bucket", Key=f"x/{i}", Body=b"")
    assert buckets.count_contents(s3, "seeded-bucket").objects == 6
    assert buckets.empty_bucket(s3, "seeded-bucket") == 6
    assert buckets.count_contents(s3, "seeded-bucket").is_empty


def test_delete_bucket_needs_the_typed_name(s3):
    with pytest.raises(InvalidInput, match="exactly"):
        buckets.delete_bucket(s3, "seeded-bucket", typed_name="seeded")
    assert "seeded-bucket" in buckets.list_buckets(s3)["name"].tolist()
