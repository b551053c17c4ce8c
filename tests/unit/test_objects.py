"""core.objects: paging, folders, awkward keys, details, previews, delete."""

import io
import json

import pandas as pd
import pytest

from core import objects
from core.errors import InvalidInput, NotFound

AWKWARD_KEYS = ["with space.csv", "plus+sign.txt", "percent%20.txt", "hash#tag.txt", "ünïcødé-日本.txt", "q?mark.txt"]


@pytest.fixture
def many_keys(s3, monkeypatch):
    """1 200 objects and 3 folders in one bucket; moto pages at 100 keys to keep it fast."""
    monkeypatch.setenv("MOTO_S3_DEFAULT_MAX_KEYS", "100")
    s3.create_bucket(Bucket="big")
    for i in range(1_200):
        s3.put_object(Bucket="big", Key=f"data/part-{i:05d}.csv", Body=b"a,b\n1,2\n")
    for folder in ("alpha", "beta", "gamma"):
        s3.put_object(Bucket="big", Key=f"data/{folder}/inner.txt", Body=b"x")
    return s3


def test_list_page_over_1000_keys_pages_with_tokens(many_keys):
    first = objects.list_page(many_keys, "big", "data/")
    assert first.has_more
    assert len(first.entries) == objects.LIST_PAGE_SIZE
    pages = [first]
    while pages[-1].has_more:
        pages.append(objects.list_page(many_keys, "big", "data/", token=pages[-1].next_token))
    table = objects.combine_pages(pages)
    assert len(table) == 1_203
    assert table["is_folder"].tolist()[:3] == [True, True, True]
    assert table["name"].tolist()[:3] == ["alpha/", "beta/", "gamma/"]
    assert table["key"].is_unique


def test_list_page_respects_page_size(many_keys):
    page = objects.list_page(many_keys, "big", "data/", page_size=50)
    assert len(page.entries) == 50 and page.has_more


def test_awkward_keys_round_trip(s3):
    for key in AWKWARD_KEYS:
        s3.put_object(Bucket="seeded-bucket", Key=f"odd/{key}", Body=key.encode())
    table = objects.list_page(s3, "seeded-bucket", "odd/").entries
    assert sorted(table["name"]) == sorted(AWKWARD_KEYS)
    for key in AWKWARD_KEYS:
        assert objects.read_all(s3, "seeded-bucket", f"odd/{key}") == key.encode()
        assert objects.head(s3, "seeded-bucket", f"odd/{key}").size == len(key.encode())


def test_empty_bucket_lists_an_empty_table(s3):
    s3.create_bucket(Bucket="empty")
    page = objects.list_page(s3, "empty")
    assert page.entries.empty and list(page.entries.columns) == objects.LISTING_COLUMNS
    assert not page.has_more
    assert objects.combine_pages([]).empty


def test_list_missing_bucket_is_not_found(s3):
    with pytest.raises(NotFound, match="does not exist"):
        objects.list_page(s3, "no-such-bucket")


def test_breadcrumbs_and_parent():
    assert objects.breadcrumbs("a/b/") == [("/", ""), ("a", "a/"), ("b", "a/b/")]
    assert objects.parent_prefix("a/b/") == "a/"
    assert objects.parent_prefix("a/") == ""
    assert objects.parent_prefix("") == ""


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "must not be empty"), ("x" * 1025, "at most 1024 bytes"), ("é" * 513, "at most 1024 bytes"),
     ("a\nb", "control characters"), ("tab\there", "control characters")],
)
def test_validate_key(key, message):
    with pytest.raises(InvalidInput, match=message):
        objects.validate_key(key)


def test_head_reports_metadata(s3):
    s3.put_object(Bucket="seeded-bucket", Key="m.csv", Body=b"a\n", ContentType="text/csv",
                  Metadata={"owner": "analytics"}, ServerSideEncryption="AES256")
    details = objects.head(s3, "seeded-bucket", "m.csv")
    assert (details.size, details.content_type, details.encryption) == (2, "text/csv", "AES256")
    assert details.metadata == {"owner": "analytics"}
    assert len(details.etag) == 32
    grants = objects.grants(s3, "seeded-bucket", "m.csv")
    assert list(grants["permission"]) == ["FULL_CONTROL"]


def test_head_missing_object(s3):
    with pytest.raises(NotFound):
        objects.head(s3, "seeded-bucket", "nope.txt")


def _csv(rows: int, sep: str = ",") -> bytes:
    frame = pd.DataFrame({"id": range(rows), "name": [f"n{i}" for i in range(rows)], "v": [i * 1.5 for i in range(rows)]})
    return frame.to_csv(index=False, sep=sep).encode()


def test_csv_preview_uses_a_ranged_get_for_big_files(s3, monkeypatch):
    body = _csv(50_000)
    assert len(body) > objects.PREVIEW_BYTES
    s3.put_object(Bucket="seeded-bucket", Key="big.csv", Body=body)
    ranges = []
    s3.meta.events.register("before-parameter-build.s3.GetObject", lambda params, **kw: ranges.append(params.get("Range")))
    shown = objects.preview(s3, "seeded-bucket", "big.csv", size=len(body))
    assert shown.kind == "table"
    assert len(shown.table) == objects.PREVIEW_ROWS
    assert list(shown.table.columns) == ["id", "name", "v"]
    assert ranges == [f"bytes=0-{objects.PREVIEW_BYTES - 1}"]


@pytest.mark.parametrize(("key", "sep"), [("semi.csv", ";"), ("tabs.tsv", "\t"), ("pipes.csv", "|")])
def test_csv_preview_sniffs_the_delimiter(s3, key, sep):
    body = _csv(5, sep=sep)
    s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
    shown = objects.preview(s3, "seeded-bucket", key, size=len(body))
    assert shown.kind == "table" and list(shown.table.columns) == ["id", "name", "v"]
    assert "all 5 rows" in shown.note


def test_json_text_image_and_unknown_previews(s3):
    png = bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 20
    files = {
        "d.json": (json.dumps({"b": [1, 2]}).encode(), "json"),
        "broken.json": (b"{not json", "text"),
        "page.html": (b"<script>alert(1)</script>", "text"),
        "pic.svg": (b"<svg onload='alert(1)'/>", "text"),
        "notes.txt": ("héllo".encode(), "text"),
        "pic.png": (png, "image"),
        "blob.bin": (b"\x00\x01", "none"),
    }
    for key, (body, kind) in files.items():
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
        shown = objects.preview(s3, "seeded-bucket", key, size=len(body))
        assert shown.kind == kind, key
    assert '"b": [' in objects.preview(s3, "seeded-bucket", "d.json", size=14).text
    assert objects.preview(s3, "seeded-bucket", "page.html", size=25).text == "<script>alert(1)</script>"
    assert objects.preview(s3, "seeded-bucket", "pic.png", size=len(png)).image == png
    assert "No preview" in objects.preview(s3, "seeded-bucket", "blob.bin", size=2).note


def test_parquet_preview(s3):
    buffer = io.BytesIO()
    pd.DataFrame({"x": range(500), "y": ["a"] * 500}).to_parquet(buffer)
    s3.put_object(Bucket="seeded-bucket", Key="t.parquet", Body=buffer.getvalue())
    shown = objects.preview(s3, "seeded-bucket", "t.parquet", size=len(buffer.getvalue()))
    assert shown.kind == "table" and len(shown.table) == objects.PREVIEW_ROWS
    assert "of 500 rows" in shown.note


def test_zero_byte_object_has_no_preview(s3):
    s3.put_object(Bucket="seeded-bucket", Key="empty.csv", Body=b"")
    assert objects.preview(s3, "seeded-bucket", "empty.csv", size=0).kind == "none"


def test_delete_objects_in_batches_with_a_result_per_key(s3, monkeypatch):
    monkeypatch.setattr(objects, "DELETE_BATCH", 2)
    keys = [f"del/{i}" for i in range(5)]
    for key in keys:
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=b"")
    calls = []
    s3.meta.events.register("before-call.s3.DeleteObjects", lambda **kw: calls.append(1))
    results = objects.delete_objects(s3, "seeded-bucket", keys)
    assert results["key"].tolist() == keys and results["deleted"].all()
    assert len(calls) == 3
    assert objects.list_page(s3, "seeded-bucket", "del/").entries.empty


def test_delete_objects_reports_failures_per_key():
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("delete_objects", {
            "Deleted": [{"Key": "ok"}],
            "Errors": [{"Key": "locked", "Code": "AccessDenied", "Message": "Access Denied"}],
        })
        results = objects.delete_objects(client, "b", ["ok", "locked"])
    assert results.set_index("key")["deleted"].to_dict() == {"ok": True, "locked": False}
    assert "AccessDenied" in results.set_index("key").loc["locked", "error"]


def test_zip_of_selected_objects_names_them_below_the_folder(s3):
    bodies = {"z/a.csv": b"a,b\n1,2\n" * 1000, "z/sub/b.txt": b"hello", "z/../up.txt": b"climb", "z/./sub/b.txt": b"dot"}
    for key, body in bodies.items():
        s3.put_object(Bucket="seeded-bucket", Key=key, Body=body)
    data = objects.zip_objects(s3, "seeded-bucket", list(bodies), folder="z/")
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
        assert archive.getinfo("a.csv").compress_size < len(bodies["z/a.csv"]) / 10  # text is compressed
    assert contents == {"a.csv": bodies["z/a.csv"], "sub/b.txt": b"hello", "up.txt": b"climb", "sub/b (2).txt": b"dot"}


def test_zip_names_the_object_that_could_not_be_read(s3):
    with pytest.raises(NotFound, match="gone.txt"):
        objects.zip_objects(s3, "seeded-bucket", ["hello.txt", "gone.txt"])
