"""core.transfer: content types, plans, metadata, concurrent uploads with progress, failures."""

import base64
import importlib.util
import io
import zlib

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from core import transfer
from core.errors import InvalidInput
from core.transfer import UploadJob, UploadOptions


@pytest.mark.parametrize(
    ("name", "expected"),
    [("data.csv", "text/csv"), ("DATA.CSV", "text/csv"), ("t.tsv", "text/tab-separated-values"),
     ("p.parquet", "application/vnd.apache.parquet"), ("d.json", "application/json"),
     ("r.html", "text/html"), ("i.png", "image/png"), ("i.jpg", "image/jpeg"), ("i.webp", "image/webp"),
     ("notes.txt", "text/plain"), ("a.pdf", "application/pdf"), ("x.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("archive.gz", "application/gzip"),
     ("no_suffix", "application/octet-stream"), ("weird.zzzq", "application/octet-stream")],
)
def test_guess_content_type(name, expected):
    assert transfer.guess_content_type(name) == expected


@pytest.mark.parametrize(("prefix", "name", "key"), [
    ("", "a.csv", "a.csv"), ("up", "a.csv", "up/a.csv"), ("up/", "a.csv", "up/a.csv"),
    ("/up/x/", "a.csv", "up/x/a.csv"), (" up ", "a b.csv", "up/a b.csv"),
])
def test_join_key(prefix, name, key):
    assert transfer.join_key(prefix, name) == key


def test_plan_and_its_problems():
    plan = transfer.plan_uploads([("a.csv", 3), ("b.png", 5)], "in/")
    assert plan.to_dict("records") == [
        {"file": "a.csv", "key": "in/a.csv", "size": 3, "content_type": "text/csv"},
        {"file": "b.png", "key": "in/b.png", "size": 5, "content_type": "image/png"},
    ]
    assert transfer.plan_problems(plan) == []
    plan.loc[1, "key"] = "in/a.csv"
    assert transfer.plan_problems(plan) == ["Two files would be stored as 'in/a.csv'; rename one."]
    plan.loc[1, "key"] = ""
    assert "must not be empty" in transfer.plan_problems(plan)[0]


def test_plan_warns_about_empty_files():
    plan = transfer.plan_uploads([("empty.csv", 0), ("full.csv", 5)], "")
    assert transfer.plan_warnings(plan) == ["empty.csv is empty (0 bytes): it will be stored as an empty object."]
    assert transfer.plan_problems(plan) == []


def test_plan_rejects_long_and_control_keys():
    plan = transfer.plan_uploads([("a.csv", 1), ("b.csv", 1)], "")
    plan.loc[0, "key"] = "x" * 1025
    plan.loc[1, "key"] = "bad\tname.csv"
    problems = transfer.plan_problems(plan)
    assert "at most 1024 bytes" in problems[0] and "control characters" in problems[1]


def test_parse_metadata():
    assert transfer.parse_metadata("Owner = team-a\n\nproject=x=y") == (("owner", "team-a"), ("project", "x=y"))
    for bad in ("novalue", "bad name=1", "=x", "k=é"):
        with pytest.raises(InvalidInput):
            transfer.parse_metadata(bad)


def run(client, bucket, jobs, options=UploadOptions()):
    events = list(transfer.upload_many(client, bucket, jobs, options))
    progress = [e for e in events if isinstance(e, transfer.Progress)]
    results = {e.key: e for e in events if isinstance(e, transfer.UploadResult)}
    return progress, results


def test_multipart_upload_of_20_mb_reports_progress_to_100_percent(s3, monkeypatch):
    monkeypatch.setattr(transfer, "POLL_INTERVAL", 0.01)
    data = bytes(range(256)) * (20 * 1024 * 4)
    assert len(data) == 20 * 1024 * 1024
    parts, completed = [], []
    s3.meta.events.register("before-call.s3.UploadPart", lambda **kw: parts.append(1))
    s3.meta.events.register("provide-client-params.s3.CompleteMultipartUpload",
                            lambda params, **kw: completed.extend(params["MultipartUpload"]["Parts"]))
    progress, results = run(s3, "seeded-bucket", [UploadJob("big.bin", io.BytesIO(data), len(data), "application/octet-stream")],
                            UploadOptions(checksum_algorithm="SHA256"))
    assert len(parts) == 3, "8 MB parts: 8 + 8 + 4"
    assert [p["PartNumber"] for p in completed] == [1, 2, 3]
    assert all(p.get("ChecksumSHA256") for p in completed), "S3 needs each part's checksum back"
    assert progress[-1].done_bytes == len(data) == progress[-1].total
    assert [p.done_bytes for p in progress] == sorted(p.done_bytes for p in progress)
    result = results["big.bin"]
    part_sums = [transfer.part_checksum("SHA256", data[i:i + 8 * 1024 * 1024]) for i in range(0, len(data), 8 * 1024 * 1024)]
    assert [p["ChecksumSHA256"] for p in completed] == part_sums, "what S3 stored is what we computed"
    assert result.ok and result.size == len(data)
    assert result.checksum == "SHA256 " + transfer.composite_checksum("SHA256", part_sums)
    assert result.checksum.endswith("-3")
    assert s3.get_object(Bucket="seeded-bucket", Key="big.bin")["Body"].read() == data


def test_multipart_upload_is_checked_by_the_answers_without_reading_the_object_back(s3):
    data = b"q" * (9 * 1024 * 1024)
    calls = []
    s3.meta.events.register("before-call.s3.*", lambda model, **kw: calls.append(model.name))
    _, results = run(s3, "seeded-bucket", [UploadJob("two-parts.bin", io.BytesIO(data), len(data), "")])
    assert results["two-parts.bin"].ok and results["two-parts.bin"].checksum.startswith("CRC32 ")
    assert sorted(calls) == ["CompleteMultipartUpload", "CreateMultipartUpload", "UploadPart", "UploadPart"]


def test_part_stored_differently_from_what_was_sent_fails_the_file_and_aborts(s3):
    data = b"w" * (9 * 1024 * 1024)

    def corrupt(parsed, model, **kw):  # a server (or a proxy) that changed the bytes on the way
        if "ChecksumCRC32" in parsed:
            parsed["ChecksumCRC32"] = "AAAAAA=="
    s3.meta.events.register("after-call.s3.UploadPart", corrupt)
    _, results = run(s3, "seeded-bucket", [UploadJob("bent.bin", io.BytesIO(data), len(data), "")])
    assert not results["bent.bin"].ok
    assert "stored part" in results["bent.bin"].error and "differently" in results["bent.bin"].error
    assert s3.list_multipart_uploads(Bucket="seeded-bucket").get("Uploads", []) == []
    assert "Contents" not in s3.list_objects_v2(Bucket="seeded-bucket", Prefix="bent.bin")


def test_file_shorter_than_announced_fails_and_leaves_no_parts(s3):
    data = b"s" * (12 * 1024 * 1024)  # the browser announced 20 MB, then the stream ended
    _, results = run(s3, "seeded-bucket", [UploadJob("short.bin", io.BytesIO(data), 20 * 1024 * 1024, "")])
    assert not results["short.bin"].ok and "ended early" in results["short.bin"].error
    assert s3.list_multipart_uploads(Bucket="seeded-bucket").get("Uploads", []) == []
    assert "Contents" not in s3.list_objects_v2(Bucket="seeded-bucket", Prefix="short.bin")


def test_composite_checksum_matches_s3s_documented_form():
    # CRC32 of the two parts' raw CRC32s, base64, then the part count
    a, b = transfer.part_checksum("CRC32", b"a"), transfer.part_checksum("CRC32", b"b")
    assert a == base64.b64encode(zlib.crc32(b"a").to_bytes(4, "big")).decode()
    joined = base64.b64decode(a) + base64.b64decode(b)
    assert transfer.composite_checksum("CRC32", [a, b]) == base64.b64encode(zlib.crc32(joined).to_bytes(4, "big")).decode() + "-2"
    assert transfer.part_checksum("CRC32C", b"a") == "" and transfer.composite_checksum("CRC32C", [a]) == ""
    assert "CRC32C" not in transfer.CHECKSUM_ALGORITHMS or importlib.util.find_spec("awscrt")


def test_options_reach_the_stored_object(s3):
    options = UploadOptions(cache_control="max-age=60", content_disposition="attachment",
                            metadata=(("owner", "me"),), storage_class="STANDARD_IA")
    _, results = run(s3, "seeded-bucket", [UploadJob("o.csv", io.BytesIO(b"a\n"), 2, "text/csv")], options)
    assert results["o.csv"].ok
    head = s3.head_object(Bucket="seeded-bucket", Key="o.csv")
    assert (head["ContentType"], head["CacheControl"], head["ContentDisposition"]) == ("text/csv", "max-age=60", "attachment")
    assert head["Metadata"] == {"owner": "me"} and head["StorageClass"] == "STANDARD_IA"


class BreaksHalfway(io.BytesIO):
    """A file whose read fails after ``limit`` bytes, like a dropped browser upload."""

    def __init__(self, data: bytes, limit: int) -> None:
        super().__init__(data)
        self.limit = limit

    def read(self, size=-1):
        if self.tell() >= self.limit:
            raise OSError("connection reset while reading the upload")
        return super().read(size)


def test_failed_multipart_upload_leaves_no_parts_and_others_carry_on(s3):
    big = b"z" * (20 * 1024 * 1024)
    jobs = [
        UploadJob("good-1.txt", io.BytesIO(b"one"), 3, "text/plain"),
        UploadJob("broken.bin", BreaksHalfway(big, 9 * 1024 * 1024), len(big), "application/octet-stream"),
        UploadJob("good-2.txt", io.BytesIO(b"two"), 3, "text/plain"),
    ]
    _, results = run(s3, "seeded-bucket", jobs)
    assert results["good-1.txt"].ok and results["good-2.txt"].ok
    assert not results["broken.bin"].ok
    assert "Could not upload 'broken.bin'" in results["broken.bin"].error
    assert s3.list_multipart_uploads(Bucket="seeded-bucket").get("Uploads", []) == []
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="seeded-bucket")["Contents"]]
    assert "broken.bin" not in keys


def test_server_refusing_a_part_is_aborted_and_explained(s3):
    calls = []

    def refuse_second_part(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "UploadPart")

    s3.meta.events.register("before-call.s3.UploadPart", refuse_second_part)
    data = b"q" * (20 * 1024 * 1024)
    _, results = run(s3, "seeded-bucket", [UploadJob("denied.bin", io.BytesIO(data), len(data), "")])
    assert "access denied" in results["denied.bin"].error
    assert s3.list_multipart_uploads(Bucket="seeded-bucket").get("Uploads", []) == []


def test_bad_key_is_refused_before_anything_is_sent(s3):
    with pytest.raises(InvalidInput, match="control characters"):
        run(s3, "seeded-bucket", [UploadJob("bad\nkey", io.BytesIO(b""), 0, "")])


def test_zero_byte_file_uploads(s3):
    _, results = run(s3, "seeded-bucket", [UploadJob("empty.txt", io.BytesIO(b""), 0, "text/plain")])
    assert results["empty.txt"].ok and results["empty.txt"].size == 0


def test_existing_keys(s3):
    assert transfer.existing_keys(s3, "seeded-bucket", ["hello.txt", "new.txt"]) == {"hello.txt"}


def test_acl_disabled_bucket_gives_the_explanation_and_private_still_works():
    """ACLs disabled: public-read is refused with AccessControlListNotSupported, private works."""
    from botocore.stub import Stubber

    from core import sharing

    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("get_bucket_ownership_controls",
                          {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}})
        stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}})
        access = sharing.public_access(client, "modern-bucket")
        stub.add_client_error("put_object", "AccessControlListNotSupported", http_status_code=400)
        stub.add_response("put_object", {"ETag": '"x"', "ChecksumCRC32": "AAAA"})
        _, public = run(client, "modern-bucket", [UploadJob("p.csv", io.BytesIO(b"a\n"), 2, "text/csv")],
                        UploadOptions(public=True))
        _, private = run(client, "modern-bucket", [UploadJob("p.csv", io.BytesIO(b"a\n"), 2, "text/csv")])
    assert access.acls_enabled is False and access.public_acl_possible is False
    assert "ACLs disabled" in access.explanation() and "presigned link" in access.explanation()
    assert "ACLs disabled" in public["p.csv"].error and "presigned link" in public["p.csv"].error
    assert private["p.csv"].ok and private["p.csv"].checksum == "CRC32 AAAA"


def test_public_access_unknown_when_denied():
    from botocore.stub import Stubber

    from core import sharing

    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("get_bucket_ownership_controls", "AccessDenied", http_status_code=403)
        stub.add_client_error("get_public_access_block", "NoSuchPublicAccessBlockConfiguration", http_status_code=404)
        access = sharing.public_access(client, "old-bucket")
    assert access.acls_enabled is None and access.public_acls_blocked is False
    assert access.public_acl_possible is None
    assert "may fail" in access.explanation()


@mock_aws
def test_public_access_of_a_legacy_bucket_allows_acls():
    from core import sharing

    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="legacy")
    access = sharing.public_access(client, "legacy")
    assert access.public_acl_possible is True and access.explanation() == ""


def test_small_files_cost_one_request_each_and_carry_the_servers_checksum(s3):
    calls = []
    s3.meta.events.register("before-call.s3", lambda model, **kw: calls.append(model.name))
    jobs = [UploadJob(f"small/{n}.txt", io.BytesIO(b"x" * 100), 100, "text/plain") for n in range(20)]
    progress, results = run(s3, "seeded-bucket", jobs)
    assert calls == ["PutObject"] * 20
    assert all(r.ok and r.size == 100 and r.checksum.startswith("CRC32 ") for r in results.values())
    assert progress[-1].done_bytes == 2000


def test_small_file_failing_while_read_is_reported_and_not_stored(s3):
    jobs = [UploadJob("broken.txt", BreaksHalfway(b"a" * 1000, 0), 1000, "text/plain"),
            UploadJob("fine.txt", io.BytesIO(b"ok"), 2, "text/plain")]
    _, results = run(s3, "seeded-bucket", jobs)
    assert results["fine.txt"].ok
    assert not results["broken.txt"].ok and "reading the file failed" in results["broken.txt"].error
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="seeded-bucket")["Contents"]]
    assert "broken.txt" not in keys
