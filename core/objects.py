"""Objects: one-page listings with folders, details, previews, reading and deleting."""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import io
import json
import zipfile

import pandas as pd
from botocore.exceptions import ClientError

from core.errors import InvalidInput, s3_errors

LIST_PAGE_SIZE = 1_000  # keys per ListObjectsV2 request (the S3 maximum)
DELETE_BATCH = 1_000  # keys per DeleteObjects request (the S3 maximum)
MAX_KEY_BYTES = 1_024  # S3's limit on a key's UTF-8 length
ZIP_THREADS = 16  # concurrent GETs while building a .zip of selected objects (≤ the pool of 32)
PREVIEW_BYTES = 256 * 1024  # ranged GET for table and text previews
PREVIEW_ROWS = 100  # rows shown in a table preview
JSON_PREVIEW_LIMIT = 2 * 1024 * 1024  # bytes parsed whole as JSON
IMAGE_PREVIEW_LIMIT = 10 * 1024 * 1024  # bytes fetched to show an image
PARQUET_PREVIEW_LIMIT = 64 * 1024 * 1024  # bytes fetched to read a parquet file's first rows

LISTING_COLUMNS = ["name", "key", "is_folder", "size", "last_modified", "storage_class"]
DELETE_COLUMNS = ["key", "deleted", "error"]
GRANT_COLUMNS = ["grantee", "permission"]

TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
TEXT_SUFFIXES = {
    ".txt", ".md", ".log", ".py", ".sql", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".xml",
    ".html", ".htm", ".svg", ".js", ".css", ".sh", ".r", ".ipynb",
}  # fmt: skip
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def validate_key(key: str) -> str:
    """Return the key if S3 can store it; raise InvalidInput saying what is wrong."""
    if not key:
        raise InvalidInput("An object key must not be empty.")
    if len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidInput(f"An object key must be at most {MAX_KEY_BYTES} bytes in UTF-8.")
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise InvalidInput("An object key must not contain control characters (tabs, newlines…).")
    return key


@dataclasses.dataclass(frozen=True)
class ListingPage:
    """One ListObjectsV2 response: folders and objects at one level, and where to go on."""

    entries: pd.DataFrame  # LISTING_COLUMNS; folders first
    next_token: str  # "" when this was the last page

    @property
    def has_more(self) -> bool:
        """True when S3 said more keys follow this page."""
        return bool(self.next_token)


def list_page(
    client, bucket: str, prefix: str = "", *, token: str = "", page_size: int = LIST_PAGE_SIZE
) -> ListingPage:
    """One list request: the folders and objects directly under ``prefix``."""
    kwargs = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": page_size}
    if token:
        kwargs["ContinuationToken"] = token
    with s3_errors(f"list '{prefix or '/'}' in bucket '{bucket}'", bucket=bucket):
        response = client.list_objects_v2(**kwargs)
    folders = [p["Prefix"] for p in response.get("CommonPrefixes", [])]
    objects = response.get("Contents", [])
    entries = pd.DataFrame(
        {
            "name": [f[len(prefix):] for f in folders] + [o["Key"][len(prefix):] for o in objects],
            "key": folders + [o["Key"] for o in objects],
            "is_folder": [True] * len(folders) + [False] * len(objects),
            "size": pd.array([None] * len(folders) + [o.get("Size", 0) for o in objects], dtype="Int64"),
            "last_modified": pd.to_datetime(
                [None] * len(folders) + [o.get("LastModified") for o in objects], utc=True
            ),
            "storage_class": [""] * len(folders) + [o.get("StorageClass", "STANDARD") for o in objects],
        },
        columns=LISTING_COLUMNS,
    )
    token = response.get("NextContinuationToken", "") if response.get("IsTruncated") else ""
    return ListingPage(entries, token)


def combine_pages(pages: list[ListingPage]) -> pd.DataFrame:
    """Entries of several pages as one table, folders first, each group in key order."""
    if not pages:
        return pd.DataFrame(columns=LISTING_COLUMNS)
    frame = pd.concat([p.entries for p in pages], ignore_index=True)
    return frame.sort_values(["is_folder", "key"], ascending=[False, True], ignore_index=True)


def parent_prefix(prefix: str) -> str:
    """The folder above ``a/b/`` is ``a/``; above ``a/`` is the bucket root ``""``."""
    trimmed = prefix.rstrip("/")
    return trimmed.rsplit("/", 1)[0] + "/" if "/" in trimmed else ""


def breadcrumbs(prefix: str) -> list[tuple[str, str]]:
    """(label, prefix) for each folder level of ``prefix``, the root first."""
    crumbs = [("/", "")]
    path = ""
    for part in [p for p in prefix.split("/") if p]:
        path += part + "/"
        crumbs.append((part, path))
    return crumbs


@dataclasses.dataclass(frozen=True)
class ObjectDetails:
    """What HeadObject says about one object."""

    key: str
    size: int
    content_type: str
    etag: str
    last_modified: pd.Timestamp
    storage_class: str
    encryption: str
    metadata: dict[str, str]


def head(client, bucket: str, key: str) -> ObjectDetails:
    """The object's metadata (one HeadObject request)."""
    with s3_errors(f"read the details of '{key}'", bucket=bucket, key=key):
        response = client.head_object(Bucket=bucket, Key=key)
    return ObjectDetails(
        key=key,
        size=response.get("ContentLength", 0),
        content_type=response.get("ContentType", ""),
        etag=response.get("ETag", "").strip('"'),
        last_modified=pd.Timestamp(response["LastModified"]) if "LastModified" in response else pd.NaT,
        storage_class=response.get("StorageClass", "STANDARD"),
        encryption=response.get("ServerSideEncryption", "") or "none",
        metadata=dict(response.get("Metadata", {})),
    )


def grants(client, bucket: str, key: str) -> pd.DataFrame:
    """The object's ACL grants; empty when ACLs are disabled or reading them is denied."""
    try:
        response = client.get_object_acl(Bucket=bucket, Key=key)
    except ClientError:
        return pd.DataFrame(columns=GRANT_COLUMNS)
    rows = []
    for grant in response.get("Grants", []):
        grantee = grant.get("Grantee", {})
        who = grantee.get("URI", "").rsplit("/", 1)[-1] or grantee.get("DisplayName") or grantee.get("ID", "")
        rows.append({"grantee": who, "permission": grant.get("Permission", "")})
    return pd.DataFrame(rows, columns=GRANT_COLUMNS)


def read_range(client, bucket: str, key: str, *, max_bytes: int) -> bytes:
    """The first ``max_bytes`` bytes of an object (one ranged GET)."""
    with s3_errors(f"read '{key}'", bucket=bucket, key=key):
        response = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{max_bytes - 1}")
        return response["Body"].read()


def read_all(client, bucket: str, key: str) -> bytes:
    """The whole object; callers check its size first."""
    with s3_errors(f"read '{key}'", bucket=bucket, key=key):
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def zip_name(key: str, folder: str) -> str:
    """The path of ``key`` inside a .zip of ``folder``: relative, and never climbing out of the
    folder it is unpacked into (S3 keys may contain "..", "." or empty parts)."""
    relative = key[len(folder):] if folder and key.startswith(folder) else key
    parts = [part for part in relative.split("/") if part not in ("", ".", "..")]
    return "/".join(parts) or "unnamed"


def zip_objects(client, bucket: str, keys: list[str], *, folder: str = "") -> bytes:
    """The objects as one .zip (in memory: callers limit the total size), fetched concurrently
    and stored in key order, named below ``folder``. Text compresses; raises on the first
    object that cannot be read, naming it."""
    names: dict[str, str] = {}
    for key in keys:
        name = zip_name(key, folder)
        while name in names.values():  # "a/./b" and "a/b" would collide
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem} (2).{suffix}" if dot and stem else f"{name} (2)"
        names[key] = name
    buffer = io.BytesIO()
    with concurrent.futures.ThreadPoolExecutor(ZIP_THREADS) as pool, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for key, data in zip(keys, pool.map(lambda k: read_all(client, bucket, k), keys)):
            archive.writestr(names[key], data)
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class Preview:
    """What the details panel can show of an object without running any of its content."""

    kind: str  # "table", "json", "text", "image" or "none"
    table: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    text: str = ""
    image: bytes = b""
    note: str = ""  # e.g. "first 100 rows of a 3 MB file"


def _suffix(key: str) -> str:
    name = key.rsplit("/", 1)[-1].lower()
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _complete_lines(data: bytes, truncated: bool) -> bytes:
    """Drop a last line cut off by the byte range."""
    return data[: data.rfind(b"\n") + 1] if truncated and b"\n" in data else data


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _table_preview(data: bytes, truncated: bool, default_delimiter: str, size: int) -> Preview:
    text = _decode(_complete_lines(data, truncated))
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = default_delimiter
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, nrows=PREVIEW_ROWS, on_bad_lines="skip")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return Preview("text", text=text[:PREVIEW_BYTES], note="Not readable as a table; shown as text.")
    shown = f"first {len(table)} rows" if truncated or len(table) == PREVIEW_ROWS else f"all {len(table)} rows"
    return Preview("table", table=table, note=f"{shown} · delimiter {delimiter!r} · {size:,} bytes")


def preview(client, bucket: str, key: str, *, size: int, content_type: str = "") -> Preview:
    """A safe preview: tables, JSON, text (HTML/SVG as source) and images; never executed."""
    suffix = _suffix(key)
    if size == 0:
        return Preview("none", note="The object is empty (0 bytes).")
    if suffix in TABLE_SUFFIXES:
        data = read_range(client, bucket, key, max_bytes=PREVIEW_BYTES)
        return _table_preview(data, size > len(data), TABLE_SUFFIXES[suffix], size)
    if suffix == ".json" or content_type == "application/json":
        if size <= JSON_PREVIEW_LIMIT:
            data = read_all(client, bucket, key)
            try:
                return Preview("json", text=json.dumps(json.loads(data), indent=2, ensure_ascii=False))
            except ValueError:
                return Preview("text", text=_decode(data)[:PREVIEW_BYTES], note="Not valid JSON; shown as text.")
    if suffix in IMAGE_SUFFIXES and size <= IMAGE_PREVIEW_LIMIT:
        return Preview("image", image=read_all(client, bucket, key))
    if suffix == ".parquet" and size <= PARQUET_PREVIEW_LIMIT:
        return _parquet_preview(read_all(client, bucket, key))
    if suffix in TEXT_SUFFIXES or suffix == ".json" or content_type.startswith("text/"):
        data = read_range(client, bucket, key, max_bytes=PREVIEW_BYTES)
        truncated = size > len(data)
        note = f"first {len(data):,} of {size:,} bytes" if truncated else ""
        return Preview("text", text=_decode(_complete_lines(data, truncated)), note=note)
    return Preview("none", note=f"No preview for this kind of file ({content_type or 'unknown type'}, {size:,} bytes).")


def _parquet_preview(data: bytes) -> Preview:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        batch = next(parquet.iter_batches(batch_size=PREVIEW_ROWS), None)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        return Preview("none", note=f"Not a readable parquet file ({type(exc).__name__}).")
    table = batch.to_pandas() if batch is not None else pd.DataFrame()
    rows = parquet.metadata.num_rows
    return Preview("table", table=table, note=f"first {len(table)} of {rows:,} rows")


def delete_objects(client, bucket: str, keys: list[str]) -> pd.DataFrame:
    """Delete keys in batches of 1000; one row per key saying whether it went and why not."""
    results: list[dict] = []
    for start in range(0, len(keys), DELETE_BATCH):
        batch = keys[start : start + DELETE_BATCH]
        with s3_errors(f"delete {len(batch)} object(s) in bucket '{bucket}'", bucket=bucket):
            response = client.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": False}
            )
        failed = {e["Key"]: f"{e.get('Code', '')}: {e.get('Message', '')}" for e in response.get("Errors", [])}
        results += [{"key": k, "deleted": k not in failed, "error": failed.get(k, "")} for k in batch]
    return pd.DataFrame(results, columns=DELETE_COLUMNS)
