"""AppTest of the Share page: expiry guard, links table, upload link, folder index, ACL-less bucket."""

import boto3
import pytest
from moto import mock_aws

from core import connection
from core.connection import Mode
from tests.pages.conftest import button, open_page, page_text, plain


@pytest.fixture
def settings():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="team")
        client.put_object(Bucket="team", Key="docs/<b>notes<b>.csv", Body=b"a,b\n1,2\n")
        client.put_object(Bucket="team", Key="docs/plain.csv", Body=b"a\n1\n")
        yield connection.make_settings(Mode.KEYS, access_key_id="AKIDSHARE", secret_access_key="s")


def share(settings):
    return open_page("pages/share.py", connection_settings=settings, share_folder="docs/")


@pytest.mark.parametrize(("amount", "unit"), [(0.0, "hours"), (8.0, "days"), (10081.0, "minutes")])
def test_out_of_range_expiry_is_refused_with_a_message(settings, amount, unit):
    at = share(settings)
    at.number_input(key="share_download_amount").set_value(amount)
    at.selectbox(key="share_download_unit").set_value(unit)
    button(at, "Create download link").click().run()
    assert not at.exception
    assert "must expire between 1 second and 7 days" in plain(at.error[0].value)
    assert "links_made" not in at.session_state


def test_download_link_is_listed_with_a_pandas_snippet(settings):
    at = share(settings)
    button(at, "Create download link").click().run()
    assert not at.exception
    assert "Valid until" in page_text(at)
    made = at.session_state["links_made"]
    assert [(m["object"], m["kind"]) for m in made] == [("team/docs/<b>notes<b>.csv", "download")]
    assert any("pd.read_csv(" in block.value for block in at.code)


def test_upload_link_gives_curl_and_form(settings):
    at = share(settings)
    button(at, "Create upload link").click().run()
    assert not at.exception
    codes = [block.value for block in at.code]
    assert any(code.startswith("curl -i -X POST") for code in codes)
    assert any('<form action="https://team.s3.amazonaws.com/"' in code for code in codes)


def test_publish_folder_index(settings):
    at = open_page("pages/share.py", connection_settings=settings, share_index_folder="docs/")
    button(at, "Publish the index page").click().run()
    assert not at.exception
    assert "Published docs/index.html." in page_text(at)
    page = boto3.client("s3", region_name="us-east-1").get_object(Bucket="team", Key="docs/index.html")
    assert page["ContentType"].startswith("text/html")
    body = page["Body"].read().decode()
    assert "&lt;b&gt;notes&lt;b&gt;.csv" in body and "<b>notes" not in body


def test_acl_disabled_bucket_explains_and_offers_the_policy(settings):
    boto3.client("s3", region_name="us-east-1").put_bucket_ownership_controls(
        Bucket="team", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    at = share(settings)
    assert not at.exception
    assert "ACLs disabled" in plain(at.warning[0].value)
    assert any('"Resource": "arn:aws:s3:::team/docs/*"' in block.value for block in at.code)
    assert button(at, "Apply this bucket policy").disabled
    at.checkbox(key="share_policy_confirm").check().run()
    button(at, "Apply this bucket policy").click().run()
    assert "Bucket policy applied: everything under 'docs/' is public." in page_text(at)
    policy = boto3.client("s3", region_name="us-east-1").get_bucket_policy(Bucket="team")["Policy"]
    assert "arn:aws:s3:::team/docs/*" in policy
