"""core.sharing: public URLs, expiry, policies, index pages, upload links."""

import datetime as dt
import json
import urllib.parse

import boto3
import pytest
from moto import mock_aws

from core import connection, sharing
from core.connection import Mode
from core.errors import InvalidInput
from tests.helpers import HtmlAudit

SPECIAL_KEYS = ["a b.csv", "plus+sign.csv", "hash#tag.csv", "what?.csv", "100%.csv", "ünï/日本.csv"]


@pytest.mark.parametrize(
    ("bucket", "key", "kwargs", "url"),
    [
        ("reports", "a.csv", {"region": "us-east-1"}, "https://reports.s3.us-east-1.amazonaws.com/a.csv"),
        ("reports", "y/a.csv", {"region": "eu-west-1"}, "https://reports.s3.eu-west-1.amazonaws.com/y/a.csv"),
        ("reports", "a.csv", {"region": "ap-northeast-2"}, "https://reports.s3.ap-northeast-2.amazonaws.com/a.csv"),
        ("my.dotted.bucket", "a.csv", {"region": "eu-west-1"}, "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/a.csv"),
        ("reports", "a.csv", {"endpoint_url": "http://127.0.0.1:9000/"}, "http://127.0.0.1:9000/reports/a.csv"),
        ("reports", "x/a b.csv", {"base_url": "https://cdn.example.com/"}, "https://cdn.example.com/x/a%20b.csv"),
        ("reports", "a b+c#d?e%f.csv", {"region": "us-east-1"}, "https://reports.s3.us-east-1.amazonaws.com/a%20b%2Bc%23d%3Fe%25f.csv"),
        ("reports", "ü/日.csv", {"region": "us-east-1"}, "https://reports.s3.us-east-1.amazonaws.com/%C3%BC/%E6%97%A5.csv"),
        ("reports", "a.csv", {}, "https://reports.s3.us-east-1.amazonaws.com/a.csv"),
    ],
)
def test_public_url(bucket, key, kwargs, url):
    assert sharing.public_url(bucket, key, **kwargs) == url


@pytest.mark.parametrize(("amount", "unit", "seconds"), [(1, "minutes", 60), (1.5, "hours", 5400), (7, "days", 604_800)])
def test_expiry_seconds(amount, unit, seconds):
    assert sharing.expiry_seconds(amount, unit) == seconds


@pytest.mark.parametrize(("amount", "unit"), [(0, "minutes"), (-1, "hours"), (8, "days"), (604_801 / 60, "minutes")])
def test_expiry_out_of_range_is_refused_with_a_message(amount, unit):
    with pytest.raises(InvalidInput, match="between 1 second and 7 days"):
        sharing.expiry_seconds(amount, unit)


@pytest.mark.parametrize("seconds", [0, -5, sharing.MAX_PRESIGN_SECONDS + 1])
def test_presign_refuses_out_of_range_expiry(s3, seconds):
    with pytest.raises(InvalidInput, match="between 1 second and 7 days"):
        sharing.presigned_download_url(s3, "seeded-bucket", "hello.txt", expires_in=seconds)
    with pytest.raises(InvalidInput, match="between 1 second and 7 days"):
        sharing.presigned_upload(s3, "seeded-bucket", "in/", max_bytes=10, expires_in=seconds)


def test_expires_at():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert sharing.expires_at(3600, now=now) == dt.datetime(2026, 1, 1, 1, tzinfo=dt.timezone.utc)


def sigv4_client():
    return connection.make_client(connection.make_settings(Mode.KEYS, access_key_id="AKIDTEST", secret_access_key="s"))


def test_presigned_download_url_signs_expiry_and_filename():
    url = sharing.presigned_download_url(sigv4_client(), "seeded-bucket", "a b#c.txt", expires_in=600,
                                         filename='rép"ort.txt', content_type="text/plain")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["response-content-disposition"] == ["attachment; filename=\"r_p_ort.txt\"; filename*=UTF-8''r%C3%A9p%22ort.txt"]
    assert query["response-content-type"] == ["text/plain"]
    assert "/a%20b%23c.txt" in url


def test_public_prefix_statement_is_pure_json():
    statement = sharing.public_prefix_statement("bkt", "public/reports/")
    assert statement == {
        "Sid": "S3WorkbenchPublicReadpublicreports", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/public/reports/*",
    }


@mock_aws
def test_policy_with_public_prefix_keeps_other_statements_and_replaces_its_own():
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="bkt")
    assert sharing.policy_with_public_prefix(client, "bkt", "p/")["Statement"] == [sharing.public_prefix_statement("bkt", "p/")]
    other = {"Sid": "Theirs", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::bkt/*"}
    client.put_bucket_policy(Bucket="bkt", Policy=json.dumps({"Version": "2012-10-17", "Statement": [other]}))
    sharing.apply_bucket_policy(client, "bkt", sharing.policy_with_public_prefix(client, "bkt", "p/"))
    again = sharing.policy_with_public_prefix(client, "bkt", "p/")
    assert [s["Sid"] for s in again["Statement"]] == ["Theirs", "S3WorkbenchPublicReadp"]


def test_folder_index_escapes_names_and_drops_unsafe_links():
    rows = [
        ("<script>alert(1)</script>.csv", "https://x/1", "2026-01-01 00:00", 1),
        ('"><img src=x onerror=alert(1)>.csv', "https://x/2", "2026-01-01 00:00", 2),
        ("evil.csv", "javascript:alert(1)", "2026-01-01 00:00", 3),
        ("ok.csv", "ok.csv", "2026-01-01 00:00", 4),
    ]
    page = sharing.folder_index_html("<b>title</b>", rows)
    audit = HtmlAudit(page)
    assert audit.scripts == 0 and audit.handlers == []
    assert audit.hrefs == ["https://x/1", "https://x/2", "ok.csv"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    assert "&lt;b&gt;title&lt;/b&gt;" in page


def test_upload_form_and_curl_are_escaped():
    link = sharing.UploadLink("https://b.s3.amazonaws.com/", {"key": 'in/"x"${filename}', "policy": "p<>"}, "in/<x>", 10, 60)
    form = sharing.upload_form_html(link)
    assert 'value="in/&quot;x&quot;${filename}"' in form and "p&lt;&gt;" in form and "in/&lt;x&gt;" in form
    curl = sharing.curl_command(link, "my file.csv")
    assert "-F 'key=in/\"x\"${filename}'" in curl and "-F 'file=@my file.csv'" in curl


def test_read_csv_snippet_quotes_the_url():
    assert sharing.read_csv_snippet("https://x/a'b.csv") == 'import pandas as pd\n\ndf = pd.read_csv("https://x/a\'b.csv")'
